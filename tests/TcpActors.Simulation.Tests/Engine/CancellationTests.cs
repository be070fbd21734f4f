using TcpActors.Simulation.Telemetry;

namespace TcpActors.Simulation.Tests.Engine;

public class CancellationTests
{
    /// <summary>Cancels the run when virtual time reaches a point, from inside the run (no wall clock).</summary>
    private sealed class CancelAt(TimeSpan at, CancellationTokenSource source) : IRunObserver
    {
        public void OnSample(LiveSnapshot snapshot)
        {
            if (snapshot.Now >= at) source.Cancel();
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Interrupting_a_run_yields_a_complete_report_marked_interrupted(string engine)
    {
        using var source = new CancellationTokenSource();
        // The built-in's two shards on one thread: the thread takes them in turn, a sample interval
        // at a time, so both stop at 30 s. (Run one after the other, the first would have reached
        // 120 s — its clients' TIME_WAIT long over — before the observer saw t = 30 s.)
        var scenario = Runs.BuiltIn("teardown-storm").WithCouples(1_000);
        Assert.Equal(2, scenario.Run.Shards);
        var report = Runs.Run(scenario, engine,
            new SimulationOptions { Observer = new CancelAt(TimeSpan.FromSeconds(30), source) }, source.Token);

        Assert.True(report.Interrupted);
        Assert.Equal(30, report.VirtualSeconds);
        Assert.Equal(31, report.TimeSeries.Rows);
        Assert.Equal(1_000, report.StatesFinal["time_wait"]);
        Assert.Equal(1_000, report.Outcomes.Open);
        Assert.True(report.Invariants.Ok, string.Join("; ", report.Invariants.Violations));
        Assert.Contains(report.Invariants.NotChecked, n => n.Contains("interrupted", StringComparison.Ordinal));
        Assert.NotEmpty(report.Digest);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_run_cancelled_before_it_starts_reports_only_time_zero(string engine)
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        var report = Runs.Run(Runs.BuiltIn("teardown-storm").WithCouples(100), engine, cancellation: source.Token);

        Assert.True(report.Interrupted);
        Assert.Equal(0, report.VirtualSeconds);
        Assert.Equal(100, report.Outcomes.NotStarted);
    }
}
