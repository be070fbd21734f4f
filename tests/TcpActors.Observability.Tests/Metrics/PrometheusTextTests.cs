using OpenTelemetry;
using OpenTelemetry.Metrics;
using TcpActors.Observability.Metrics;
using TcpActors.Observability.Prometheus;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Metrics;

[Collection(MeterCollection.Name)]
public sealed class PrometheusTextTests
{
    [Fact]
    public void Each_scrape_reports_the_latest_published_snapshot()
    {
        using var metrics = new RunMetrics("storm", "0");
        var scrape = new PrometheusScrape();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(TcpActorsMetrics.MeterName).AddReader(scrape.Reader).Build();

        metrics.OnSample(Snapshot(seconds: 1, timeWait: 7, sent: 100));
        string first = scrape.Collect();
        metrics.OnSample(Snapshot(seconds: 2, timeWait: 9, sent: 150));
        string second = scrape.Collect();

        Assert.Contains("tcpactors_connections{scenario=\"storm\",shard=\"0\",tcp_state=\"time_wait\"} 7\n", first);
        Assert.Contains("tcpactors_connections{scenario=\"storm\",shard=\"0\",tcp_state=\"time_wait\"} 9\n", second);
        Assert.Contains("tcpactors_segments_total{outcome=\"sent\",scenario=\"storm\",shard=\"0\"} 100\n", first);
        Assert.Contains("tcpactors_segments_total{outcome=\"sent\",scenario=\"storm\",shard=\"0\"} 150\n", second);
    }

    [Theory]
    [InlineData("tcpactors.connections", "{connection}", false, "tcpactors_connections")]
    [InlineData("tcpactors.segments", "{segment}", true, "tcpactors_segments_total")]
    [InlineData("tcpactors.time_wait.overflow", "{socket}", true, "tcpactors_time_wait_overflow_total")]
    [InlineData("tcpactors.handshake.duration", "s", false, "tcpactors_handshake_duration_seconds")]
    public void Names_follow_the_usual_opentelemetry_to_prometheus_translation(string name, string unit, bool counter, string expected) =>
        Assert.Equal(expected, PrometheusName.ForMetric(name, unit, counter));

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
