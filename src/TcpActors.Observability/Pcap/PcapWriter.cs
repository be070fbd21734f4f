using System.Buffers.Binary;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

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
    private readonly byte[] _record = new byte[RecordHeaderLength + PcapPacket.HeaderLength];
    private ushort _ipId;
    private bool _completed;
    private bool _disposed;

    /// <summary>Writes the file header to <paramref name="stream"/>; <paramref name="ownsStream"/> disposes it with this.</summary>
    public PcapWriter(Stream stream, bool ownsStream = false)
        : this(stream, ownsStream, null, null)
    {
    }

    private PcapWriter(Stream stream, bool ownsStream, string? temporaryPath, string? finalPath)
    {
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
    public static PcapWriter Create(string path)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        return new PcapWriter(stream, ownsStream: true, temporary, full);
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
        int length = PcapPacket.WriteHeaders(segment, _ipId++, record[RecordHeaderLength..]);
        long ticks = Math.Max(0, t.Ticks);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(ticks / TimeSpan.TicksPerSecond));
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(ticks % TimeSpan.TicksPerSecond * TimeSpan.NanosecondsPerTick));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)length);  // captured: all of it
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)length); // on the wire
        _stream.Write(record);
        _stream.Write(s_zeros, 0, length - PcapPacket.HeaderLength);
        Packets++;
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
