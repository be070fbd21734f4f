namespace TcpActors.Tcp.Host;

/// <summary>What a listener does with an incoming SYN (Linux tcp_conn_request()).</summary>
public enum SynDecision : byte
{
    /// <summary>
    /// A SYN queue slot is taken and the tuple is registered as half-open under the caller's
    /// handle: create the endpoint in SYN_RECEIVED and send the SYN-ACK.
    /// </summary>
    Admit,

    /// <summary>
    /// Dropped without an answer: the SYN queue is full and syncookies are off, or the accept
    /// queue is full. The client will retransmit its SYN.
    /// </summary>
    Drop,

    /// <summary>
    /// The SYN queue is full and syncookies are on: answer with a SYN-ACK whose sequence number
    /// is the cookie, and keep no state. When the ACK returns, call
    /// <see cref="TcpHost.CompleteCookieHandshake"/>.
    /// </summary>
    SynCookie,
}
