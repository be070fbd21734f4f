namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// The OpenTelemetry Collector and Prometheus configs parse and point at each other: every
/// component a pipeline names is defined, Prometheus scrapes the collector's Prometheus exporter
/// on the service name and port the stack gives it, and Grafana's datasource is Prometheus.
/// </summary>
public sealed class CollectorAndPrometheusConfigTests
{
    private static readonly string[] s_componentKinds = ["receivers", "processors", "exporters"];

    [Fact]
    public void Every_component_of_the_collectors_metrics_pipeline_is_defined_and_otlp_comes_in_on_4317_and_4318()
    {
        var config = YamlFile.Load("deploy/otel-collector/config.yaml");

        var pipeline = YamlFile.Map(config, "service.pipelines.metrics");
        foreach (string kind in s_componentKinds)
        {
            var defined = YamlFile.Keys(config, kind);
            foreach (string component in YamlFile.Strs(pipeline, kind))
                Assert.True(defined.Contains(component), $"the metrics pipeline names {kind} '{component}', which is not defined");
        }
        foreach (string extension in YamlFile.Strs(config, "service.extensions"))
            Assert.Contains(extension, YamlFile.Keys(config, "extensions"));
        Assert.Equal(["otlp"], YamlFile.Strs(pipeline, "receivers"));
        Assert.Equal(["prometheus"], YamlFile.Strs(pipeline, "exporters"));
        Assert.Equal("0.0.0.0:4317", YamlFile.Str(config, "receivers.otlp.protocols.grpc.endpoint"));
        Assert.Equal("0.0.0.0:4318", YamlFile.Str(config, "receivers.otlp.protocols.http.endpoint"));
    }

    [Theory]
    [InlineData("logs")]
    [InlineData("traces")]
    public void The_collector_takes_logs_and_traces_over_otlp_too_and_prints_them_with_the_debug_exporter(string signal)
    {
        var config = YamlFile.Load("deploy/otel-collector/config.yaml");

        var pipeline = YamlFile.Map(config, $"service.pipelines.{signal}");
        foreach (string kind in s_componentKinds)
        {
            var defined = YamlFile.Keys(config, kind);
            foreach (string component in YamlFile.Strs(pipeline, kind))
                Assert.True(defined.Contains(component), $"the {signal} pipeline names {kind} '{component}', which is not defined");
        }
        Assert.Equal(["otlp"], YamlFile.Strs(pipeline, "receivers"));
        Assert.Equal(["debug"], YamlFile.Strs(pipeline, "exporters"));
    }

    [Fact]
    public void Prometheus_scrapes_the_collectors_prometheus_exporter_by_its_compose_service_name_and_port()
    {
        var collector = YamlFile.Load("deploy/otel-collector/config.yaml");
        string exporterPort = YamlFile.Str(collector, "exporters.prometheus.endpoint").Split(':')[^1];
        var prometheus = YamlFile.Load("deploy/prometheus/prometheus.yml");

        var job = Assert.Single(YamlFile.Seq(prometheus, "scrape_configs"));
        var targets = YamlFile.Strs(Assert.Single(YamlFile.Seq(job, "static_configs")), "targets");
        string target = Assert.Single(targets);
        Assert.Equal($"otel-collector:{exporterPort}", target);
        Assert.Contains("otel-collector", YamlFile.Keys(ComposeStack.Resolved(), "services"));
        // The collector's job and instance labels (each run's service.name and instance id) are kept.
        Assert.Equal("true", YamlFile.Str(job, "honor_labels"));
    }

    [Fact]
    public void Grafanas_datasource_is_the_prometheus_service_on_its_default_port()
    {
        var datasource = Assert.Single(YamlFile.Seq(YamlFile.Load("deploy/grafana/provisioning/datasources/prometheus.yaml"), "datasources"));
        var (host, port) = ComposeStack.HostAndPort(YamlFile.Str(datasource, "url"));

        Assert.Equal("prometheus", host);
        Assert.Equal(9090, port);
        var resolved = ComposeStack.Resolved();
        Assert.Contains(host, YamlFile.Keys(resolved, "services"));
        Assert.DoesNotContain(YamlFile.Strs(resolved, "services.prometheus.command"), a => a.StartsWith("--web.listen-address", StringComparison.Ordinal));
    }
}
