namespace TcpActors.Tcp.Host;

/// <summary>Where an incoming segment goes, in the order a TCP looks (RFC 9293 §3.10.7).</summary>
public enum DemuxOutcome : byte
{
    /// <summary>An exact 4-tuple match (any state, TIME_WAIT included): hand it to that endpoint.</summary>
    Connection,

    /// <summary>
    /// No connection, but a listener on the destination port: LISTEN-state processing
    /// (RFC 9293 §3.10.7.2): a SYN goes to <see cref="TcpHost.OfferSyn"/>, an ACK may carry a SYN
    /// cookie, any other ACK earns a RST and a RST is ignored.
    /// </summary>
    Listener,

    /// <summary>Nothing matches: answer with <see cref="Segment.TryResetFor"/>.</summary>
    NoConnection,

    /// <summary>The host is crashed: drop silently.</summary>
    HostDown,

    /// <summary>The destination address is not one of the host's: drop silently (a routing error).</summary>
    NotLocal,
}

/// <summary>The result of <see cref="TcpHost.Demux"/>: an outcome plus the endpoint or listener it names.</summary>
public readonly record struct Demultiplexed
{
    /// <summary>Which of the cases applies.</summary>
    public DemuxOutcome Outcome { get; init; }

    /// <summary>The connection's handle when <see cref="Outcome"/> is <see cref="DemuxOutcome.Connection"/>.</summary>
    public int Handle { get; init; }

    /// <summary>With <see cref="DemuxOutcome.Connection"/>: the connection is half-open, in its listener's SYN queue (see <see cref="TcpHost.CheckRequest"/>).</summary>
    public bool HalfOpen { get; init; }

    /// <summary>With <see cref="DemuxOutcome.Connection"/>: the tuple is held in TIME_WAIT (see <see cref="TcpHost.TryReopenTimeWait"/>).</summary>
    public bool TimeWait { get; init; }

    /// <summary>The listener when <see cref="Outcome"/> is <see cref="DemuxOutcome.Listener"/>.</summary>
    public Listener? Listener { get; init; }
}
