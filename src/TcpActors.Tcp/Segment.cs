using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TcpActors.Tcp;

/// <summary>
/// One TCP segment as it crosses the simulated network: addresses, ports, sequence and
/// acknowledgment numbers, control bits, window and the payload's length. The payload itself is
/// never carried (the simulator moves byte counts, not bytes), so a segment is a small value
/// that can be queued by the million without touching the heap.
/// </summary>
[StructLayout(LayoutKind.Auto)]
[DebuggerDisplay("{ToString(),nq}")]
public readonly record struct Segment
{
    /// <summary>Source IPv4 address, host byte order (10.0.0.1 is 0x0A000001).</summary>
    public uint SrcAddr { get; init; }
    public ushort SrcPort { get; init; }
    /// <summary>Destination IPv4 address, host byte order.</summary>
    public uint DstAddr { get; init; }
    public ushort DstPort { get; init; }
    public SeqNum Seq { get; init; }
    /// <summary>Meaningful only when <see cref="TcpFlags.Ack"/> is set.</summary>
    public SeqNum Ack { get; init; }
    public TcpFlags Flags { get; init; }
    /// <summary>Receive window advertised by the sender, in bytes (no window scaling).</summary>
    public ushort Window { get; init; }
    /// <summary>Payload bytes carried (not counting SYN or FIN).</summary>
    public ushort PayloadLength { get; init; }

    public bool Has(TcpFlags flag) => (Flags & flag) == flag;

    /// <summary>SEG.LEN of RFC 9293: payload plus one for SYN and one for FIN.</summary>
    public uint SeqLength =>
        PayloadLength + ((Flags & TcpFlags.Syn) != 0 ? 1u : 0u) + ((Flags & TcpFlags.Fin) != 0 ? 1u : 0u);

    /// <summary>The connection this segment belongs to, seen from its receiver.</summary>
    public FourTuple ReceiverTuple => new(DstAddr, DstPort, SrcAddr, SrcPort);

    /// <summary>The connection this segment belongs to, seen from its sender.</summary>
    public FourTuple SenderTuple => new(SrcAddr, SrcPort, DstAddr, DstPort);

    /// <summary>
    /// The reset a TCP sends for a segment that belongs to no connection (RFC 9293 §3.10.7.1,
    /// CLOSED state): if the segment has ACK, &lt;SEQ=SEG.ACK&gt;&lt;CTL=RST&gt;; otherwise
    /// &lt;SEQ=0&gt;&lt;ACK=SEG.SEQ+SEG.LEN&gt;&lt;CTL=RST,ACK&gt;. Returns false for an incoming
    /// RST, which is never answered with a RST.
    /// </summary>
    public static bool TryResetFor(in Segment incoming, out Segment reset)
    {
        if (incoming.Has(TcpFlags.Rst))
        {
            reset = default;
            return false;
        }

        reset = incoming.Has(TcpFlags.Ack)
            ? new Segment
            {
                SrcAddr = incoming.DstAddr, SrcPort = incoming.DstPort,
                DstAddr = incoming.SrcAddr, DstPort = incoming.SrcPort,
                Seq = incoming.Ack, Flags = TcpFlags.Rst,
            }
            : new Segment
            {
                SrcAddr = incoming.DstAddr, SrcPort = incoming.DstPort,
                DstAddr = incoming.SrcAddr, DstPort = incoming.SrcPort,
                Seq = new SeqNum(0), Ack = incoming.Seq + incoming.SeqLength,
                Flags = TcpFlags.Rst | TcpFlags.Ack,
            };
        return true;
    }

    public override string ToString() =>
        $"{Address.Format(SrcAddr)}:{SrcPort} > {Address.Format(DstAddr)}:{DstPort} [{Flags.ToWireshark()}] seq={Seq} ack={Ack} len={PayloadLength} win={Window}";
}

/// <summary>A connection's identity as seen from one endpoint: local and remote address and port.</summary>
public readonly record struct FourTuple(uint LocalAddr, ushort LocalPort, uint RemoteAddr, ushort RemotePort)
{
    public override string ToString() =>
        $"{Address.Format(LocalAddr)}:{LocalPort}<->{Address.Format(RemoteAddr)}:{RemotePort}";
}

/// <summary>IPv4 addresses as host-order <see cref="uint"/>s.</summary>
public static class Address
{
    public static uint Of(byte a, byte b, byte c, byte d) => (uint)(a << 24 | b << 16 | c << 8 | d);

    public static string Format(uint addr) =>
        $"{addr >> 24}.{(addr >> 16) & 0xFF}.{(addr >> 8) & 0xFF}.{addr & 0xFF}";
}
