using TcpActors.Runtime;
using TcpActors.Simulation.Model;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// Opens the shard's couples at their planned times (all at once, over a span, at a rate, or as
/// churn): for each due couple it records the couple's decisions in the ledger and asks the
/// client host to connect, which spawns the client endpoint. Endpoints exist only from here on
/// (lazy spawning). One wake-up per distinct open time, never a message per couple queued in advance.
/// </summary>
internal sealed class WorkloadActor(ShardRefs refs, int[] couples) : Actor, IReceive<WorkloadDue>
{
    private int _next;

    private WorkloadPlan Plan => refs.World.Plan;

    protected override void PreStart() => ScheduleNext();

    public void Receive(WorkloadDue message)
    {
        while (_next < couples.Length && Plan.OpenAt(couples[_next]) <= Now)
        {
            int couple = couples[_next++];
            refs.World.Ledger.Open(couple, Plan.Decide(couple));
            System.Handoff(refs.Host(HostRole.Client, Plan.ClientHostOf(couple)), new OpenCouple(couple));
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
