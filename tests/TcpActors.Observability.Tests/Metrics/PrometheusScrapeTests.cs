using System.Globalization;
using TcpActors.Simulation;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Metrics;

[Collection(MeterCollection.Name)]
public sealed class PrometheusScrapeTests
{
    [Fact]
    public async Task A_real_prometheus_scrapes_the_time_wait_count_of_a_held_run_and_then_the_count_the_report_ends_with()
    {
        // 200 clients close at t=5s and hold TIME_WAIT for 60 s, so at t=10s and at the end
        // (t=30s) the TIME_WAIT count is high and stable: the value the report says.
        var scenario = TestRuns.SmallStorm(couples: 200, durationSeconds: 30);
        var pause = new PausingObserver(TimeSpan.FromSeconds(10));
        using var telemetry = RunTelemetry.Start(scenario, new TelemetryOptions { MetricsPort = 0, PeopleLog = false }, next: pause);
        using var prometheus = PrometheusProcess.Start($"127.0.0.1:{telemetry.Endpoint!.Port}");

        var run = Task.Run(() => SimulationRunner.Run(scenario, new SimulationOptions { Observer = telemetry }));
        try
        {
            var held = pause.WaitUntilPaused();
            const string timeWait = """tcpactors_connections{tcp_state="time_wait",scenario="small-storm",shard="0"}""";
            prometheus.WaitForValue(timeWait, held[TcpState.TimeWait]);
            prometheus.WaitForValue("""tcpactors_connections{tcp_state="established"}""", held[TcpState.Established]);
            prometheus.WaitForValue("""tcpactors_segments_total{outcome="sent"}""", held.Segments.Sent);
        }
        finally
        {
            pause.Resume();
        }
        var report = await run;
        telemetry.OnCompleted(report);

        Assert.True(report.Invariants.Ok, string.Join("\n", report.Invariants.Violations));
        Assert.True(report.CountAt(TcpState.TimeWait, 10) > 150, $"TIME_WAIT at 10 s is {report.CountAt(TcpState.TimeWait, 10)}");
        Assert.Equal(report.CountAt(TcpState.TimeWait, 10), pause.HeldAt![TcpState.TimeWait]);

        long timeWaitAtEnd = report.StatesFinal["time_wait"];
        Assert.True(timeWaitAtEnd > 150, $"TIME_WAIT at the end is {timeWaitAtEnd}");
        prometheus.WaitForValue("""tcpactors_connections{tcp_state="time_wait",scenario="small-storm",shard="0"}""", timeWaitAtEnd);
        prometheus.WaitForValue("tcpactors_segments_total{outcome=\"retransmitted\"}", report.Segments.Retransmitted);
        prometheus.WaitForValue("tcpactors_connect_outcomes_total{outcome=\"established\"}", report.ConnectOutcomes.Established);
        prometheus.WaitForValue("tcpactors_handshake_duration_seconds_count", report.HandshakeSeconds.Count);
        prometheus.WaitForValue("sum(tcpactors_connections)", Sum(report.StatesFinal.Values));

        var labels = PrometheusProcess.SingleLabels(prometheus.Query("tcpactors_time_wait_overflow_total"));
        Assert.Equal("small-storm", labels["scenario"]);
        Assert.Equal("0", labels["shard"]);
    }

