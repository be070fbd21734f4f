namespace TcpActors.Tcp;

/// <summary>TCP control bits, with the bit values of the TCP header (RFC 9293 §3.1).</summary>
[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
}

public static class TcpFlagsText
{
    /// <summary>
    /// Flags as Wireshark lists them, comma-separated: "SYN", "SYN,ACK", "PSH,ACK", "FIN,ACK",
    /// "RST,ACK" (DESIGN.md §7, trace format). Order: FIN, SYN, RST, PSH, ACK, as in tshark's
    /// <c>tcp.flags.str</c> read left to right from the low bit.
    /// </summary>
    public static string ToWireshark(this TcpFlags flags) => flags switch
    {
        // The common combinations are interned so that tracing does not allocate per segment.
        TcpFlags.Syn => "SYN",
        TcpFlags.Syn | TcpFlags.Ack => "SYN,ACK",
        TcpFlags.Ack => "ACK",
        TcpFlags.Psh | TcpFlags.Ack => "PSH,ACK",
        TcpFlags.Fin | TcpFlags.Ack => "FIN,ACK",
        TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Ack => "FIN,PSH,ACK",
        TcpFlags.Rst | TcpFlags.Ack => "RST,ACK",
        TcpFlags.Rst => "RST",
        TcpFlags.None => "",
        _ => Compose(flags),
    };

    private static string Compose(TcpFlags flags)
    {
        var parts = new List<string>(5);
        if ((flags & TcpFlags.Fin) != 0) parts.Add("FIN");
        if ((flags & TcpFlags.Syn) != 0) parts.Add("SYN");
        if ((flags & TcpFlags.Rst) != 0) parts.Add("RST");
        if ((flags & TcpFlags.Psh) != 0) parts.Add("PSH");
        if ((flags & TcpFlags.Ack) != 0) parts.Add("ACK");
        return string.Join(',', parts);
    }
}
