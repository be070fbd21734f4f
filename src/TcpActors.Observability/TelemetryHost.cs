using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
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
/// The generic host (Microsoft.Extensions.Hosting) a run's exporters and web pages live on, as in
/// any .NET service: OpenTelemetry.Extensions.Hosting starts the meter and tracer providers with
/// the host; when something is served it is a <c>WebApplication</c> whose one Kestrel listens on
/// every site's socket — <c>/metrics</c> (<c>--metrics-port</c>: OpenTelemetry's own Prometheus
/// exporter, <c>MapPrometheusScrapingEndpoint</c>, on 127.0.0.1) and the live dashboard
/// (<c>--dashboard</c>) — each request going to the site whose socket its connection came in on;
/// the host's own logs go through Serilog (Serilog.Extensions.Hosting). Its configuration is
/// <see cref="TelemetrySettings"/>'s: <c>appsettings.json</c>, then the environment (<c>OTEL_*</c>
/// read by the SDK), then the command line.
/// </summary>
/// <remarks>
/// The sockets are bound and listening before the host is built (<see cref="Listen"/>): a port in
/// use is the caller's usage error before anything is written, and the URLs are known at once,
/// while the host itself (0.1-1.4 s of assembly loading and JIT) starts in the background; a
/// client that comes first waits in the listen backlog, it is not refused. The host has one user
/// per part that needs it (the run's telemetry, the dashboard); it stops when the last lets it go.
/// </remarks>
internal sealed class TelemetryHost
{
    private readonly IHost _host;
    private int _users;

    private TelemetryHost(IHost host, int users, bool servesDashboard)
    {
        _host = host;
        _users = users;
        ServesDashboard = servesDashboard;
    }

    /// <summary>True when the dashboard is one of its sites (then it may outlive the run's telemetry).</summary>
    public bool ServesDashboard { get; }

