namespace TcpActors.Simulation.Scenarios;

/// <summary><c>hosts:</c> — how many client and server hosts exist.</summary>
public sealed record HostsSpec
{
    /// <summary>The client hosts, <c>client-0</c> … <c>client-(count−1)</c>.</summary>
    public ClientHosts Clients { get; init; } = new();

    /// <summary>The server hosts, <c>server-0</c> … <c>server-(count−1)</c>.</summary>
    public ServerHosts Servers { get; init; } = new();
}

/// <summary><c>hosts.clients:</c> — client hosts, each with one IPv4 address.</summary>
public sealed record ClientHosts
{
    /// <summary>Number of client hosts; default 1. Couples are spread over them round-robin.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Ephemeral port range of these hosts (inclusive), or null for the profile's.</summary>
    public PortRange? PortRange { get; init; }
}

/// <summary><c>hosts.servers:</c> — server hosts, each listening on one port.</summary>
public sealed record ServerHosts
{
    /// <summary>Number of server hosts; default 1. With shards, each shard has a replica of every server.</summary>
    public int Count { get; init; } = 1;

    /// <summary>The listening port; default 80.</summary>
    public ushort Port { get; init; } = 80;

    /// <summary>
    /// The listen() backlog; null for the profile's accept backlog. As on Linux, the accept queue
    /// holds min(backlog, profile accept_backlog) — net.core.somaxconn caps listen().
    /// </summary>
    public int? Backlog { get; init; }
}

/// <summary>An inclusive range of ports, <c>[min, max]</c> in YAML.</summary>
public sealed record PortRange(ushort Min, ushort Max)
{
    /// <summary>Ports in the range.</summary>
    public int Count => Max - Min + 1;

    /// <inheritdoc/>
    public override string ToString() => $"[{Min}, {Max}]";
}
