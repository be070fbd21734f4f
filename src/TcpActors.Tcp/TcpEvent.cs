namespace TcpActors.Tcp;

/// <summary>
/// What an endpoint tells its application, in the words of the socket API. Reasons for ending
/// (<see cref="Refused"/>, <see cref="Reset"/>, <see cref="TimedOut"/>, <see cref="Aborted"/>) come
/// just before the move to CLOSED; <see cref="Closed"/> always comes last, once, when the endpoint
/// reaches CLOSED, so a host frees the endpoint on it.
/// </summary>
public enum TcpEvent : byte
{
    /// <summary>The three-way handshake completed (connect() returned, or accept() can return).</summary>
    Established,

    /// <summary>The peer answered the SYN with RST (ECONNREFUSED; RFC 9293 §3.10.7.3).</summary>
    Refused,

    /// <summary>The peer reset a synchronized connection (ECONNRESET; RFC 9293 §3.10.7.4, second check).</summary>
    Reset,

    /// <summary>
    /// Retransmissions (SYN, SYN-ACK, data or FIN) or keepalive probes ran out (ETIMEDOUT;
    /// RFC 9293 §3.8.3, RFC 1122 §4.2.3.6).
    /// </summary>
    TimedOut,

    /// <summary>This endpoint sent RST and dropped the connection: abort (SO_LINGER 0), close with
    /// unread data (RFC 2525 §2.17), or new data after close (RFC 1122 §4.2.2.13).</summary>
    Aborted,

    /// <summary>
    /// A half-open connection made from a listener's SYN was reset or timed out; the RFC endpoint is
    /// back in LISTEN, a passive-open child is CLOSED and its slot in the SYN queue can be freed
    /// (RFC 9293 §3.10.7.4: "return this connection to the LISTEN state").
    /// </summary>
    ReturnedToListen,

    /// <summary>In-order payload bytes arrived and can be read (the count is passed with the event).</summary>
    DataReceived,

    /// <summary>The peer's FIN arrived in order: end of stream, read() will return 0 once drained.</summary>
    PeerClosed,

    /// <summary>The endpoint reached CLOSED; nothing more will happen unless it is opened again.</summary>
    Closed,

    /// <summary>
    /// The next <see cref="ITcpSink.Transmit"/> repeats sequence space already sent (a SYN, SYN-ACK,
    /// data or FIN retransmission), for the "retransmitted" segment counter. Added last so the values
    /// above keep their numbers.
    /// </summary>
    Retransmission,
}
