using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Engine;

public class SupervisionTests
{
    /// <summary>A trace sink that throws inside the endpoints of some couples: a stand-in for any bug in an actor.</summary>
    private sealed class ThrowingTrace(Func<int, TcpState, bool> throwsOn) : ITraceSink
    {
        public void State(TimeSpan t, int couple, TraceSide side, TcpState from, TcpState to)
        {
            if (side == TraceSide.Client && throwsOn(couple, to)) throw new InvalidOperationException($"boom in couple {couple}");
        }

        public void Segment(TimeSpan t, int couple, LinkDirection direction, in Segment segment, TraceFate fate) { }

        public void Outcome(TimeSpan t, int couple, TraceSide side, CoupleOutcome outcome) { }

        public void Flush() { }
    }

    public static TheoryData<string, TcpState> FailingStates => Engines.Cross(
        TcpState.SynSent,       // thrown inside connect(), called by the workload actor
        TcpState.Established,   // thrown while the host hands over a segment
        TcpState.FinWait1,      // thrown in a scheduled close
        TcpState.Closed);       // thrown on a timer expiry (TIME_WAIT ends)

    [Theory]
    [MemberData(nameof(FailingStates))]
    public void An_exception_inside_an_endpoint_is_counted_and_reported_and_the_run_goes_on(string engine, TcpState failingState)
    {
        // One cell: the trace sink is then called from inside the endpoint, where the exception
        // is injected (with several shards, trace events are buffered and replayed after the run).
        var scenario = Runs.BuiltIn("teardown-storm").WithCouples(100).WithShards(1);
        var report = Runs.Run(scenario, engine, new SimulationOptions
        {
            Trace = new ThrowingTrace((couple, to) => couple == 3 && to == failingState),
            TraceCouples = 10,
        });

        Assert.Equal(1, report.Supervision.Failures);
        Assert.Contains("boom in couple 3", report.Supervision.FirstFailures[0], StringComparison.Ordinal);
        Runs.AssertInvariantsHold(report);
        Assert.Equal(100, report.Outcomes.Completed + report.Outcomes.Aborted);
        Assert.True(report.Outcomes.Completed >= 99);
    }
}