    [Fact]
    public async Task Metrics_text_has_every_state_with_scenario_and_shard_counters_ending_in_total_and_histograms_once_the_run_ends()
    {
        // 70 s: clients close at 5 s and leave TIME_WAIT at 65 s, so connection lifetimes are recorded.
        var scenario = TestRuns.SmallStorm(couples: 50, durationSeconds: 70);
        using var telemetry = RunTelemetry.Start(scenario, new TelemetryOptions { MetricsPort = 0, PeopleLog = false, Shard = "3" });
        using var http = new HttpClient();

        string before = await http.GetStringAsync(telemetry.Endpoint!.Url);
        Assert.DoesNotContain("tcpactors_connections{", before); // nothing published yet: no made-up zeros

        var report = SimulationRunner.Run(scenario, new SimulationOptions { Observer = telemetry });
        string during = await http.GetStringAsync(telemetry.Endpoint.Url);
        Assert.DoesNotContain("tcpactors_handshake_duration_seconds_bucket", during);

        telemetry.OnCompleted(report);
        using var response = await http.GetAsync(telemetry.Endpoint.Url);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        string text = await response.Content.ReadAsStringAsync();
        string[] lines = text.Split('\n');
        
        foreach (TcpState state in TcpStateNames.All)
        {
            string line = $"tcpactors_connections{{scenario=\"small-storm\",shard=\"3\",tcp_state=\"{state.ToMetricName()}\"}} {report.StatesFinal[state.ToMetricName()]}";
            Assert.Contains(line, lines);
        }
        Assert.Contains("# TYPE tcpactors_connections gauge", lines);
        Assert.Contains("# TYPE tcpactors_segments_total counter", lines);
        Assert.Contains($"tcpactors_segments_total{{outcome=\"delivered\",scenario=\"small-storm\",shard=\"3\"}} {report.Segments.Delivered}", lines);
        Assert.Contains($"tcpactors_resets_total{{direction=\"sent\",scenario=\"small-storm\",shard=\"3\"}} {report.Resets.Sent}", lines);
        Assert.Contains($"tcpactors_connect_outcomes_total{{outcome=\"established\",scenario=\"small-storm\",shard=\"3\"}} {report.ConnectOutcomes.Established}", lines);
        Assert.Contains($"tcpactors_time_wait_overflow_total{{scenario=\"small-storm\",shard=\"3\"}} {report.TimeWaitOverflow}", lines);
        Assert.Contains("# TYPE tcpactors_handshake_duration_seconds histogram", lines);
        Assert.Contains($"tcpactors_handshake_duration_seconds_bucket{{scenario=\"small-storm\",shard=\"3\",le=\"+Inf\"}} {report.HandshakeSeconds.Count}", lines);
        Assert.Contains($"tcpactors_handshake_duration_seconds_count{{scenario=\"small-storm\",shard=\"3\"}} {report.HandshakeSeconds.Count}", lines);
        Assert.Equal(50, report.ConnectionSeconds.Count);
        Assert.Contains($"tcpactors_connection_duration_seconds_count{{scenario=\"small-storm\",shard=\"3\"}} {report.ConnectionSeconds.Count}", lines);

        // Handshakes over a 10 ms one-way delay take at least one RTT (20 ms): none in the 10 ms bucket.
        Assert.Contains("tcpactors_handshake_duration_seconds_bucket{scenario=\"small-storm\",shard=\"3\",le=\"0.01\"} 0", lines);
        string sumLine = lines.Single(l => l.StartsWith("tcpactors_handshake_duration_seconds_sum", StringComparison.Ordinal));
        double sum = double.Parse(sumLine[(sumLine.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        Assert.InRange(sum / report.HandshakeSeconds.Count, 0.019, report.HandshakeSeconds.Max);
    }

    [Fact]
    public async Task A_metrics_port_in_use_is_a_clear_error_and_leaves_nothing_running()
    {
        var scenario = TestRuns.SmallStorm(couples: 1, durationSeconds: 10);
        using var first = RunTelemetry.Start(scenario, new TelemetryOptions { MetricsPort = 0, PeopleLog = false });
        int taken = first.Endpoint!.Port;

        var error = Assert.Throws<Prometheus.MetricsEndpointException>(
            () => RunTelemetry.Start(scenario, new TelemetryOptions { MetricsPort = taken, PeopleLog = false }));

        Assert.StartsWith($"--metrics-port {taken}: cannot listen on 127.0.0.1:{taken}", error.Message);
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(first.Endpoint.Url)).IsSuccessStatusCode);
    }

    private static long Sum(IEnumerable<long> values)
    {
        long sum = 0;
        foreach (long v in values) sum += v;
        return sum;
    }
}
