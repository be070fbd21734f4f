namespace TcpActors.Simulation.Network;

/// <summary>Which way a directed link carries segments, seen from the couple.</summary>
public enum LinkDirection : byte
{
    /// <summary>From a client host to a server host.</summary>
    ClientToServer = 0,
    /// <summary>From a server host to a client host.</summary>
    ServerToClient = 1,
}

/// <summary>The directions a scenario rule applies to (<c>direction:</c> in YAML).</summary>
public enum DirectionSelector : byte
{
    /// <summary>Both directions (the default when <c>direction</c> is omitted).</summary>
    Both = 0,
    /// <summary><c>client_to_server</c> only.</summary>
    ClientToServer = 1,
    /// <summary><c>server_to_client</c> only.</summary>
    ServerToClient = 2,
}

/// <summary>Matching and naming of directions.</summary>
public static class DirectionNames
{
    /// <summary>True when a rule with this selector applies to a link going this way.</summary>
    public static bool Matches(this DirectionSelector selector, LinkDirection direction) => selector switch
    {
        DirectionSelector.Both => true,
        DirectionSelector.ClientToServer => direction == LinkDirection.ClientToServer,
        _ => direction == LinkDirection.ServerToClient,
    };

    /// <summary>The scenario and trace spelling: <c>client_to_server</c>, <c>server_to_client</c>, <c>both</c>.</summary>
    public static string ToName(this DirectionSelector selector) => selector switch
    {
        DirectionSelector.Both => "both",
        DirectionSelector.ClientToServer => "client_to_server",
        _ => "server_to_client",
    };

    /// <summary>The trace spelling of a link direction (DESIGN.md §7 <c>dir</c>).</summary>
    public static string ToName(this LinkDirection direction) =>
        direction == LinkDirection.ClientToServer ? "client_to_server" : "server_to_client";
}
