using System.Buffers.Binary;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;
using TcpActors.Tcp.Headers;

namespace TcpActors.Observability.Pcap;

/// <summary>
/// Writes the traced couples' segments as a libpcap file (<c>--pcap FILE</c>, DESIGN.md §7) that
/// Wireshark and tshark open: the classic format with nanosecond timestamps (magic
/// <c>0xA1B23C4D</c>), link type <see cref="LinkTypeRaw"/> (each record starts with the IPv4 header),
/// one record per segment an endpoint or host sent, at its virtual send time (t = 0 is the Unix
/// epoch). The capture point is the sender's interface: every segment appears once, with valid
/// checksums, whatever the network did with it afterwards — its fate (dropped, corrupted,
/// duplicated) is in the JSON-lines trace and the ladder.
/// <para>
/// Records are written as the run goes (nothing is kept but a 64 KiB stream buffer). Made by
/// <see cref="Create"/>, the file is written under a hidden temporary name in the same folder and
/// renamed into place by <see cref="Complete"/>, so a reader never finds half a capture; disposed
/// without <see cref="Complete"/>, the temporary file is deleted.
/// </para>
/// </summary>
public sealed class PcapWriter : ITraceSink, IDisposable
{
    /// <summary>LINKTYPE_RAW: the packet begins with an IPv4 or IPv6 header (tcpdump.org link-layer types).</summary>
    public const uint LinkTypeRaw = 101;

    /// <summary>Magic number of a libpcap file whose timestamps are in nanoseconds.</summary>
    public const uint NanosecondMagic = 0xA1B23C4D;

    /// <summary>The snapshot length written in the file header: a whole IPv4 packet always fits.</summary>
    public const uint SnapLength = ushort.MaxValue;

    private const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    // Zeros for the payload bytes, which the simulator never carries.
    private static readonly byte[] s_zeros = new byte[PcapPacket.MaxPayloadLength];

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly string? _temporaryPath;
    private readonly string? _finalPath;
    private readonly byte[] _record = new byte[RecordHeaderLength + PcapPacket.HeaderLength + PcapPacket.MaxOptionsLength];
    private readonly byte[] _synOptions = [];
    private readonly byte[] _synAckOptions = [];
    private readonly int _synTsOffset = -1;
    private readonly int _synAckTsOffset = -1;
    private readonly ushort _synWindow;
    private readonly ushort _synAckWindow;
    private readonly int _windowShift;
    private readonly bool _dressSyns;
    private ushort _ipId;
    private bool _completed;
    private bool _disposed;

    /// <summary>Writes the file header to <paramref name="stream"/>; <paramref name="ownsStream"/> disposes it with this.</summary>
    public PcapWriter(Stream stream, bool ownsStream = false, KernelSynOptions? kernel = null)
        : this(stream, ownsStream, null, null, kernel)
    {
    }

