using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using TcpActors.Observability.Metrics;
using TcpActors.Observability.Prometheus;
using TcpActors.Observability.Tracing;

namespace TcpActors.Observability;

/// <summary>
/// The generic host (Microsoft.Extensions.Hosting) a run's exporters live on, as in any .NET
/// service: OpenTelemetry.Extensions.Hosting starts the meter and tracer providers with the host
/// and flushes them when it stops (the final OTLP export); with <c>--metrics-port</c> it is a web
/// host whose Kestrel serves OpenTelemetry's own Prometheus exporter
/// (<c>MapPrometheusScrapingEndpoint</c>) on 127.0.0.1; the host's own logs go through Serilog
/// (Serilog.Extensions.Hosting). Its configuration is <see cref="TelemetrySettings"/>'s:
/// <c>appsettings.json</c>, then the environment (<c>OTEL_*</c> read by the SDK), then the
/// command line.
/// </summary>
internal sealed class TelemetryHost : IDisposable
{
    private readonly IHost _host;
    private int _disposed;

    private TelemetryHost(IHost host, int? metricsPort)
    {
        _host = host;
        MetricsPort = metricsPort;
    }

    /// <summary>The host's services (the meter provider, the Prometheus exporter's options).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The port <c>/metrics</c> is served on (the one asked for, or the one the system gave for 0); null when not served.</summary>
    public int? MetricsPort { get; }

    /// <summary>Builds and starts the host; it owns <paramref name="hostLog"/> (its own log, through Serilog).</summary>
    /// <exception cref="MetricsEndpointException">The metrics port cannot be bound; nothing is left running.</exception>
    public static TelemetryHost Start(TelemetrySettings settings, bool prometheus, Serilog.Core.Logger hostLog)
    {
        IHostApplicationBuilder builder;
        if (settings.MetricsPort is { } port)
        {
            // Kestrel alone (no IIS, no HTTPS, no static files): the empty builder's smallest web host.
            var web = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            web.WebHost.UseKestrelCore().ConfigureKestrel(o =>
            {
                o.AddServerHeader = false;
                // Loopback only: the simulator is a tool on a workstation, not a service; put a collector in front to share it.
                o.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
            });
            web.Services.AddRoutingCore();
            builder = web;
        }
        else
        {
            builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        }
        builder.Configuration.AddConfiguration(settings.Configuration);
        builder.Services.AddSerilog(hostLog, dispose: true);
        AddOpenTelemetry(builder.Services, settings, prometheus);

        IHost host;
        if (builder is WebApplicationBuilder webBuilder)
        {
            var app = webBuilder.Build();
            app.UseRouting();
            app.MapPrometheusScrapingEndpoint();
            host = app;
        }
        else
        {
            host = ((HostApplicationBuilder)builder).Build();
        }

        try
        {
            host.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            host.Dispose();
            hostLog.Dispose();
            throw new MetricsEndpointException(
                $"--metrics-port {settings.MetricsPort}: cannot listen on 127.0.0.1:{settings.MetricsPort} ({(e.InnerException ?? e).Message}); pick another port, or 0 for any free one", e);
        }
        return new TelemetryHost(host, settings.MetricsPort is null ? null : BoundPort(host, settings.MetricsPort.Value));
    }

    private static void AddOpenTelemetry(IServiceCollection services, TelemetrySettings settings, bool prometheus)
    {
        var otel = services.AddOpenTelemetry()
            // Later detectors win a merge, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
            // (environment or appsettings.json, read through the host's configuration) override the default name.
            .ConfigureResource(r => r.Clear().AddService("tcpactors").AddEnvironmentVariableDetector())
            .WithMetrics(m =>
            {
                m.AddMeter(TcpActorsMetrics.MeterName);
                if (settings.Otlp is { } otlp)
                {
                    m.AddOtlpExporter((exporter, reader) =>
                    {
                        exporter.Endpoint = otlp.Endpoint;
                        exporter.Protocol = otlp.Protocol;
                        if (settings.OtlpExportInterval is { } every)
                            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)every.TotalMilliseconds;
                        else if (string.IsNullOrEmpty(settings.Configuration["OTEL_METRIC_EXPORT_INTERVAL"]))
                            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 1000;
                        reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                    });
                }
                if (prometheus)
                {
                    m.AddPrometheusExporter(o =>
                    {
                        // Every scrape collects: a run in virtual time moves on between two scrapes
                        // of the same second, and tests hold a run at a known sample.
                        o.ScrapeResponseCacheDurationMilliseconds = 0;
                        // The series carry the labels of DESIGN.md §7 and no more: the meter is
                        // always TcpActors, so otel_scope_name would only lengthen every series.
                        o.ScopeInfoEnabled = false;
                    });
                }
            });
        if (settings.Otlp is { } target)
        {
            otel.WithTracing(t => t
                .AddSource(RunTrace.SourceName)
                .AddOtlpExporter(exporter =>
                {
                    exporter.Endpoint = target.EndpointFor(OtlpTarget.HttpTracesPath);
                    exporter.Protocol = target.Protocol;
                }));
        }
    }

    private static int BoundPort(IHost host, int asked)
    {
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        int bound = asked;
        if (addresses is not null)
        {
            foreach (string address in addresses.Addresses) bound = new Uri(address).Port;
        }
        return bound;
    }

    /// <summary>Stops the host: <c>/metrics</c> stops, the providers export once more (OTLP) and are disposed.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            _host.StopAsync().GetAwaiter().GetResult();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
