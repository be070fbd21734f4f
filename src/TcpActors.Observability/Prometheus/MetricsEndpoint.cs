using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace TcpActors.Observability.Prometheus;

/// <summary>
/// <c>GET /metrics</c> on 127.0.0.1 (<c>--metrics-port N</c>): a small Kestrel server that
/// answers each scrape with a fresh <see cref="PrometheusScrape.Collect"/>. Loopback only: the
/// simulator is a tool on a workstation, not a service; put a collector in front to share it.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable, IDisposable
{
    private readonly WebApplication _app;

    private MetricsEndpoint(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port it listens on (the one asked for, or the one the system gave for 0).</summary>
    public int Port { get; }

    /// <summary>The scrape URL, <c>http://127.0.0.1:PORT/metrics</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/metrics");

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0 = any free port).</summary>
    /// <exception cref="MetricsEndpointException">The port is in use or cannot be bound.</exception>
    public static MetricsEndpoint Start(int port, PrometheusScrape scrape)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseRouting();
        app.MapGet("/metrics", (HttpContext context) =>
        {
            context.Response.ContentType = PrometheusScrape.ContentType;
            return context.Response.WriteAsync(scrape.Collect());
        });
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new MetricsEndpointException(
                $"--metrics-port {port}: cannot listen on 127.0.0.1:{port} ({(e.InnerException ?? e).Message}); pick another port, or 0 for any free one", e);
        }
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>();
        int bound = port;
        if (addresses is not null)
        {
            foreach (string address in addresses.Addresses) bound = new Uri(address).Port;
        }
        return new MetricsEndpoint(app, bound);
    }

    /// <summary>Stops serving.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops serving.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>The metrics endpoint could not start (a usage error: exit 2).</summary>
public sealed class MetricsEndpointException(string message, Exception inner) : Exception(message, inner);
