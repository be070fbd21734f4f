using System.Diagnostics;
using TcpActors.Simulation.Network;

namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// One directed host-to-host link, named by the hosts at its ends (<c>client-3 → server-0</c>).
/// The network actor keeps one <see cref="LinkImpairments"/> per link in use.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public readonly record struct LinkId(HostRole FromRole, int From, HostRole ToRole, int To)
{
    /// <summary>The link from client <paramref name="client"/> to server <paramref name="server"/>.</summary>
    public static LinkId ClientToServer(int client, int server) => new(HostRole.Client, client, HostRole.Server, server);

    /// <summary>The link from server <paramref name="server"/> to client <paramref name="client"/>.</summary>
    public static LinkId ServerToClient(int server, int client) => new(HostRole.Server, server, HostRole.Client, client);

    /// <summary>Which way the link carries segments, seen from the couple.</summary>
    public LinkDirection Direction => FromRole == HostRole.Client ? LinkDirection.ClientToServer : LinkDirection.ServerToClient;

    /// <summary>The same hosts, the other way.</summary>
    public LinkId Reverse => new(ToRole, To, FromRole, From);

    /// <summary>True when a rule with this pair and direction selector covers the link.</summary>
    public bool IsSelectedBy(HostPair between, DirectionSelector direction) =>
        direction.Matches(Direction) && between.Contains(FromRole, From, ToRole, To);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(FromRole == HostRole.Client ? "client" : "server")}-{From} -> {(ToRole == HostRole.Client ? "client" : "server")}-{To}";
}
