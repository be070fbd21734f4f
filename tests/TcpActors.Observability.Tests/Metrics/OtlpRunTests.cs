using System.Text.RegularExpressions;
using TcpActors.Observability.Metrics;
using TcpActors.Observability.Tracing;

namespace TcpActors.Observability.Tests.Metrics;

/// <summary>
/// <c>tcpactors run --otlp URL</c> as a user starts it (the built command, a child process): one
/// collector receives the run's metrics, its log and its trace, whichever OTLP transport.
/// </summary>
public sealed partial class OtlpRunTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_run_with_otlp_sends_its_metrics_log_and_trace_with_a_span_per_phase_and_chaos_window_to_one_collector(bool grpc)
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc);
        using var folder = new TemporaryFolder();
        // partition-and-heal cuts clients from servers from t=15 s for 30 s.
        var run = ChildProcess.TcpActors(folder.Path, "run", "partition-and-heal", "--couples", "100", "--duration", "60s", "--quiet",
            "--out", Path.Combine(folder.Path, "out"), "--otlp", grpc ? receiver.GrpcUrl : receiver.MetricsUrl);
        Assert.True(run.ExitCode == 0, run.ToString());
        string digest = DigestLine().Match(run.Stdout).Groups[1].Value;

        // Metrics: the final export has the run's gauge.
        var metrics = OtlpMetricsRequest.Parse(receiver.Bodies[^1]);
        Assert.Equal("tcpactors", metrics.ResourceAttributes["service.name"]);
        var connections = metrics.Metrics.Single(m => m.Name == TcpActorsMetrics.Connections);
        Assert.All(connections.Points, p => Assert.Equal("partition-and-heal", p.Attributes["scenario"]));

        // Logs: the lines of log.json, with their properties as attributes.
        var logs = receiver.LogBodies.SelectMany(OtlpLogsAndSpans.Logs).ToList();
        Assert.Contains(logs, l => l.Body.StartsWith("Run partition-and-heal started: seed 11", StringComparison.Ordinal) && l.Attributes["Scenario"] == "partition-and-heal");
        Assert.Contains(logs, l => l.Body.StartsWith("Chaos: partition started at t=15 s", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Body.StartsWith("Run partition-and-heal ended at t=60 s", StringComparison.Ordinal) && l.Body.Contains(digest, StringComparison.Ordinal));
        Assert.All(logs, l => Assert.Equal("tcpactors", l.Resource["service.name"]));

        // Trace: the run, its phases under it, the chaos window under "simulate".
        var spans = receiver.TraceBodies.SelectMany(OtlpLogsAndSpans.Spans).ToList();
        var root = Assert.Single(spans, s => s.Name == RunTrace.RunSpan);
        Assert.Equal("", root.ParentSpanId);
        Assert.Equal(RunTrace.SourceName, root.Scope);
        Assert.Equal("tcpactors", root.Resource["service.name"]);
        Assert.Equal("partition-and-heal", root.Attributes["tcpactors.scenario"]);
        Assert.Equal("11", root.Attributes["tcpactors.seed"]);
        Assert.Equal(digest, root.Attributes["tcpactors.digest"]);
        Assert.Equal("60", root.Attributes["tcpactors.virtual_seconds"]);
        foreach (string phase in (string[])["load scenario", "start telemetry", RunTrace.SimulatePhase, "write run directory"])
        {
            var span = Assert.Single(spans, s => s.Name == phase);
            Assert.Equal(root.TraceId, span.TraceId);
            Assert.Equal(root.SpanId, span.ParentSpanId);
            Assert.InRange(span.StartNanos, root.StartNanos, span.EndNanos);
            Assert.InRange(span.EndNanos, span.StartNanos, root.EndNanos);
        }
        var simulate = spans.Single(s => s.Name == RunTrace.SimulatePhase);
        var chaos = Assert.Single(spans, s => s.Name == "chaos partition");
        Assert.Equal(root.TraceId, chaos.TraceId);
        Assert.Equal(simulate.SpanId, chaos.ParentSpanId);
        Assert.Equal("partition", chaos.Attributes["tcpactors.chaos.kind"]);
        Assert.Equal("schedule", chaos.Attributes["tcpactors.chaos.source"]);
        Assert.Equal("15", chaos.Attributes["tcpactors.chaos.at_seconds"]);
        Assert.Equal("45", chaos.Attributes["tcpactors.chaos.until_seconds"]);
        Assert.InRange(chaos.StartNanos, simulate.StartNanos, chaos.EndNanos);
        Assert.InRange(chaos.EndNanos, chaos.StartNanos, simulate.EndNanos);
    }

    /// <summary>
    /// <c>OTEL_EXPORTER_OTLP_HEADERS</c> (a collector's token, a tenant) goes with every request of
    /// every signal: the metrics and the spans (the SDK reads it) and the log (told by us), its
    /// values percent-decoded as the OpenTelemetry specification says (<c>%20</c> a space, <c>+</c> a plus).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Otel_exporter_otlp_headers_go_with_the_log_as_with_the_metrics_and_the_spans(bool grpc)
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc);
        using var folder = new TemporaryFolder();

        var run = ChildProcess.TcpActors(folder.Path, new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20s3cret, x-tenant = storm+lab ," },
            "run", "teardown-storm", "--couples", "20", "--duration", "30s", "--quiet", "--out", Path.Combine(folder.Path, "out"),
            "--otlp", grpc ? receiver.GrpcUrl : receiver.MetricsUrl);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string signal in (string[])["logs", "metrics", "traces"])
        {
            var requests = receiver.HeadersOf(signal);
            Assert.True(requests.Count > 0, $"no {signal} arrived");
            Assert.All(requests, headers =>
            {
                Assert.Equal("Bearer s3cret", headers.GetValueOrDefault("authorization"));
                Assert.Equal("storm+lab", headers.GetValueOrDefault("x-tenant"));
            });
        }
    }

    [Fact]
    public async Task Otel_exporter_otlp_logs_headers_takes_the_place_of_the_general_headers_for_the_log_only()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var folder = new TemporaryFolder();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-tenant=storm-lab",
            ["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] = "x-logs=only%3Dhere%2C%20thanks",
        };

        var run = ChildProcess.TcpActors(folder.Path, environment,
            "run", "teardown-storm", "--couples", "20", "--duration", "30s", "--quiet", "--out", Path.Combine(folder.Path, "out"), "--otlp", receiver.MetricsUrl);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotEmpty(receiver.HeadersOf("logs"));
        Assert.All(receiver.HeadersOf("logs"), headers =>
        {
            // Split at the raw commas first: an encoded one is part of its value.
            Assert.Equal("only=here, thanks", headers.GetValueOrDefault("x-logs"));
            Assert.False(headers.ContainsKey("x-tenant"));
        });
        Assert.All(receiver.HeadersOf("metrics"), headers =>
        {
            Assert.Equal("storm-lab", headers.GetValueOrDefault("x-tenant"));
            Assert.False(headers.ContainsKey("x-logs"));
        });
    }

    [Fact]
    public void Otlp_headers_that_are_not_a_key_value_list_are_a_usage_error_naming_the_variable()
    {
        using var folder = new TemporaryFolder();

        var run = ChildProcess.TcpActors(folder.Path, new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] = "Bearer s3cret" },
            "run", "teardown-storm", "--couples", "20", "--duration", "30s", "--quiet", "--out", Path.Combine(folder.Path, "out"), "--otlp", "http://127.0.0.1:1");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("OTEL_EXPORTER_OTLP_LOGS_HEADERS: \"Bearer s3cret\" is not key=value", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "out")));
    }

    [GeneratedRegex(@"digest: ([0-9a-f]{64})")]
    private static partial Regex DigestLine();
}
