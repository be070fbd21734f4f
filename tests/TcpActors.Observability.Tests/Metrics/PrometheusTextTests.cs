using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Metrics;

[Collection(MeterCollection.Name)]
public sealed class PrometheusTextTests
{
    [Fact]
    public void Each_scrape_reports_the_latest_published_snapshot()
    {
        var scenario = TestRuns.SmallStorm(couples: 1, durationSeconds: 10) with { Name = "storm" };
        using var telemetry = RunTelemetry.Start(scenario, new TelemetryOptions { Scrape = true, PeopleLog = false });
        var scrape = telemetry.Scrape!;

        telemetry.OnSample(Snapshot(seconds: 1, timeWait: 7, sent: 100));
        string[] first = scrape.Collect().Split('\n');
        telemetry.OnSample(Snapshot(seconds: 2, timeWait: 9, sent: 150));
        string[] second = scrape.Collect().Split('\n');

        Assert.Equal("7", Sample(first, "tcpactors_connections{scenario=\"storm\",shard=\"0\",tcp_state=\"time_wait\"}"));
        Assert.Equal("9", Sample(second, "tcpactors_connections{scenario=\"storm\",shard=\"0\",tcp_state=\"time_wait\"}"));
        Assert.Equal("100", Sample(first, "tcpactors_segments_total{outcome=\"sent\",scenario=\"storm\",shard=\"0\"}"));
        Assert.Equal("150", Sample(second, "tcpactors_segments_total{outcome=\"sent\",scenario=\"storm\",shard=\"0\"}"));
    }

    /// <summary>The value of the series <paramref name="series"/> in exposition lines (a timestamp may follow it), or null.</summary>
    internal static string? Sample(string[] lines, string series)
    {
        foreach (string line in lines)
        {
            if (!line.StartsWith(series + " ", StringComparison.Ordinal)) continue;
            return line[(series.Length + 1)..].Split(' ')[0];
        }
        return null;
    }

    internal static LiveSnapshot Snapshot(double seconds, long timeWait, long sent)
    {
        var states = new long[TcpStateNames.Count];
        states[(int)TcpState.TimeWait] = timeWait;
        return new LiveSnapshot
        {
            Now = TimeSpan.FromSeconds(seconds), Duration = TimeSpan.FromSeconds(60), StateCounts = states,
            Segments = new SegmentCounts { Sent = sent }, Resets = new ResetCounts(), ConnectOutcomes = new ConnectOutcomeCounts(),
            TimeWaitOverflow = 0, Events = 0,
        };
    }
}
