using TcpActors.Simulation;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>The bounds each live sample carries for the dashboard's band are the census's rows, shard count or not.</summary>
public sealed class LiveBoundsTests
{
    private static Scenario SimultaneousClose(int shards) => ScenarioLoader.LoadText($$"""
        name: live-bounds
        seed: 2
        profile: linux
        hosts:
          clients: { count: 3 }
          servers: { count: 3, port: 80 }
        network: { delay: 20ms }
        workload:
          couples: 300
          open: { at: 0s, over: 2s }
          exchange: { request: 100B, response: 100B }
          close: { at: 10s, over: 0s, by: both }
        run: { duration: 15s, sample_every: 1s, shards: {{shards}} }
        """, "live-bounds.yaml").GetOrThrow();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Every_sample_carries_the_exact_interval_bounds_timeseries_csv_gets(int shards)
    {
        var samples = new Recorder();
        var rows = new Rows();
        var report = SimulationRunner.Run(SimultaneousClose(shards), new SimulationOptions { Observer = samples, TimeSeriesSink = rows, Threads = shards });

        Assert.Equal(16, samples.Samples.Count);
        Assert.Equal(16, rows.Min.Count);
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(rows.Min[i], samples.Samples[i].StateMin);
            Assert.Equal(rows.Max[i], samples.Samples[i].StateMax);
        }
        // CLOSING lives one round trip after t = 10 s: no sample sees it, the interval ending at 11 s holds all 600.
        Assert.All(samples.Samples, s => Assert.Equal(0, s[TcpState.Closing]));
        Assert.Equal(600, samples.Samples[11].StateMax![(int)TcpState.Closing]);
        Assert.Equal(600, report.Peaks["closing"].Count);
    }

    private sealed class Recorder : IRunObserver
    {
        public List<LiveSnapshot> Samples { get; } = [];

        public void OnSample(LiveSnapshot snapshot) => Samples.Add(snapshot);
    }

    private sealed class Rows : ITimeSeriesSink
    {
        public List<long[]> Min { get; } = [];
        public List<long[]> Max { get; } = [];

        public void Row(TimeSpan time, ReadOnlySpan<long> counts, ReadOnlySpan<long> min, ReadOnlySpan<long> max)
        {
            Min.Add(min.ToArray());
            Max.Add(max.ToArray());
        }
    }
}
