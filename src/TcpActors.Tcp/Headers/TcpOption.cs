using System.Globalization;
using System.Text;

namespace TcpActors.Tcp.Headers;

/// <summary>The TCP options a kernel writes in SYN and SYN-ACK segments (RFC 9293 §3.2, RFC 7323, RFC 2018).</summary>
public enum TcpOptionKind : byte
{
    /// <summary>End of option list (kind 0), used by BSD to pad the list to a 4-byte boundary.</summary>
    Eol = 0,
    /// <summary>No-operation (kind 1), used to align the next option.</summary>
    Nop = 1,
    /// <summary>Maximum segment size (kind 2, 4 bytes).</summary>
    Mss = 2,
    /// <summary>Window scale shift (kind 3, 3 bytes, RFC 7323 §2).</summary>
    WindowScale = 3,
    /// <summary>SACK permitted (kind 4, 2 bytes, RFC 2018).</summary>
    SackPermitted = 4,
    /// <summary>Timestamps TSval/TSecr (kind 8, 10 bytes, RFC 7323 §3).</summary>
    Timestamp = 8,
}

/// <summary>One option as written on the wire: its kind and, for MSS, window scale and timestamps, its values.</summary>
public readonly record struct TcpOption(TcpOptionKind Kind, uint Value = 0, uint Echo = 0)
{
    /// <summary>Bytes the option takes in the header.</summary>
    public int Length => Kind switch
    {
        TcpOptionKind.Eol or TcpOptionKind.Nop => 1,
        TcpOptionKind.Mss => 4,
        TcpOptionKind.WindowScale => 3,
        TcpOptionKind.SackPermitted => 2,
        _ => 10,
    };

    /// <summary>As packetdrill and tcpdump print it: <c>mss 1460</c>, <c>sackOK</c>, <c>TS val 100 ecr 0</c>, <c>nop</c>, <c>wscale 7</c>.</summary>
    public override string ToString() => Kind switch
    {
        TcpOptionKind.Eol => "eol",
        TcpOptionKind.Nop => "nop",
        TcpOptionKind.Mss => string.Create(CultureInfo.InvariantCulture, $"mss {Value}"),
        TcpOptionKind.WindowScale => string.Create(CultureInfo.InvariantCulture, $"wscale {Value}"),
        TcpOptionKind.SackPermitted => "sackOK",
        _ => string.Create(CultureInfo.InvariantCulture, $"TS val {Value} ecr {Echo}"),
    };

    /// <summary>A whole list as packetdrill writes it between angle brackets, without them.</summary>
    public static string Format(IReadOnlyList<TcpOption> options)
    {
        var text = new StringBuilder();
        for (int i = 0; i < options.Count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(options[i].ToString());
        }
        return text.ToString();
    }

    /// <summary>
    /// Writes <paramref name="options"/> into <paramref name="destination"/> in wire format and returns the
    /// bytes written, padded with EOL to a multiple of four (the data offset counts 32-bit words).
    /// </summary>
    public static int Write(IReadOnlyList<TcpOption> options, Span<byte> destination)
    {
        int at = 0;
        foreach (var o in options)
        {
            switch (o.Kind)
            {
                case TcpOptionKind.Eol:
                case TcpOptionKind.Nop:
                    destination[at++] = (byte)o.Kind;
                    break;
                case TcpOptionKind.Mss:
                    destination[at++] = 2; destination[at++] = 4;
                    destination[at++] = (byte)(o.Value >> 8); destination[at++] = (byte)o.Value;
                    break;
                case TcpOptionKind.WindowScale:
                    destination[at++] = 3; destination[at++] = 3; destination[at++] = (byte)o.Value;
                    break;
                case TcpOptionKind.SackPermitted:
                    destination[at++] = 4; destination[at++] = 2;
                    break;
                case TcpOptionKind.Timestamp:
                    destination[at++] = 8; destination[at++] = 10;
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(destination[at..], o.Value);
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(destination[(at + 4)..], o.Echo);
                    at += 8;
                    break;
            }
        }
        while (at % 4 != 0) destination[at++] = 0;
        return at;
    }

    /// <summary>Header bytes a list takes once padded to 32-bit words.</summary>
    public static int PaddedLength(IReadOnlyList<TcpOption> options)
    {
        int length = 0;
        foreach (var o in options) length += o.Length;
        return (length + 3) & ~3;
    }
}
