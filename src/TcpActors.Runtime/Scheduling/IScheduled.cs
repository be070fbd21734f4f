using System.Runtime.CompilerServices;

namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// A pending event's place in the total order: virtual time, then the system-wide send sequence
/// number, which is unique, so equal-time events run in send order and no two events tie.
/// </summary>
internal interface IScheduled
{
    /// <summary>Virtual time of delivery, in <see cref="TimeSpan"/> ticks.</summary>
    long TimeTicks { get; }

    /// <summary>Global send order within the system.</summary>
    long Seq { get; }
}

/// <summary>The order on <see cref="IScheduled"/> entries.</summary>
internal static class Scheduled
{
    /// <summary>True when <paramref name="a"/> runs before <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Before<T>(in T a, in T b) where T : struct, IScheduled =>
        a.TimeTicks < b.TimeTicks || (a.TimeTicks == b.TimeTicks && a.Seq < b.Seq);

    /// <summary>True when (<paramref name="time"/>, <paramref name="seq"/>) runs before (<paramref name="otherTime"/>, <paramref name="otherSeq"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Before(long time, long seq, long otherTime, long otherSeq) =>
        time < otherTime || (time == otherTime && seq < otherSeq);
}
