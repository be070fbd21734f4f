using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TcpActors.Simulation.Network;

/// <summary>
/// The network's verdict on one segment: its fate, the cause of a drop, when it arrives, and
/// whether a duplicate follows (and when). A small value: deciding allocates nothing.
/// </summary>
[StructLayout(LayoutKind.Auto)]
[DebuggerDisplay("{Fate} {Cause} at {DeliverAt} dup={Duplicates}")]
public readonly record struct LinkDecision
{
    /// <summary>Deliver, drop or corrupt.</summary>
    public SegmentFate Fate { get; init; }
    /// <summary>Why it was dropped; <see cref="DropCause.None"/> otherwise.</summary>
    public DropCause Cause { get; init; }
    /// <summary>Arrival time of the segment (meaningless when dropped).</summary>
    public TimeSpan DeliverAt { get; init; }
    /// <summary>How many extra copies arrive (0 or 1, as netem).</summary>
    public byte Duplicates { get; init; }
    /// <summary>Arrival time of the copy, when <see cref="Duplicates"/> is 1. The copy is intact.</summary>
    public TimeSpan DuplicateDeliverAt { get; init; }
    /// <summary>True when the segment skipped the delay queue (<c>reorder</c>).</summary>
    public bool Reordered { get; init; }

    /// <summary>True when the segment does not arrive at all.</summary>
    public bool IsDropped => Fate == SegmentFate.Drop;

    /// <summary>A drop for <paramref name="cause"/>.</summary>
    public static LinkDecision Dropped(DropCause cause) => new() { Fate = SegmentFate.Drop, Cause = cause };
}
