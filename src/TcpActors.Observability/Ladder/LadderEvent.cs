using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Ladder;

/// <summary>
/// One trace event of a couple, as a ladder diagram draws it: a state on one side, an arrow
/// across (flags, seq, ack, len and what the network did with it), or the couple's outcome.
/// Fields that do not belong to <see cref="Kind"/> are left at their defaults.
/// </summary>
public readonly record struct LadderEvent
{
    /// <summary>Virtual time; for a segment, when it was sent.</summary>
    public TimeSpan T { get; init; }
    /// <summary>State change, segment or outcome.</summary>
    public LadderEventKind Kind { get; init; }
    /// <summary>The side of a state change or an outcome.</summary>
    public TraceSide Side { get; init; }
    /// <summary>State before the change.</summary>
    public TcpState From { get; init; }
    /// <summary>State after the change.</summary>
    public TcpState To { get; init; }
    /// <summary>Which way a segment went.</summary>
    public LinkDirection Direction { get; init; }
    /// <summary>A segment's control bits.</summary>
    public TcpFlags Flags { get; init; }
    /// <summary>A segment's sequence number.</summary>
    public uint Seq { get; init; }
    /// <summary>A segment's acknowledgment number.</summary>
    public uint Ack { get; init; }
    /// <summary>A segment's payload length in bytes.</summary>
    public int Length { get; init; }
    /// <summary>What the network did with a segment.</summary>
    public TraceFate Fate { get; init; }
    /// <summary>How the couple ended.</summary>
    public CoupleOutcome Outcome { get; init; }

    /// <summary>The side that sent a segment.</summary>
    public TraceSide Sender => Direction == LinkDirection.ClientToServer ? TraceSide.Client : TraceSide.Server;

    /// <summary>A state change.</summary>
    public static LadderEvent OfState(TimeSpan t, TraceSide side, TcpState from, TcpState to) =>
        new() { T = t, Kind = LadderEventKind.State, Side = side, From = from, To = to };

    /// <summary>A segment sent.</summary>
    public static LadderEvent OfSegment(TimeSpan t, LinkDirection direction, TcpFlags flags, uint seq, uint ack, int length, TraceFate fate) =>
        new() { T = t, Kind = LadderEventKind.Segment, Direction = direction, Flags = flags, Seq = seq, Ack = ack, Length = length, Fate = fate };

    /// <summary>An outcome.</summary>
    public static LadderEvent OfOutcome(TimeSpan t, TraceSide side, CoupleOutcome outcome) =>
        new() { T = t, Kind = LadderEventKind.Outcome, Side = side, Outcome = outcome };

    /// <summary>A segment's label as the trace spells it: <c>SYN,ACK seq=5000 ack=1001</c>, plus <c>len=N</c> when it carries data.</summary>
    public string SegmentLabel =>
        Length > 0 ? $"{Flags.ToWireshark()} seq={Seq} ack={Ack} len={Length}" : $"{Flags.ToWireshark()} seq={Seq} ack={Ack}";
}
