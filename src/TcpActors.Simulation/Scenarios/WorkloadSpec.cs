namespace TcpActors.Simulation.Scenarios;

/// <summary>Who closes a connection first.</summary>
public enum CloseBy : byte
{
    /// <summary>The client closes; the server closes on end-of-file.</summary>
    Client = 0,
    /// <summary>The server closes; the client closes on end-of-file.</summary>
    Server = 1,
    /// <summary>Both close at the same instant: a simultaneous close (CLOSING, then TIME_WAIT on both).</summary>
    Both = 2,
    /// <summary>Each couple picks client or server from its own random stream.</summary>
    Random = 3,
}

/// <summary><c>workload:</c> — what the couples do.</summary>
public sealed record WorkloadSpec
{
    /// <summary>How many couples (client endpoint + server endpoint) the run creates.</summary>
    public int Couples { get; init; }

    /// <summary>When the couples connect; null with <see cref="Churn"/>.</summary>
    public OpenSpec? Open { get; init; } = new();

    /// <summary>One request and one response per couple after it connects; null = none.</summary>
    public ExchangeSpec? Exchange { get; init; }

    /// <summary>When and how couples close; null = they stay open.</summary>
    public CloseSpec? Close { get; init; }

    /// <summary>Steady open-and-close instead of <see cref="Open"/>/<see cref="Close"/>; null = none.</summary>
    public ChurnSpec? Churn { get; init; }

    /// <summary>A share of couples that stay open and silent, with or without keepalive; null = none.</summary>
    public IdleSpec? Idle { get; init; }

    /// <summary>Extension: spoofed SYNs into a listener; null = none.</summary>
    public SynFloodSpec? SynFlood { get; init; }
}

/// <summary><c>open:</c> — couples connect spread evenly over [at, at + over), or at a fixed rate from <c>at</c>.</summary>
public sealed record OpenSpec
{
    /// <summary>When the first couple connects; default 0 s.</summary>
    public TimeSpan At { get; init; }

    /// <summary>The span over which connects are spread evenly; default 0 s (all at once).</summary>
    public TimeSpan Over { get; init; }

    /// <summary>Connects per second instead of <see cref="Over"/>; null when <c>over</c> is used.</summary>
    public double? RatePerSecond { get; init; }
}

/// <summary><c>exchange:</c> — sizes in bytes of one request (client → server) and its response.</summary>
public sealed record ExchangeSpec
{
    /// <summary>Request bytes; default 0.</summary>
    public long RequestBytes { get; init; }

    /// <summary>Response bytes; default 0.</summary>
    public long ResponseBytes { get; init; }
}

/// <summary><c>close:</c> — the teardown of every couple (except idle ones).</summary>
public sealed record CloseSpec
{
    /// <summary>When the first close happens.</summary>
    public TimeSpan At { get; init; }

    /// <summary>The span over which closes are spread evenly; default 0 s (a storm).</summary>
    public TimeSpan Over { get; init; }

    /// <summary>Who closes first; default client.</summary>
    public CloseBy By { get; init; }

    /// <summary>Fraction of couples whose closer aborts (SO_LINGER 0: RST, no TIME_WAIT); default 0.</summary>
    public double Abort { get; init; }

    /// <summary>How long the passive side waits in CLOSE_WAIT before it closes; default 0 s.</summary>
    public TimeSpan PassiveDelay { get; init; }

    /// <summary>Fraction of passive sides that never close (a CLOSE_WAIT leak); default 0.</summary>
    public double Leak { get; init; }
}

/// <summary><c>churn:</c> — couples open at a steady rate for the whole run, each closing after its lifetime.</summary>
public sealed record ChurnSpec
{
    /// <summary>New couples per second (until <see cref="WorkloadSpec.Couples"/> have opened).</summary>
    public double RatePerSecond { get; init; }

    /// <summary>How long each couple lives before it closes.</summary>
    public TimeSpan Lifetime { get; init; }

    /// <summary>Who closes first; default client.</summary>
    public CloseBy By { get; init; }
}

/// <summary><c>idle:</c> — a fraction of couples that connect, then never send nor close.</summary>
public sealed record IdleSpec
{
    /// <summary>Fraction of couples that stay idle; default 1 (all).</summary>
    public double Fraction { get; init; } = 1;

    /// <summary>Whether those sockets set SO_KEEPALIVE (timers from <c>tcp.keepalive</c>); default true.</summary>
    public bool Keepalive { get; init; } = true;
}

/// <summary>
/// <c>syn_flood:</c> (extension of schema v1) — SYNs from spoofed, unreachable source addresses
/// into one server's listener: each SYN occupies a SYN-queue slot until SYN-ACK retries give up,
/// because no host answers the SYN-ACK.
/// </summary>
public sealed record SynFloodSpec
{
    /// <summary>When the flood starts; default 0 s.</summary>
    public TimeSpan At { get; init; }

    /// <summary>How long it lasts; null = until the end of the run.</summary>
    public TimeSpan? For { get; init; }

    /// <summary>Spoofed SYNs per second.</summary>
    public double RatePerSecond { get; init; }

    /// <summary>The server host(s) attacked; default <c>server-0</c>.</summary>
    public HostSelector Target { get; init; } = HostSelector.One(HostRole.Server, 0);
}
