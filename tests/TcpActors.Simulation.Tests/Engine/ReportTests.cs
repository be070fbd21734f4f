using System.Text.Json;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Simulation.Tests.Engine;

public class ReportTests
{
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Report_json_has_every_field_of_the_contract(string engine)
    {
        var report = Runs.Run(Runs.BuiltIn("teardown-storm").WithCouples(200), engine);
        using var json = JsonDocument.Parse(RunDirectory.ToJson(report));
        var root = json.RootElement;

        foreach (string field in new[]
        {
            "scenario", "seed", "profile", "shards", "threads", "virtual_seconds", "wall_seconds", "events", "couples",
            "outcomes", "states_final", "peaks", "segments", "resets", "time_wait_overflow", "handshake_seconds",
            "invariants", "digest", "interrupted",
        })
        {
            Assert.True(root.TryGetProperty(field, out _), $"report.json lacks {field}");
        }
        foreach (string outcome in new[] { "completed", "refused", "timed_out", "reset", "port_exhausted", "aborted" })
            Assert.True(root.GetProperty("outcomes").TryGetProperty(outcome, out _), outcome);
        foreach (string q in new[] { "p50", "p99", "max" })
            Assert.True(root.GetProperty("handshake_seconds").TryGetProperty(q, out _), q);
        Assert.Equal(11, root.GetProperty("states_final").EnumerateObject().Count());
        Assert.Equal(200, root.GetProperty("peaks").GetProperty("time_wait").GetProperty("count").GetInt64());
        Assert.True(root.GetProperty("invariants").GetProperty("ok").GetBoolean());
        Assert.False(root.GetProperty("interrupted").GetBoolean());
        Assert.Equal(120.0, root.GetProperty("virtual_seconds").GetDouble());
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void The_time_series_has_one_row_per_sample_from_zero_to_the_duration(string engine)
    {
        var report = Runs.Run(Runs.BuiltIn("teardown-storm").WithCouples(100), engine);

        Assert.Equal(121, report.TimeSeries.Rows);
        Assert.Equal(TimeSpan.Zero, report.TimeSeries.TimeAt(0));
        Assert.Equal(TimeSpan.FromSeconds(120), report.TimeSeries.TimeAt(120));
    }

    [Fact]
    public void Handshake_quantiles_have_3_significant_digits_and_the_metric_buckets_are_no_wider_than_a_sixteenth()
    {
        var histogram = new DurationHistogram();
        for (int i = 1; i <= 100; i++) histogram.Record(TimeSpan.FromMilliseconds(i));

        Assert.InRange(histogram.Quantile(0.5).TotalMilliseconds, 50, 50 * 1.001);
        Assert.InRange(histogram.Quantile(0.99).TotalMilliseconds, 99, 99 * 1.001);
        Assert.InRange(histogram.BucketQuantile(0.5).TotalMilliseconds, 50, 50 * 1.0625);
        Assert.Equal(TimeSpan.FromMilliseconds(100), histogram.Max);
        for (long micros = 1; micros < 1L << 36; micros = micros * 3 + 1)
        {
            int bucket = DurationHistogram.BucketOf(micros);
            Assert.True(DurationHistogram.UpperMicros(bucket) > micros, $"{micros} above its bucket's edge");
            Assert.True(bucket == 0 || DurationHistogram.UpperMicros(bucket - 1) <= micros, $"{micros} below its bucket's start");
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void An_observer_sees_every_sample_in_order_with_counts_summed_over_shards(string engine)
    {
        var observer = new Recorder();
        var scenario = Runs.BuiltIn("teardown-storm").WithCouples(400).WithShards(2);
        var report = Runs.Run(scenario, engine, new SimulationOptions { Observer = observer, Threads = 2 });

        Assert.Equal(report.TimeSeries.Rows, observer.Samples.Count);
        for (int i = 0; i < observer.Samples.Count; i++)
        {
            Assert.Equal(report.TimeSeries.TimeAt(i), observer.Samples[i].Now);
            Assert.Equal(report.TimeSeries.Count(i, Tcp.TcpState.TimeWait), observer.Samples[i][Tcp.TcpState.TimeWait]);
        }
        Assert.Equal(report.Outcomes, observer.Samples[^1].Outcomes);
        Assert.Equal(400, observer.Samples[0].Outcomes.NotStarted);
        Assert.Equal(report.Segments, observer.Samples[^1].Segments);
    }

    private sealed class Recorder : IRunObserver
    {
        public List<LiveSnapshot> Samples { get; } = [];

        public void OnSample(LiveSnapshot snapshot) => Samples.Add(snapshot);
    }
}
