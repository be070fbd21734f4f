namespace TcpActors.Simulation.Scenarios;

/// <summary>Which side of a couple a host serves.</summary>
public enum HostRole : byte
{
    /// <summary>A client host, named <c>client-N</c>.</summary>
    Client = 0,
    /// <summary>A server host, named <c>server-N</c>.</summary>
    Server = 1,
}

/// <summary>
/// A set of hosts as a scenario names it (DESIGN.md §6): a whole group (<c>clients</c>,
/// <c>servers</c>), one host (<c>server-0</c>) or an inclusive range (<c>client-0..4</c>).
/// </summary>
public sealed record HostSelector(HostRole Role, int First, int Last, bool IsGroup)
{
    /// <summary>Every client host.</summary>
    public static HostSelector Clients { get; } = new(HostRole.Client, 0, int.MaxValue, true);
    /// <summary>Every server host.</summary>
    public static HostSelector Servers { get; } = new(HostRole.Server, 0, int.MaxValue, true);

    /// <summary>One host.</summary>
    public static HostSelector One(HostRole role, int index) => new(role, index, index, false);

    /// <summary>True when host <paramref name="index"/> of <paramref name="role"/> is selected.</summary>
    public bool Contains(HostRole role, int index) => role == Role && index >= First && index <= Last;

    /// <summary>The selected host indexes given how many hosts of the role exist.</summary>
    public (int First, int Last) Resolve(int hostCount) => IsGroup ? (0, hostCount - 1) : (First, Last);

    /// <summary>Parses <c>clients</c>, <c>servers</c>, <c>client-3</c>, <c>server-0..2</c>.</summary>
    public static bool TryParse(string text, out HostSelector selector)
    {
        selector = Clients;
        switch (text)
        {
            case "clients": return true;
            case "servers": selector = Servers; return true;
        }
        HostRole role;
        string rest;
        if (text.StartsWith("client-", StringComparison.Ordinal)) { role = HostRole.Client; rest = text[7..]; }
        else if (text.StartsWith("server-", StringComparison.Ordinal)) { role = HostRole.Server; rest = text[7..]; }
        else return false;

        int dots = rest.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
        {
            if (!TryIndex(rest, out int index)) return false;
            selector = One(role, index);
            return true;
        }
        if (!TryIndex(rest[..dots], out int first) || !TryIndex(rest[(dots + 2)..], out int last)) return false;
        selector = new HostSelector(role, first, last, false);
        return true;
    }

    private static bool TryIndex(string text, out int value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 9) return false;
        foreach (char c in text) if (c is < '0' or > '9') return false;
        value = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>The scenario spelling.</summary>
    public override string ToString()
    {
        string prefix = Role == HostRole.Client ? "client" : "server";
        if (IsGroup) return prefix + "s";
        return First == Last ? $"{prefix}-{First}" : $"{prefix}-{First}..{Last}";
    }
}

/// <summary>
/// <c>between: [A, B]</c>: the links between any host of <see cref="A"/> and any host of
/// <see cref="B"/>, in both directions unless a rule's <c>direction</c> narrows it.
/// </summary>
public sealed record HostPair(HostSelector A, HostSelector B)
{
    /// <summary>All links between clients and servers.</summary>
    public static HostPair ClientsAndServers { get; } = new(HostSelector.Clients, HostSelector.Servers);

    /// <summary>True when the link from host (fromRole, from) to host (toRole, to) lies between A and B.</summary>
    public bool Contains(HostRole fromRole, int from, HostRole toRole, int to) =>
        (A.Contains(fromRole, from) && B.Contains(toRole, to)) || (B.Contains(fromRole, from) && A.Contains(toRole, to));

    /// <summary>The scenario spelling, <c>[A, B]</c>.</summary>
    public override string ToString() => $"[{A}, {B}]";
}
