namespace TcpActors.Simulation.Network;

/// <summary>What the network does with one segment (DESIGN.md §5, §7 trace <c>fate</c>).</summary>
public enum SegmentFate : byte
{
    /// <summary>The segment arrives intact at <see cref="LinkDecision.DeliverAt"/>.</summary>
    Deliver = 0,

    /// <summary>The segment never arrives; <see cref="LinkDecision.Cause"/> says why.</summary>
    Drop = 1,

    /// <summary>
    /// The segment arrives with a bad checksum: the receiver discards it. It is counted as
    /// corrupted, not as lost, because on a real wire it did use the link.
    /// </summary>
    Corrupt = 2,
}

/// <summary>Why the network dropped a segment; the report counts drops by cause.</summary>
public enum DropCause : byte
{
    /// <summary>Not dropped.</summary>
    None = 0,
    /// <summary>Random loss (Bernoulli or Gilbert-Elliott).</summary>
    Loss = 1,
    /// <summary>The link is cut by a partition.</summary>
    Partition = 2,
    /// <summary>The link silently swallows everything.</summary>
    Blackhole = 3,
    /// <summary>The rate limiter's queue was full (tail drop).</summary>
    QueueFull = 4,
    /// <summary>A packetdrill-style targeted drop matched the segment.</summary>
    Targeted = 5,
}