    private PcapWriter(Stream stream, bool ownsStream, string? temporaryPath, string? finalPath, KernelSynOptions? kernel)
    {
        if (kernel is not null)
        {
            // Segments never carry options (no per-segment cost in the run): SYNs are dressed here as the
            // profile's kernel writes them. Both ends of a simulated couple run the same profile, so the
            // SYN-ACK answers a SYN that offered what this kernel offers; once both offered window
            // scaling, the window field of every other segment is shifted as a kernel writes it
            // (RFC 7323 §2.3), so Wireshark's scaled window is the model's.
            var offer = new SynOffer(kernel.WindowShift is not null, kernel.WindowShift ?? 0, kernel.SackPermitted, kernel.Timestamps);
            _synOptions = Encode(kernel.Syn(0), out _synTsOffset);
            _synAckOptions = Encode(kernel.SynAck(offer, 0, 0), out _synAckTsOffset);
            _synWindow = kernel.SynWindow;
            _synAckWindow = kernel.SynAckWindowFor(offer);
            _windowShift = kernel.AgreedShift(offer) ?? 0;
            _dressSyns = true;
        }
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _ownsStream = ownsStream;
        _temporaryPath = temporaryPath;
        _finalPath = finalPath;
        Span<byte> header = stackalloc byte[FileHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, NanosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);  // version 2.4
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);   // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeRaw);
        _stream.Write(header);
    }

    /// <summary>
    /// Starts a capture that will appear at <paramref name="path"/> when <see cref="Complete"/> is
    /// called (its folder is created if needed).
    /// </summary>
    public static PcapWriter Create(string path, KernelSynOptions? kernel = null)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        return new PcapWriter(stream, ownsStream: true, temporary, full, kernel);
    }

    /// <summary>Records written so far.</summary>
    public long Packets { get; private set; }

    /// <summary>State changes are not on the wire.</summary>
    public void State(TimeSpan t, int couple, TraceSide side, TcpState from, TcpState to) { }

    /// <summary>Writes the segment as one packet at virtual time <paramref name="t"/>.</summary>
    public void Segment(TimeSpan t, int couple, LinkDirection direction, in Segment segment, TraceFate fate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> record = _record;
        int length;
        int optionsLength = 0;
        if (!_dressSyns)
        {
            length = PcapPacket.WriteHeaders(segment, _ipId++, record[RecordHeaderLength..]);
        }
        else if (segment.Has(TcpFlags.Syn))
        {
            bool synAck = segment.Has(TcpFlags.Ack);
            Span<byte> options = stackalloc byte[PcapPacket.MaxOptionsLength];
            byte[] layout = synAck ? _synAckOptions : _synOptions;
            layout.CopyTo(options);
            options = options[..layout.Length];
            optionsLength = layout.Length;
            int ts = synAck ? _synAckTsOffset : _synTsOffset;
            // TSval from a millisecond clock, as Linux's tcp_time_stamp; no TSecr is known here.
            if (ts >= 0) BinaryPrimitives.WriteUInt32BigEndian(options[(ts + 2)..], (uint)(Math.Max(0, t.Ticks) / TimeSpan.TicksPerMillisecond));
            length = PcapPacket.WriteHeaders(segment, _ipId++, synAck ? _synAckWindow : _synWindow, options, record[RecordHeaderLength..]);
        }
        else
        {
            length = PcapPacket.WriteHeaders(segment, _ipId++, (ushort)(segment.Window >> _windowShift), [], record[RecordHeaderLength..]);
        }
        int headers = PcapPacket.HeaderLength + optionsLength;
        long ticks = Math.Max(0, t.Ticks);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(ticks / TimeSpan.TicksPerSecond));
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(ticks % TimeSpan.TicksPerSecond * TimeSpan.NanosecondsPerTick));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)length);  // captured: all of it
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)length); // on the wire
        _stream.Write(record[..(RecordHeaderLength + headers)]);
        _stream.Write(s_zeros, 0, length - headers);
        Packets++;
    }

    /// <summary>Options in wire format; <paramref name="timestampOffset"/> is where the timestamp option starts, or -1.</summary>
    private static byte[] Encode(IReadOnlyList<TcpOption> options, out int timestampOffset)
    {
        timestampOffset = -1;
        int at = 0;
        foreach (var o in options)
        {
            if (o.Kind == TcpOptionKind.Timestamp) timestampOffset = at;
            at += o.Length;
        }
        var bytes = new byte[TcpOption.PaddedLength(options)];
        TcpOption.Write(options, bytes);
        return bytes;
    }

    /// <summary>Outcomes are not on the wire.</summary>
    public void Outcome(TimeSpan t, int couple, TraceSide side, CoupleOutcome outcome) { }

    /// <summary>Flushes the stream buffer.</summary>
    public void Flush() => _stream.Flush();

    /// <summary>Flushes and closes the file and, when made by <see cref="Create"/>, renames it into place.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.Flush();
        _completed = true;
        Dispose();
        if (_temporaryPath is not null) File.Move(_temporaryPath, _finalPath!, overwrite: true);
    }

    /// <summary>Closes the file; a capture never completed is deleted.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsStream) _stream.Dispose();
        if (!_completed && _temporaryPath is not null && File.Exists(_temporaryPath)) File.Delete(_temporaryPath);
    }
}
