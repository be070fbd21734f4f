using System.Net;
using System.Net.Sockets;

namespace TcpActors.Observability.Prometheus;

/// <summary>
/// <c>GET /metrics</c> on 127.0.0.1 (<c>--metrics-port N</c>): OpenTelemetry's own Prometheus
/// exporter (OpenTelemetry.Exporter.Prometheus.AspNetCore, <c>MapPrometheusScrapingEndpoint</c>)
/// on the Kestrel of the run's <see cref="TelemetryHost"/>; each scrape collects the run's meter.
/// </summary>
public sealed class MetricsEndpoint
{
    internal MetricsEndpoint(int port) => Port = port;

    /// <summary>The port it listens on (the one asked for, or the one the system gave for 0).</summary>
    public int Port { get; }

    /// <summary>The scrape URL, <c>http://127.0.0.1:PORT/metrics</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/metrics");

    /// <summary>
    /// The metrics port's socket, bound on 127.0.0.1 and listening, for the host to take over.
    /// Loopback only: the simulator is a tool on a workstation, not a service; put a collector in front to share it.
    /// </summary>
    /// <exception cref="MetricsEndpointException">The port cannot be bound.</exception>
    internal static Socket Listen(int port)
    {
        try
        {
            return TelemetryHost.Listen(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException e)
        {
            throw new MetricsEndpointException(
                $"--metrics-port {port}: cannot listen on 127.0.0.1:{port} ({e.Message}); pick another port, or 0 for any free one", e);
        }
    }
}

/// <summary>The metrics endpoint could not start (a usage error: exit 2).</summary>
public sealed class MetricsEndpointException(string message, Exception inner) : Exception(message, inner);
