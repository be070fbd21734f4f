using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace TcpActors.Observability.Dashboard;

/// <summary>
/// Who the dashboard is, as a browser names it: the <c>Host</c> a request must be addressed to,
/// and the <c>Origin</c> a browser's request must come from.
/// </summary>
/// <remarks>
/// The <c>Host</c> check defeats DNS rebinding: a page on <c>evil.example</c> whose name is then
/// pointed at 127.0.0.1 reaches the dashboard as its own origin, but its requests still say
/// <c>Host: evil.example</c>. The <c>Origin</c> check refuses what a page on any other origin
/// (another site, or another port of this machine) sends, even a "simple" request that a browser
/// sends without asking first (Fetch standard, CORS-safelisted requests).
/// </remarks>
internal sealed class DashboardOrigin
{
    /// <summary>The <c>host:port</c> forms a request may name; null when bound to every address (then the token guards alone).</summary>
    private readonly HashSet<string>? _hosts;

    /// <summary>The forms with a port, as the refusal names them.</summary>
    private readonly string _names = "any host";

    public DashboardOrigin(IPAddress address, int port)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            // Bound to every address (only with --dashboard-token): the names it is reached by are
            // not known here. The token, which a rebinding page does not have, is the guard.
            return;
        }
        _hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Format(address, port) };
        if (IPAddress.IsLoopback(address))
        {
            foreach (string name in (string[])["localhost", "127.0.0.1", "[::1]"]) _hosts.Add($"{name}:{port}");
        }
        _names = string.Join(", ", _hosts);
        // A Host without a port means the scheme's default, 80 for http (RFC 9110 §7.2).
        if (port == 80) foreach (string hostPort in (string[])[.. _hosts]) _hosts.Add(hostPort[..hostPort.LastIndexOf(':')]);
    }

    /// <summary>The address as a URL's host writes it (IPv6 in brackets) with the port.</summary>
    public static string Format(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    /// <summary>The hosts answered, for the refusal: <c>127.0.0.1:8643, localhost:8643, [::1]:8643</c>.</summary>
    public string Names => _names;

    /// <summary>True when the request is addressed to this dashboard.</summary>
    public bool AdmitsHost(HttpRequest request) =>
        _hosts is null || (request.Host.HasValue && _hosts.Contains(request.Host.Value!));

    /// <summary>
    /// True when the request has no <c>Origin</c> (not sent by a page: curl, or a browser's own
    /// navigation), or comes from a page of this dashboard: the origin of the host it is addressed to.
    /// </summary>
    public static bool AdmitsOrigin(HttpRequest request)
    {
        string origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        string host = request.Host.Value ?? "";
        // https: the page seen through a reverse proxy that terminates TLS and passes the Host on.
        return string.Equals(origin, "http://" + host, StringComparison.OrdinalIgnoreCase)
            || string.Equals(origin, "https://" + host, StringComparison.OrdinalIgnoreCase);
    }
}
