using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace TcpActors.Observability.Tests.Metrics;

/// <summary>
/// An OTLP/HTTP metrics receiver in the test process: Kestrel on a free loopback port, POST
/// <c>/v1/metrics</c> with <c>application/x-protobuf</c> bodies, each kept and decoded.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<byte[]> _bodies = [];

    private OtlpReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The URL to give <c>--otlp</c>.</summary>
    public string MetricsUrl => $"http://127.0.0.1:{Port}/v1/metrics";

    /// <summary>The request bodies received so far, in order.</summary>
    public IReadOnlyList<byte[]> Bodies
    {
        get
        {
            lock (_bodies) return [.. _bodies];
        }
    }

    public static async Task<OtlpReceiver> StartAsync()
    {
        int port = TestRuns.FreePort();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        OtlpReceiver? receiver = null;
        app.UseRouting();
        app.MapPost("/v1/metrics", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            lock (receiver!._bodies) receiver._bodies.Add(body.ToArray());
            // An empty ExportMetricsServiceResponse: full success (OTLP specification, "Full Success").
            context.Response.ContentType = "application/x-protobuf";
        });
        receiver = new OtlpReceiver(app, port);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
