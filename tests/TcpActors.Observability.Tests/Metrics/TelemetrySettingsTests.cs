using OpenTelemetry.Exporter;
using TcpActors.Observability.Metrics;

namespace TcpActors.Observability.Tests.Metrics;

/// <summary>The telemetry is configured as a .NET service is: the command line over the environment (OTEL_*, TCPACTORS_*).</summary>
public sealed class TelemetrySettingsTests
{
    [Fact]
    public void Tcpactors_variables_set_the_collector_and_the_metrics_port_and_otel_variables_reach_the_sdk_configuration()
    {
        var settings = TelemetrySettings.Resolve(new TelemetryOptions(), new Dictionary<string, string?>
        {
            ["TCPACTORS_OTLP"] = "http://collector:4318",
            ["TCPACTORS_METRICSPORT"] = "9464",
            ["OTEL_SERVICE_NAME"] = "storm-lab",
        });

        Assert.Equal(new Uri("http://collector:4318/v1/metrics"), settings.Otlp!.Endpoint);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, settings.Otlp.Protocol);
        Assert.Equal(new Uri("http://collector:4318/v1/logs"), settings.Otlp.EndpointFor(OtlpTarget.HttpLogsPath));
        Assert.Equal(new Uri("http://collector:4318/v1/traces"), settings.Otlp.EndpointFor(OtlpTarget.HttpTracesPath));
        Assert.Equal(9464, settings.MetricsPort);
        Assert.Equal("storm-lab", settings.Configuration["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public void The_command_line_wins_over_the_environment()
    {
        Assert.True(OtlpTarget.TryParse("http://localhost:4317", _ => null, out var fromCommandLine, out _));
        var settings = TelemetrySettings.Resolve(new TelemetryOptions { Otlp = fromCommandLine, MetricsPort = 0 }, new Dictionary<string, string?>
        {
            ["TCPACTORS_OTLP"] = "http://collector:4318",
            ["TCPACTORS_METRICSPORT"] = "9464",
        });

        Assert.Same(fromCommandLine, settings.Otlp);
        Assert.Equal(OtlpExportProtocol.Grpc, settings.Otlp!.Protocol);
        Assert.Equal(0, settings.MetricsPort);
    }

    [Fact]
    public void Otlp_headers_from_the_environment_reach_the_log_sink_and_are_checked_only_when_otlp_is_on()
    {
        var environment = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20s3cret" };
        var settings = TelemetrySettings.Resolve(new TelemetryOptions(), new Dictionary<string, string?>(environment) { ["TCPACTORS_OTLP"] = "http://collector:4318" });
        Assert.Equal("Bearer s3cret", settings.OtlpLogHeaders["authorization"]);

        var bad = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_HEADERS"] = "s3cret" };
        Assert.Empty(TelemetrySettings.Resolve(new TelemetryOptions(), bad).OtlpLogHeaders);
        var error = Assert.Throws<TelemetrySettingsException>(() =>
            TelemetrySettings.Resolve(new TelemetryOptions(), new Dictionary<string, string?>(bad) { ["TCPACTORS_OTLP"] = "http://collector:4318" }));
        Assert.StartsWith("OTEL_EXPORTER_OTLP_HEADERS: \"s3cret\" is not key=value", error.Message);
    }

    [Theory]
    [InlineData("TCPACTORS_OTLP", "collector:4317", "TCPACTORS_OTLP (or Otlp in appsettings.json): --otlp must be an http:// or https:// URL")]
    [InlineData("TCPACTORS_METRICSPORT", "ninety", "TCPACTORS_METRICSPORT (or MetricsPort in appsettings.json): must be a port number 0-65535; got 'ninety'")]
    public void A_bad_value_in_the_environment_is_an_error_that_says_where_it_came_from(string variable, string value, string message)
    {
        var error = Assert.Throws<TelemetrySettingsException>(() =>
            TelemetrySettings.Resolve(new TelemetryOptions(), new Dictionary<string, string?> { [variable] = value }));
        Assert.StartsWith(message, error.Message);
    }
}
