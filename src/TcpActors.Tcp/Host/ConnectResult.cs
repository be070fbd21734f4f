namespace TcpActors.Tcp.Host;

/// <summary>How <see cref="TcpHost.Connect(uint, uint, ushort, int, TimeSpan)"/> ended.</summary>
public enum ConnectOutcome : byte
{
    /// <summary>An ephemeral port was picked and the 4-tuple is now held by the caller's handle.</summary>
    Bound,

    /// <summary>Every ephemeral port is held for this destination (EADDRNOTAVAIL); nothing was sent.</summary>
    PortExhausted,

    /// <summary>The host is crashed; nothing was sent.</summary>
    HostDown,
}

/// <summary>The result of picking an ephemeral port for connect().</summary>
public readonly record struct ConnectResult
{
    /// <summary>Whether a port was bound, and if not, why.</summary>
    public ConnectOutcome Outcome { get; init; }

    /// <summary>The connection's identity, valid when <see cref="Outcome"/> is <see cref="ConnectOutcome.Bound"/>.</summary>
    public FourTuple Tuple { get; init; }

    /// <summary>
    /// True when tw_reuse took the tuple over from a TIME_WAIT socket: the caller must destroy
    /// the endpoint <see cref="EvictedHandle"/> at once, as Linux deschedules the TIME_WAIT socket.
    /// </summary>
    public bool Evicted { get; init; }

    /// <summary>The TIME_WAIT endpoint whose tuple was taken over; meaningful only when <see cref="Evicted"/>.</summary>
    public int EvictedHandle { get; init; }

    /// <summary>The local port chosen.</summary>
    public ushort LocalPort => Tuple.LocalPort;

    /// <summary>Whether the caller may send its SYN.</summary>
    public bool IsBound => Outcome == ConnectOutcome.Bound;
}
