using System.Globalization;
using System.Text.Json;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Tracing;

namespace TcpActors.Simulation.Tests.Engine;

/// <summary>Handshake and connection quantiles are measured values to 3 significant digits (HdrHistogram), not bucket edges.</summary>
public class QuantileTests
{
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void The_handshake_p99_of_a_jittered_storm_is_the_one_its_trace_shows_within_a_tenth_of_a_percent(string engine)
    {
        // 10 ms ± 2 ms (normal) each way: every handshake takes its own time.
        var storm = Runs.BuiltIn("teardown-storm").WithCouples(1_000).WithDuration(TimeSpan.FromSeconds(30));
        var trace = new StringWriter(CultureInfo.InvariantCulture);
        RunReport report;
        using (var sink = new JsonLinesTraceWriter(trace))
        {
            report = Runs.Run(storm, engine, new SimulationOptions { Trace = sink, TraceCouples = 1_000 });
        }

        var connect = new Dictionary<int, double>();
        var handshakes = new List<double>();
        foreach (string line in trace.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var e = JsonDocument.Parse(line);
            var root = e.RootElement;
            if (root.GetProperty("event").GetString() != "state" || root.GetProperty("side").GetString() != "client") continue;
            int couple = root.GetProperty("couple").GetInt32();
            double t = root.GetProperty("t").GetDouble();
            string? to = root.GetProperty("to").GetString();
            if (to == "SYN_SENT") connect.TryAdd(couple, t);
            else if (to == "ESTABLISHED") handshakes.Add(t - connect[couple]);
        }
        handshakes.Sort();
        Assert.Equal(1_000, handshakes.Count);
        Assert.True(handshakes[0] < handshakes[^1], "jitter gives handshakes different durations");

        double p99 = handshakes[(int)Math.Ceiling(0.99 * handshakes.Count) - 1];
        Assert.Equal(1_000, report.HandshakeSeconds.Count);
        Assert.InRange(report.HandshakeSeconds.P99, p99, p99 * 1.001);
        double p50 = handshakes[(int)Math.Ceiling(0.50 * handshakes.Count) - 1];
        Assert.InRange(report.HandshakeSeconds.P50, p50, p50 * 1.001);
        Assert.Equal(handshakes[^1], report.HandshakeSeconds.Max, 6);
        Assert.InRange(report.HandshakeSeconds.P90, report.HandshakeSeconds.P50, report.HandshakeSeconds.P99);
        Assert.InRange(report.HandshakeSeconds.P999, report.HandshakeSeconds.P99, report.HandshakeSeconds.Max);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Shards_merge_their_quantiles_exactly(string engine)
    {
        var storm = Runs.BuiltIn("teardown-storm").WithCouples(1_000).WithDuration(TimeSpan.FromSeconds(30));
        var whole = Runs.Run(storm, engine);
        var apart = ReportMerger.Merge([Runs.Run(storm, engine, new SimulationOptions { ShardIndex = 0 }), Runs.Run(storm, engine, new SimulationOptions { ShardIndex = 1 })]);

        Assert.Equal(whole.HandshakeSeconds, apart.HandshakeSeconds);
        Assert.Equal(whole.ConnectionSeconds, apart.ConnectionSeconds);
    }
}
