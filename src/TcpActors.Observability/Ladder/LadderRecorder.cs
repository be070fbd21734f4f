using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Ladder;

/// <summary>
/// Keeps the traced couples' events in memory as <see cref="CoupleLadder"/>s, for the ladder
/// diagrams of report.html. Bounded: at most <see cref="MaxCouples"/> couples and
/// <see cref="MaxEventsPerCouple"/> events each (a couple that keeps retransmitting for minutes
/// is cut short, and the cut is counted), so recording is cheap whatever the run.
/// </summary>
public sealed class LadderRecorder : ITraceSink
{
    private readonly Dictionary<int, CoupleLadder> _couples = [];

    /// <summary>Records up to <paramref name="maxCouples"/> couples of up to <paramref name="maxEventsPerCouple"/> events.</summary>
    public LadderRecorder(int maxCouples = 10, int maxEventsPerCouple = 400)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCouples);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventsPerCouple, 1);
        MaxCouples = maxCouples;
        MaxEventsPerCouple = maxEventsPerCouple;
    }

    /// <summary>The most couples kept (the first ones traced).</summary>
    public int MaxCouples { get; }

    /// <summary>The most events kept per couple.</summary>
    public int MaxEventsPerCouple { get; }

    /// <summary>The recorded couples, by couple index.</summary>
    public IReadOnlyList<CoupleLadder> Ladders
    {
        get
        {
            var list = new List<CoupleLadder>(_couples.Values);
            list.Sort((a, b) => a.Couple.CompareTo(b.Couple));
            return list;
        }
    }

    /// <inheritdoc />
    public void State(TimeSpan t, int couple, TraceSide side, TcpState from, TcpState to) =>
        Keep(couple, LadderEvent.OfState(t, side, from, to));

    /// <inheritdoc />
    public void Segment(TimeSpan t, int couple, LinkDirection direction, in Segment segment, TraceFate fate) =>
        Keep(couple, LadderEvent.OfSegment(t, direction, segment.Flags, segment.Seq.Value, segment.Ack.Value, segment.PayloadLength, fate));

    /// <inheritdoc />
    public void Outcome(TimeSpan t, int couple, TraceSide side, CoupleOutcome outcome) =>
        Keep(couple, LadderEvent.OfOutcome(t, side, outcome));

    /// <inheritdoc />
    public void Flush() { }

    private void Keep(int couple, in LadderEvent e)
    {
        if (!_couples.TryGetValue(couple, out var ladder))
        {
            if (_couples.Count >= MaxCouples) return;
            ladder = new CoupleLadder(couple);
            _couples.Add(couple, ladder);
        }
        if (ladder.Events.Count < MaxEventsPerCouple) ladder.Add(e);
        else ladder.Omit();
    }
}
