using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Engine;

public class TeardownStormTests
{
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Time_wait_peaks_at_the_couple_count_right_after_the_close_and_drains_60s_later(string engine)
    {
        var scenario = Runs.BuiltIn("teardown-storm").WithCouples(2000);
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(2000, report.Couples);
        Assert.Equal(2000, report.Outcomes.Completed);
        Assert.Equal(2000, report.Peaks["time_wait"].Count);
        // The last FIN's ACK of the close at 20 s arrives a round trip (2 × 10 ms ± jitter, or an RTO on a loss) later.
        Assert.InRange(report.Peaks["time_wait"].At, 20.0, 22);
        Assert.Equal(0, report.CountAt(TcpState.TimeWait, 19));
        Assert.Equal(2000, report.CountAt(TcpState.TimeWait, 30));
        Assert.Equal(2000, report.CountAt(TcpState.TimeWait, 79));
        Assert.Equal(0, report.CountAt(TcpState.TimeWait, 85));
        Assert.Equal(0, report.StatesFinal["time_wait"]);
        Assert.True(report.Segments.DroppedByCause.Loss > 0, "1 % loss drops segments");
        Assert.True(report.Segments.Retransmitted > 0, "lost segments are retransmitted");
    }
}
