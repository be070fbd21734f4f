using TcpActors.Tcp;

namespace TcpActors.Simulation.Network;

/// <summary>
/// A packetdrill-style drop: from time <see cref="At"/> on, the next <see cref="Count"/> segments
/// whose control bits are exactly <see cref="Flags"/> going in <see cref="Direction"/> are dropped
/// ("lose the last ACK of the teardown", DESIGN.md §5). One rule is shared by every link it
/// applies to, so the count is spent across those links; a sharded run keeps one rule per shard.
/// </summary>
public sealed class TargetedDrop
{
    /// <summary>The exact flag set to match (<c>[ACK]</c> is a pure ACK, not a FIN-ACK).</summary>
    public TcpFlags Flags { get; }
    /// <summary>Which directions the rule watches.</summary>
    public DirectionSelector Direction { get; }
    /// <summary>How many segments to drop in all.</summary>
    public int Count { get; }
    /// <summary>The rule is inactive before this virtual time.</summary>
    public TimeSpan At { get; }
    /// <summary>How many are still to be dropped.</summary>
    public int Remaining { get; private set; }

    /// <summary>A rule that drops <paramref name="count"/> matching segments after <paramref name="at"/>.</summary>
    public TargetedDrop(TcpFlags flags, DirectionSelector direction, int count, TimeSpan at)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Flags = flags;
        Direction = direction;
        Count = count;
        Remaining = count;
        At = at;
    }

    /// <summary>True (and one less remaining) when this rule takes the segment.</summary>
    public bool TryTake(TimeSpan now, in Segment segment, LinkDirection direction)
    {
        if (Remaining == 0 || now < At || segment.Flags != Flags || !Direction.Matches(direction)) return false;
        Remaining--;
        return true;
    }
}
