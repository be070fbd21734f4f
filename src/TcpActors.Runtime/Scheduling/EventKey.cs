using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// The ordering key of one pending event: virtual time, then the global send sequence number,
/// which makes the order total (equal-time events run in send order). The payload (target,
/// sender, message) stays put in its typed <see cref="MessageQueue{T}"/> slot, so heap moves
/// copy 24 bytes whatever the message size.
/// </summary>
[DebuggerDisplay("t={TimeTicks} seq={Seq} q={Queue} slot={Slot}")]
internal readonly struct EventKey
{
    /// <summary>Virtual time of delivery, in <see cref="TimeSpan"/> ticks.</summary>
    public readonly long TimeTicks;

    /// <summary>Global send order within the system; unique, so no two keys compare equal.</summary>
    public readonly long Seq;

    /// <summary>Slot of the payload in its typed queue.</summary>
    public readonly int Slot;

    /// <summary>Index of the typed queue (the message type's id).</summary>
    public readonly int Queue;

    public EventKey(long timeTicks, long seq, int slot, int queue)
    {
        TimeTicks = timeTicks;
        Seq = seq;
        Slot = slot;
        Queue = queue;
    }

    /// <summary>True when <paramref name="a"/> runs before <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Before(in EventKey a, in EventKey b) =>
        a.TimeTicks < b.TimeTicks || (a.TimeTicks == b.TimeTicks && a.Seq < b.Seq);
}
