using OpenTelemetry.Exporter;
using TcpActors.Observability.Metrics;
using TcpActors.Simulation;
using TcpActors.Simulation.Reporting;

namespace TcpActors.Observability.Tests.Metrics;

[Collection(MeterCollection.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task An_otlp_http_protobuf_receiver_gets_every_metric_with_scenario_and_shard_and_the_final_time_wait_count()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        Assert.True(OtlpTarget.TryParse(receiver.MetricsUrl, _ => null, out var target, out string problem), problem);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, target!.Protocol);
        var scenario = TestRuns.SmallStorm(couples: 100, durationSeconds: 70);

        RunReport report;
        using (var telemetry = RunTelemetry.Start(scenario, new TelemetryOptions { Otlp = target, PeopleLog = false }))
        {
            report = SimulationRunner.Run(scenario, new SimulationOptions { Observer = telemetry });
            telemetry.OnCompleted(report);
        } // disposing exports once more: the final values

        Assert.NotEmpty(receiver.Bodies);
        var last = OtlpMetricsRequest.Parse(receiver.Bodies[^1]);
        Assert.Equal("tcpactors", last.ResourceAttributes["service.name"]);
        var byName = last.Metrics.ToDictionary(m => m.Name);
        foreach (string name in (string[])[TcpActorsMetrics.Connections, TcpActorsMetrics.Segments, TcpActorsMetrics.Resets,
                     TcpActorsMetrics.ConnectOutcomes, TcpActorsMetrics.TimeWaitOverflow, TcpActorsMetrics.HandshakeDuration, TcpActorsMetrics.ConnectionDuration])
        {
            Assert.True(byName.ContainsKey(name), $"{name} missing from the OTLP request; it has {string.Join(", ", byName.Keys)}");
            Assert.Equal(TcpActorsMetrics.MeterName, byName[name].Scope);
            Assert.All(byName[name].Points, p =>
            {
                Assert.Equal("small-storm", p.Attributes["scenario"]);
                Assert.Equal("0", p.Attributes["shard"]);
            });
        }

        var connections = byName[TcpActorsMetrics.Connections];
        Assert.Equal("gauge", connections.Kind);
        Assert.Equal(11, connections.Points.Count);
        foreach (var point in connections.Points) Assert.Equal(report.StatesFinal[point.Attributes["tcp.state"]], point.Value);
        Assert.Equal(report.Segments.Sent, byName[TcpActorsMetrics.Segments].Points.Single(p => p.Attributes["outcome"] == "sent").Value);
        Assert.Equal("sum", byName[TcpActorsMetrics.Segments].Kind);
        Assert.Equal("histogram", byName[TcpActorsMetrics.HandshakeDuration].Kind);
        Assert.Equal(report.HandshakeSeconds.Count, byName[TcpActorsMetrics.HandshakeDuration].Points.Single().Value);
        Assert.Equal(100, byName[TcpActorsMetrics.ConnectionDuration].Points.Single().Value);
    }

    [Fact]
    public async Task An_otlp_grpc_receiver_gets_the_metrics_of_a_run_too()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: true);
        Assert.True(OtlpTarget.TryParse(receiver.GrpcUrl, _ => null, out var target, out string problem), problem);
        Assert.Equal(OtlpExportProtocol.Grpc, target!.Protocol);
        var scenario = TestRuns.SmallStorm(couples: 50, durationSeconds: 20);

        RunReport report;
        using (var telemetry = RunTelemetry.Start(scenario, new TelemetryOptions { Otlp = target, PeopleLog = false }))
        {
            report = SimulationRunner.Run(scenario, new SimulationOptions { Observer = telemetry });
            telemetry.OnCompleted(report);
        }

        Assert.NotEmpty(receiver.Bodies);
        var last = OtlpMetricsRequest.Parse(receiver.Bodies[^1]);
        var timeWait = last.Metrics.Single(m => m.Name == TcpActorsMetrics.Connections).Points.Single(p => p.Attributes["tcp.state"] == "time_wait");
        Assert.Equal(report.StatesFinal["time_wait"], timeWait.Value);
        Assert.True(timeWait.Value > 40, $"TIME_WAIT at the end is {timeWait.Value}");
        Assert.Equal(report.HandshakeSeconds.Count, last.Metrics.Single(m => m.Name == TcpActorsMetrics.HandshakeDuration).Points.Single().Value);
    }

    [Theory]
    [InlineData("http://localhost:4317", null, OtlpExportProtocol.Grpc, "http://localhost:4317/")]
    [InlineData("http://localhost:4318", null, OtlpExportProtocol.HttpProtobuf, "http://localhost:4318/v1/metrics")]
    [InlineData("http://collector:9000/v1/metrics", null, OtlpExportProtocol.HttpProtobuf, "http://collector:9000/v1/metrics")]
    [InlineData("http://collector:9000", "http/protobuf", OtlpExportProtocol.HttpProtobuf, "http://collector:9000/v1/metrics")]
    [InlineData("http://localhost:4318/v1/metrics", "grpc", OtlpExportProtocol.Grpc, "http://localhost:4318/v1/metrics")]
    public void The_otlp_protocol_follows_otel_exporter_otlp_protocol_else_the_url(string url, string? protocolVariable, OtlpExportProtocol protocol, string endpoint)
    {
        Assert.True(OtlpTarget.TryParse(url, name => name == "OTEL_EXPORTER_OTLP_PROTOCOL" ? protocolVariable : null, out var target, out string problem), problem);
        Assert.Equal(protocol, target!.Protocol);
        Assert.Equal(endpoint, target.Endpoint.ToString());
    }

    [Theory]
    [InlineData("localhost:4317", null, "--otlp must be an http:// or https:// URL")]
    [InlineData("ftp://collector", null, "--otlp must be an http:// or https:// URL")]
    [InlineData("http://collector:4318", "http/json", "OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf")]
    public void A_bad_otlp_url_or_protocol_is_refused_with_a_reason(string url, string? protocolVariable, string reason)
    {
        Assert.False(OtlpTarget.TryParse(url, name => name == "OTEL_EXPORTER_OTLP_PROTOCOL" ? protocolVariable : null, out _, out string problem));
        Assert.StartsWith(reason, problem);
    }
}
