namespace TcpActors.Tcp;

/// <summary>
/// TEST-ONLY fault switches. A swarm test turns one on to prove that the run's invariant checker
/// notices a broken TCP through the endpoint's internal <c>Faults</c> property; production code
/// never sets it (it stays <see cref="None"/>). Each fault is a deliberate, narrow violation of one RFC rule.
/// </summary>
[Flags]
public enum EndpointFaults : byte
{
    /// <summary>A correct TCP.</summary>
    None = 0,

    /// <summary>TIME_WAIT never ends: the 2·MSL timer is not armed (breaks RFC 9293 §3.6).</summary>
    TimeWaitNeverExpires = 1,

    /// <summary>
    /// In CLOSING the endpoint sends no ACK: neither the ACK of the peer's FIN that moved it from
    /// FIN_WAIT_1 to CLOSING nor re-ACKs of retransmitted FINs (breaks RFC 9293 §3.10.7.4, FIN check),
    /// so a simultaneous close never completes normally.
    /// </summary>
    ClosingNeverAcks = 2,
}
