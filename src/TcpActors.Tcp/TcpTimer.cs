namespace TcpActors.Tcp;

/// <summary>
/// What the endpoint's single main timer is doing; the modes exclude each other, as in smoltcp's
/// <c>Timer</c>. The delayed-ACK deadline is kept beside it because an ACK may be pending in any mode.
/// </summary>
public enum TcpTimer : byte
{
    /// <summary>Nothing to wait for.</summary>
    None,

    /// <summary>Unacknowledged SYN, SYN-ACK, data or FIN: retransmit on expiry (RFC 6298).</summary>
    Retransmit,

    /// <summary>Idle connection with SO_KEEPALIVE: probe on expiry (RFC 1122 §4.2.3.6).</summary>
    Keepalive,

    /// <summary>2·MSL in TIME_WAIT: CLOSED on expiry (RFC 9293 §3.6).</summary>
    TimeWait,

    /// <summary>Orphaned FIN_WAIT_2: CLOSED after fin_timeout (Linux tcp_fin_timeout).</summary>
    FinWait2,
}
