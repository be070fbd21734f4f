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

    [Fact]
    public void Interrupting_a_run_yields_a_complete_report_marked_interrupted()
    {
        using var source = new CancellationTokenSource();
        // One cell: the observer sees a sample once every shard has reached it, so with the
        // built-in's two shards the one that runs first (on one thread, to its end) is past the
        // cancellation point before it is requested.
        var scenario = Runs.BuiltIn("teardown-storm").WithCouples(1_000).WithShards(1);
        var report = SimulationRunner.Run(scenario,
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

    [Fact]
    public void A_run_cancelled_before_it_starts_reports_only_time_zero()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        var report = SimulationRunner.Run(Runs.BuiltIn("teardown-storm").WithCouples(100), new SimulationOptions(), source.Token);

        Assert.True(report.Interrupted);
        Assert.Equal(0, report.VirtualSeconds);
        Assert.Equal(100, report.Outcomes.NotStarted);
    }
}
