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
/// The value stored per 4-tuple: 16 bytes (handle 4, role 1, padding 3, TIME_WAIT start 8), so a
/// dictionary entry is 4 (hash) + 4 (next) + 16 (key) + 16 = 40 bytes plus a 4-byte bucket.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConnectionEntry
{
    /// <summary>The caller's handle for the endpoint that owns the tuple.</summary>
    public int Handle;

    public EntryRole Role;

    /// <summary>True for a half-open entry that keeps its request (<see cref="Request"/>); fits in the padding after <see cref="Role"/>.</summary>
    public bool HasRequest;

    /// <summary>When the tuple entered TIME_WAIT (ticks of virtual time); meaningful only in that role.</summary>
    public long TimeWaitSinceTicks;

    /// <summary>A half-open entry keeps its request's ISS (high 32 bits) and IRS (low) here, as Linux's request sock does; <see cref="HasRequest"/> says it does.</summary>
    public ulong Request
    {
        readonly get => (ulong)TimeWaitSinceTicks;
        set => TimeWaitSinceTicks = (long)value;
    }
}
