using TcpActors.Runtime;
using TcpActors.Simulation.Model;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// Opens the shard's couples at their planned times (all at once, over a span, at a rate, or as
/// churn): for each due couple it counts it opened in the ledger and asks the client host to
/// connect, which spawns the client endpoint (whose model draws the couple's decisions). Endpoints exist only from here on
/// (lazy spawning). One wake-up per distinct open time, never a message per couple queued in advance.
/// </summary>
internal sealed class WorkloadActor(ShardRefs refs, int[] couples) : Actor, IReceive<WorkloadDue>
{
    private int _next;

    private WorkloadPlan Plan => refs.World.Plan;

    protected override void PreStart() => ScheduleNext();

    /// <summary>
    /// Opens the next couple if it is due, and hands itself the next wake-up behind the host's
    /// connect: couples due at one instant open one after the other — port, SYN, next port — as
    /// a loop of connect() calls would, and a storm of a million never queues a million hand-offs.
    /// </summary>
    public void Receive(WorkloadDue message)
    {
        if (_next < couples.Length && Plan.OpenAt(couples[_next]) <= Now)
        {
            int couple = couples[_next++];
            refs.World.Ledger.Open();
            System.Handoff(refs.Host(HostRole.Client, Plan.ClientHostOf(couple)), new OpenCouple(couple));
            System.Handoff(Self, default(WorkloadDue));
            return;
        }
        ScheduleNext();
    }

    private void ScheduleNext()
    {
        if (_next >= couples.Length) return;
        TimeSpan at = Plan.OpenAt(couples[_next]);
        if (at >= refs.World.Scenario.Run.Duration + TimeSpan.FromTicks(1)) return;
        System.Tell(Self, default(WorkloadDue), at > Now ? at - Now : TimeSpan.Zero);
    }
}
