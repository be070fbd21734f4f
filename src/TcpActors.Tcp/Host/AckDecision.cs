namespace TcpActors.Tcp.Host;

/// <summary>
/// What a listener does with the ACK that completes a three-way handshake (Linux
/// tcp_check_req() and tcp_v4_syn_recv_sock()).
/// </summary>
public enum AckDecision : byte
{
    /// <summary>The connection moves to the accept queue: the endpoint becomes ESTABLISHED.</summary>
    Accept,

    /// <summary>
    /// The accept queue is full: ignore the ACK. The client believes it is connected; the server
    /// endpoint stays in SYN_RECEIVED, keeps its SYN queue slot and retransmits its SYN-ACK.
    /// </summary>
    Drop,

    /// <summary>
    /// The accept queue is full and abort_on_overflow is on: answer with RST. The host has already
    /// released the tuple; destroy the endpoint.
    /// </summary>
    Reset,
}