    /// <summary>The host's services (the meter provider, the Prometheus exporter's options).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// A socket bound to <paramref name="endpoint"/> and listening, for a site of the host (as
    /// Kestrel's socket transport binds its own, so Kestrel takes it over as if it had).
    /// </summary>
    /// <exception cref="SocketException">The address cannot be bound (in use, not on this machine).</exception>
    public static Socket Listen(IPEndPoint endpoint)
    {
        var listener = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        try
        {
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return listener;
    }

    /// <summary>
    /// Builds and starts the host of <paramref name="plan"/> (on the caller's thread: callers run
    /// it in the background). It takes over the plan's sockets and log, and disposes them if it
    /// cannot start.
    /// </summary>
    public static TelemetryHost Start(HostPlan plan)
    {
        IHost? host = null;
        try
        {
            host = Build(plan);
            host.StartAsync().GetAwaiter().GetResult();
            return new TelemetryHost(host, (plan.Telemetry is null ? 0 : 1) + (plan.Dashboard is null ? 0 : 1), plan.Dashboard is not null);
        }
        catch
        {
            if (host is not null) host.Dispose();
            else plan.Log?.Dispose();
            // Kestrel disposes the sockets it took over; one it never reached is still ours.
            plan.Metrics?.Dispose();
            plan.Dashboard?.Listener.Dispose();
            throw;
        }
    }

    private static IHost Build(HostPlan plan)
    {
        HostedSite? metrics = plan.Metrics is { } socket ? new HostedSite(socket, null) : null;
        var sites = new List<HostedSite>(2);
        if (metrics is not null) sites.Add(metrics);
        if (plan.Dashboard is { } dashboard) sites.Add(dashboard);

        IHostApplicationBuilder builder;
        if (sites.Count > 0)
        {
            // Kestrel alone (no IIS, no HTTPS, no static files): the empty builder's smallest web host.
            var web = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            var listeners = new Dictionary<EndPoint, Socket>();
            foreach (var site in sites) listeners[site.Listener.LocalEndPoint!] = site.Listener;
            web.WebHost.UseKestrelCore().ConfigureKestrel(o =>
            {
                o.AddServerHeader = false;
                foreach (var site in sites)
                {
                    o.Listen((IPEndPoint)site.Listener.LocalEndPoint!, l =>
                    {
                        l.Protocols = HttpProtocols.Http1;
                        // Every connection is marked with the site whose socket it came in on; the
                        // request pipeline goes by that mark, never by what the request says.
                        l.Use(next => connection =>
                        {
                            connection.Features.Set(site);
                            return next(connection);
                        });
                    });
                }
            });
            // Kestrel's socket transport asks for each endpoint's socket: the one already bound.
            web.WebHost.UseSockets(s => s.CreateBoundListenSocket = endpoint =>
                listeners.TryGetValue(endpoint, out var bound) ? bound : SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint));
            if (metrics is not null) web.Services.AddRoutingCore();
            builder = web;
        }
        else
        {
            builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        }
        if (plan.Telemetry is { } settings)
        {
            builder.Configuration.AddConfiguration(settings.Configuration);
            AddOpenTelemetry(builder.Services, settings, plan.Prometheus);
        }
        if (plan.Log is { } log) builder.Services.AddSerilog(log, dispose: true);

        if (builder is not WebApplicationBuilder webBuilder) return ((HostApplicationBuilder)builder).Build();
        var app = webBuilder.Build();
        app.Use((context, next) =>
        {
            HostedSite? site = context.Features.Get<HostedSite>();
            if (site is null || (site != metrics && site != plan.Dashboard))
            {
                // Not a connection of a site (cannot happen: every socket is one): nothing to serve.
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            if (site.Handle is { } handle) return handle(context);
            // The metrics port: once the run's telemetry has ended, the final values (the meter is gone).
            if (plan.FinalMetrics?.Invoke() is { } final && HttpMethods.IsGet(context.Request.Method) && context.Request.Path == "/metrics")
            {
                context.Response.ContentType = PrometheusScrape.ContentType;
                return context.Response.WriteAsync(final, context.RequestAborted);
            }
            return next(context);
        });
        if (metrics is not null)
        {
            app.UseRouting();
            app.MapPrometheusScrapingEndpoint();
        }
        return app;
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

    /// <summary>
    /// The run's telemetry is over while the host may serve on (the dashboard stays up until
    /// Ctrl+C): the providers are shut down, which makes the OTLP reader export once more and
    /// flushes the spans. Disposing the host later disposes them again, which does nothing.
    /// </summary>
    public void EndTelemetry()
    {
        Services.GetService<MeterProvider>()?.Dispose();
        Services.GetService<TracerProvider>()?.Dispose();
    }

    /// <summary>One user is done with the host; the last one stops it (its sites stop listening) and disposes it.</summary>
    public async ValueTask ReleaseAsync()
    {
        if (Interlocked.Decrement(ref _users) != 0) return;
        try
        {
            await _host.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }

    /// <inheritdoc cref="ReleaseAsync"/>
    public void Release() => ReleaseAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>What a <see cref="TelemetryHost"/> is made of.</summary>
internal sealed record HostPlan
{
    /// <summary>The run's telemetry settings (meter, exporters, configuration); null for a host that only serves a dashboard.</summary>
    public TelemetrySettings? Telemetry { get; init; }

    /// <summary>True to keep the Prometheus exporter (for <see cref="Metrics"/> or an in-process scrape).</summary>
    public bool Prometheus { get; init; }

    /// <summary>The host's own log; null logs nothing.</summary>
    public Serilog.Core.Logger? Log { get; init; }

    /// <summary>The <c>/metrics</c> port's socket, bound and listening (<see cref="TelemetryHost.Listen"/>); null serves none.</summary>
    public Socket? Metrics { get; init; }

    /// <summary>The final exposition once the telemetry has ended (then served on <see cref="Metrics"/>), null before.</summary>
    public Func<string?>? FinalMetrics { get; init; }

    /// <summary>The dashboard, on its own socket; null serves none.</summary>
    public HostedSite? Dashboard { get; init; }
}

/// <summary>
/// A site the host serves: its socket (bound and listening) and its handler, which gets every
/// request of a connection to that socket and nothing else (null: the metrics port's own pipeline).
/// </summary>
internal sealed class HostedSite(Socket listener, RequestDelegate? handle)
{
    public Socket Listener { get; } = listener;

    public RequestDelegate? Handle { get; } = handle;
}
