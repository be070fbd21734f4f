using System.Runtime.InteropServices;

namespace TcpActors.Tcp.Host;

/// <summary>Which of the host's queues or limits a tuple counts against.</summary>
internal enum EntryRole : byte
{
    /// <summary>Connecting, established or closing: counts against nothing but its port.</summary>
    Open,

    /// <summary>SYN_RECEIVED under a listener: holds a SYN queue slot.</summary>
    HalfOpen,

    /// <summary>Handshake done, not yet accepted: holds an accept queue slot.</summary>
    AcceptQueued,

    /// <summary>TIME_WAIT: counts against max_tw_buckets and may be taken over by tw_reuse.</summary>
    TimeWait,
}

/// <summary>
/// The value stored per 4-tuple: 16 bytes (handle, role and two flags packed in 4, TIME_WAIT's
/// RCV.NXT 4, a TIME_WAIT start or a request 8), so a dictionary entry is 4 (hash) + 4 (next) +
/// 16 (key) + 16 = 40 bytes plus a 4-byte bucket — a million tuples are a million of these.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConnectionEntry
{
    /// <summary>The handles an entry can hold: 28 bits, signed (±134 million per host).</summary>
    public const int MaxHandle = (1 << 27) - 1, MinHandle = -(1 << 27);

    private const uint HandleMask = 0x0FFFFFFF;

    private const uint RoleMask = 0x3u << 28;
    private const uint HasRequestBit = 1u << 30;
    private const uint HasRcvNxtBit = 1u << 31;

    /// <summary>Handle (low 28 bits, signed), role (2 bits), <see cref="HasRequest"/>, <see cref="HasTimeWaitRcvNxt"/>.</summary>
    private uint _packed;

    /// <summary>A TIME_WAIT entry's RCV.NXT, as Linux's timewait sock keeps <c>tw_rcv_nxt</c> to judge a new SYN for the tuple (<see cref="HasTimeWaitRcvNxt"/>).</summary>
    public uint TimeWaitRcvNxt;

    /// <summary>When the tuple entered TIME_WAIT (ticks of virtual time); meaningful only in that role.</summary>
    public long TimeWaitSinceTicks;

    /// <summary>The caller's handle for the endpoint that owns the tuple (<see cref="MinHandle"/> … <see cref="MaxHandle"/>).</summary>
    public int Handle
    {
        readonly get => (int)(_packed << 4) >> 4;
        set
        {
            if (value < MinHandle || value > MaxHandle) throw new ArgumentOutOfRangeException(nameof(value), value, $"a handle is {MinHandle} … {MaxHandle}");
            _packed = (_packed & ~HandleMask) | ((uint)value & HandleMask);
        }
    }

    public EntryRole Role
    {
        readonly get => (EntryRole)((_packed & RoleMask) >> 28);
        set => _packed = (_packed & ~RoleMask) | ((uint)value << 28);
    }

    /// <summary>True for a half-open entry that keeps its request (<see cref="Request"/>).</summary>
    public bool HasRequest
    {
        readonly get => (_packed & HasRequestBit) != 0;
        set => _packed = value ? _packed | HasRequestBit : _packed & ~HasRequestBit;
    }

    /// <summary>True for a TIME_WAIT entry that keeps its connection's RCV.NXT (<see cref="TimeWaitRcvNxt"/>).</summary>
    public bool HasTimeWaitRcvNxt
    {
        readonly get => (_packed & HasRcvNxtBit) != 0;
        set => _packed = value ? _packed | HasRcvNxtBit : _packed & ~HasRcvNxtBit;
    }

    /// <summary>A half-open entry keeps its request's ISS (high 32 bits) and IRS (low) where a TIME_WAIT entry keeps its start, as Linux's request sock does; <see cref="HasRequest"/> says it does.</summary>
    public ulong Request
    {
        readonly get => (ulong)TimeWaitSinceTicks;
        set => TimeWaitSinceTicks = (long)value;
    }
}
