namespace TcpActors.Tcp.Host;

/// <summary>
/// What connect() picks a port for: the local address and the remote address and port. A local
/// port is free for a destination when no tuple (TIME_WAIT included) uses it with that destination.
/// </summary>
internal readonly record struct Destination(uint LocalAddr, uint RemoteAddr, ushort RemotePort);

/// <summary>Per-destination bookkeeping that keeps connect() O(1) when the destination is exhausted.</summary>
internal struct DestinationState
{
    /// <summary>Tuples with this destination whose local port lies in the ephemeral range.</summary>
    public int Held;

    /// <summary>
    /// Of <see cref="Held"/>, the tuples on ports of the range's first parity (even ports for
    /// 32768-60999), the ones connect() tries first. When all of those are held, the first pass
    /// can only fail, and is skipped: without this, Linux's even-first order scans half the
    /// range on every connect once the even ports are in TIME_WAIT.
    /// </summary>
    public int HeldFirstParity;

    /// <summary>
    /// The per-destination perturbation of Linux's table_perturb[]: advanced past each port
    /// handed out so the next connect to the same destination starts its scan after it.
    /// </summary>
    public uint Perturb;

    /// <summary>
    /// A lower bound on the TIME_WAIT start of every TIME_WAIT tuple of this destination
    /// (long.MaxValue: none). While even that bound is too young for tw_reuse, an exhausted
    /// destination fails without scanning.
    /// </summary>
    public long OldestTimeWaitSinceTicks;
}
