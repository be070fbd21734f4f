namespace TcpActors.Tcp;

/// <summary>
/// Where a <see cref="TcpEndpoint"/> puts its outputs. The driver passes a sink into every call
/// (as a generic argument, so a struct sink is called without boxing); the endpoint keeps no
/// reference to it, holds no events or delegates, and never allocates to report something.
/// Calls arrive in the order they happen inside one input, and the driver owns the time.
/// </summary>
public interface ITcpSink
{
    /// <summary>A segment to put on the wire now.</summary>
    void Transmit(in Segment segment);

    /// <summary>
    /// The endpoint moved from <paramref name="from"/> to <paramref name="to"/>. Every change of state
    /// is reported exactly once, including the first one out of CLOSED and the last one into CLOSED,
    /// so per-state counters kept from these calls are exact.
    /// </summary>
    void StateChanged(TcpEndpoint endpoint, TcpState from, TcpState to);

    /// <summary>Something the application would learn from its socket (see <see cref="TcpEvent"/>).</summary>
    /// <param name="bytes">Byte count for <see cref="TcpEvent.DataReceived"/>; zero otherwise.</param>
    void Notify(TcpEndpoint endpoint, TcpEvent what, int bytes);
}
