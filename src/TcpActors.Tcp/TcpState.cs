namespace TcpActors.Tcp;

/// <summary>
/// The eleven connection states of RFC 9293 §3.3.2 (figure 5). The numeric values are stable
/// indexes into per-state counters (telemetry keeps one count per state).
/// </summary>
public enum TcpState : byte
{
    Closed = 0,
    Listen = 1,
    SynSent = 2,
    SynReceived = 3,
    Established = 4,
    FinWait1 = 5,
    FinWait2 = 6,
    CloseWait = 7,
    Closing = 8,
    LastAck = 9,
    TimeWait = 10,
}

public static class TcpStateNames
{
    /// <summary>How many states there are; the size of a per-state counter array.</summary>
    public const int Count = 11;

    private static readonly string[] s_upper =
    [
        "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
        "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
    ];

    private static readonly string[] s_lower =
    [
        "closed", "listen", "syn_sent", "syn_received", "established", "fin_wait_1", "fin_wait_2",
        "close_wait", "closing", "last_ack", "time_wait",
    ];

    /// <summary>The RFC's name with underscores, as traces print it: "SYN_SENT", "TIME_WAIT".</summary>
    public static string ToTraceName(this TcpState state) => s_upper[(int)state];

    /// <summary>The metric attribute and report key: "syn_sent", "time_wait" (DESIGN.md §7).</summary>
    public static string ToMetricName(this TcpState state) => s_lower[(int)state];

    /// <summary>All states in counter order.</summary>
    public static ReadOnlySpan<TcpState> All =>
    [
        TcpState.Closed, TcpState.Listen, TcpState.SynSent, TcpState.SynReceived, TcpState.Established,
        TcpState.FinWait1, TcpState.FinWait2, TcpState.CloseWait, TcpState.Closing, TcpState.LastAck,
        TcpState.TimeWait,
    ];
}
