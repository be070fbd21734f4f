using System.Net;

namespace TcpActors.Observability.Dashboard;

/// <summary>Where the dashboard listens and who may use its API (<c>--dashboard</c>, <c>--port</c>, <c>--dashboard-token</c>).</summary>
public sealed record DashboardOptions
{
    /// <summary>The port <c>tcpactors run --dashboard</c> uses when <c>--port</c> is not given.</summary>
    public const int DefaultPort = 8643;

    /// <summary>The address to bind; default 127.0.0.1. Anything but loopback needs a given <see cref="Token"/>.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// The token every API call and <c>/metrics</c> must carry (<c>Authorization: Bearer TOKEN</c>
    /// or <c>?token=TOKEN</c>); a missing or wrong token gets 401. Null: a random one is drawn for
    /// the run (<see cref="DashboardServer.Token"/>, and in <see cref="DashboardServer.PageUrl"/>).
    /// The page itself carries no data and needs none.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>The run's pace in virtual seconds per wall second, for the lag shown; null in virtual time.</summary>
    public double? TimeScale { get; init; }
}
