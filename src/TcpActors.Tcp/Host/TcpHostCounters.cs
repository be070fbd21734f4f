namespace TcpActors.Tcp.Host;

/// <summary>
/// What a kernel would count on this host, named after the Linux MIB entries that
/// <c>nstat</c> and <c>netstat -s</c> show (/proc/net/netstat, TcpExt). Counters only grow;
/// a crash does not reset them, so a run's report can still show what happened before it.
/// </summary>
public sealed class TcpHostCounters
{
    /// <summary>connect() failed with EADDRNOTAVAIL: no ephemeral port free for the destination.</summary>
    public long PortExhausted { get; internal set; }

    /// <summary>
    /// TcpExt TCPTimeWaitOverflow: a socket entering TIME_WAIT was refused because
    /// max_tw_buckets were in use (the kernel logs "TCP: time wait bucket table overflow").
    /// </summary>
    public long TimeWaitOverflow { get; internal set; }

    /// <summary>TcpExt TWRecycled: connect() took a tuple over from a TIME_WAIT socket (tw_reuse).</summary>
    public long TimeWaitRecycled { get; internal set; }

    /// <summary>TIME_WAIT tuples a new SYN reopened (<see cref="TcpHost.TryReopenTimeWait"/>; Linux counts no MIB for it, <c>ss</c> shows the new connection).</summary>
    public long TimeWaitReopened { get; internal set; }

    /// <summary>
    /// Ports connect() looked at, over all calls: the cost of port selection. Not a kernel
    /// counter; it shows whether connect() stays O(1) (about one probe per call under churn,
    /// none for a destination known to be exhausted).
    /// </summary>
    public long EphemeralPortProbes { get; internal set; }

    /// <summary>TcpExt ListenOverflows: a SYN or a final ACK met a full accept queue.</summary>
    public long ListenOverflows { get; internal set; }

    /// <summary>TcpExt ListenDrops: every SYN or final ACK a listener dropped, for any reason.</summary>
    public long ListenDrops { get; internal set; }

    /// <summary>TcpExt TCPReqQFullDrop: a SYN dropped because the SYN queue was full and syncookies were off.</summary>
    public long SynQueueFullDrops { get; internal set; }

    /// <summary>TcpExt SyncookiesSent: SYN-ACKs carrying a cookie.</summary>
    public long SyncookiesSent { get; internal set; }

    /// <summary>TcpExt SyncookiesRecv: handshakes completed by a returning cookie.</summary>
    public long SyncookiesRecv { get; internal set; }

    /// <summary>Handshakes rejected with RST because of abort_on_overflow.</summary>
    public long AbortOnOverflowResets { get; internal set; }

    /// <summary>Segments that matched no connection and no listener (each earns a RST, unless it is one).</summary>
    public long NoConnection { get; internal set; }

    /// <summary>Segments that arrived while the host was crashed and were dropped silently.</summary>
    public long DroppedWhileDown { get; internal set; }

    /// <summary>Times the host crashed.</summary>
    public long Crashes { get; internal set; }

    /// <summary>Connections (TIME_WAIT included) lost in crashes.</summary>
    public long ConnectionsLostInCrashes { get; internal set; }
}
