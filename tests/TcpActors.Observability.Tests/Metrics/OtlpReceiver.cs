using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace TcpActors.Observability.Tests.Metrics;

/// <summary>
/// An OTLP receiver in the test process: Kestrel on a free loopback port. Over HTTP/1.1,
/// OTLP/HTTP: POST <c>/v1/metrics</c>, <c>/v1/logs</c> and <c>/v1/traces</c> with
/// <c>application/x-protobuf</c> bodies. Over HTTP/2 without TLS, OTLP/gRPC: the unary calls
/// <c>MetricsService/Export</c>, <c>LogsService/Export</c> and <c>TraceService/Export</c>, whose
/// body is one length-prefixed message (gRPC over HTTP/2, "Length-Prefixed-Message"). Each
/// request's protobuf message is kept, per signal.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<byte[]> _bodies = [];
    private readonly List<byte[]> _logBodies = [];
    private readonly List<byte[]> _traceBodies = [];
    private readonly Dictionary<string, List<Dictionary<string, string>>> _headers = new()
    {
        ["metrics"] = [], ["logs"] = [], ["traces"] = [],
    };

    private OtlpReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The URL to give <c>--otlp</c>.</summary>
    public string MetricsUrl => $"http://127.0.0.1:{Port}/v1/metrics";

    /// <summary>The URL to give <c>--otlp</c> for gRPC.</summary>
    public string GrpcUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The metrics request bodies received so far, in order.</summary>
    public IReadOnlyList<byte[]> Bodies
    {
        get
        {
            lock (_bodies) return [.. _bodies];
        }
    }

    /// <summary>The logs request bodies received so far, in order.</summary>
    public IReadOnlyList<byte[]> LogBodies
    {
        get
        {
            lock (_bodies) return [.. _logBodies];
        }
    }

    /// <summary>The traces request bodies received so far, in order.</summary>
    public IReadOnlyList<byte[]> TraceBodies
    {
        get
        {
            lock (_bodies) return [.. _traceBodies];
        }
    }

    /// <summary>
    /// The request headers of every request of <paramref name="signal"/> (metrics, logs, traces)
    /// so far, in order, by lower-case name (for gRPC, the call's metadata).
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> HeadersOf(string signal)
    {
        lock (_bodies) return [.. _headers[signal]];
    }

    public static async Task<OtlpReceiver> StartAsync(bool grpc = false)
    {
        int port = TestRuns.FreePort();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port, l => l.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        OtlpReceiver? receiver = null;
        app.UseRouting();
        foreach (var (signal, service) in (ReadOnlySpan<(string, string)>)[("metrics", "metrics.v1.MetricsService"), ("logs", "logs.v1.LogsService"), ("traces", "trace.v1.TraceService")])
        {
            app.MapPost($"/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver!.Keep(signal, body.ToArray(), context.Request.Headers);
                // An empty Export…ServiceResponse: full success (OTLP specification, "Full Success").
                context.Response.ContentType = "application/x-protobuf";
            });
            app.MapPost($"/opentelemetry.proto.collector.{service}/Export", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                byte[] frame = body.ToArray();
                // 1 byte compressed flag (0), 4 bytes big-endian length, the message.
                int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(1, 4));
                receiver!.Keep(signal, frame.AsSpan(5, length).ToArray(), context.Request.Headers);
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(new byte[5]); // an empty Export…ServiceResponse
                context.Response.AppendTrailer("grpc-status", "0");
            });
        }
        receiver = new OtlpReceiver(app, port);
        await app.StartAsync();
        return receiver;
    }

    private void Keep(string signal, byte[] message, IHeaderDictionary headers)
    {
        var kept = headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        lock (_bodies)
        {
            (signal switch { "metrics" => _bodies, "logs" => _logBodies, _ => _traceBodies }).Add(message);
            _headers[signal].Add(kept);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
