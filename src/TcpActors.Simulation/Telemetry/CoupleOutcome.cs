namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// How a couple ended (DESIGN.md §7 <c>outcomes</c>). The first reason seen on either side wins;
/// a couple whose client endpoint closes without any reason <see cref="Completed"/>.
/// </summary>
public enum CoupleOutcome : byte
{
    /// <summary>Opened, (exchanged,) closed and gone without an error.</summary>
    Completed = 0,
    /// <summary>The server answered the SYN with RST (ECONNREFUSED).</summary>
    Refused = 1,
    /// <summary>Retransmissions or keepalive probes ran out on a side (ETIMEDOUT).</summary>
    TimedOut = 2,
    /// <summary>A side received a RST it accepted (ECONNRESET).</summary>
    Reset = 3,
    /// <summary>connect() found no free ephemeral port (EADDRNOTAVAIL); nothing was sent.</summary>
    PortExhausted = 4,
    /// <summary>A side aborted (SO_LINGER 0, or data after close) and sent RST.</summary>
    Aborted = 5,
    /// <summary>The client's host crashed and took the client endpoint with it.</summary>
    Crashed = 6,
}

/// <summary>Report and trace spellings of <see cref="CoupleOutcome"/>.</summary>
public static class CoupleOutcomeNames
{
    private static readonly string[] s_names = ["completed", "refused", "timed_out", "reset", "port_exhausted", "aborted", "crashed"];

    /// <summary>Number of outcomes.</summary>
    public const int Count = 7;

    /// <summary><c>completed</c>, <c>timed_out</c>, …</summary>
    public static string ToName(this CoupleOutcome outcome) => s_names[(int)outcome];
}
