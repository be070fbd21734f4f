using TcpActors.Simulation.Network;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Ladder;

/// <summary>
/// The life of one traced couple as a ladder diagram: client and server columns, the events in
/// virtual-time order. The picture of the seed stories — SYN, SYN-ACK, ACK across; FIN_WAIT_1,
/// CLOSE_WAIT, TIME_WAIT down the sides. Drawn by <see cref="LadderText"/> (terminal) and
/// <see cref="LadderSvg"/> (report.html).
/// </summary>
public sealed class CoupleLadder
{
    private readonly List<LadderEvent> _events = [];

    /// <summary>An empty ladder for <paramref name="couple"/>.</summary>
    public CoupleLadder(int couple) => Couple = couple;

    /// <summary>The couple's index in the run.</summary>
    public int Couple { get; }

    /// <summary>The events, in the order they happened.</summary>
    public IReadOnlyList<LadderEvent> Events => _events;

    /// <summary>Events seen but not kept (over a recorder's limit).</summary>
    public long Omitted { get; private set; }

    /// <summary>Appends an event.</summary>
    public void Add(in LadderEvent e) => _events.Add(e);

    /// <summary>Counts an event that was not kept.</summary>
    public void Omit() => Omitted++;

    /// <summary>The state <paramref name="side"/> was in before its first change (CLOSED for a client, LISTEN for a server when the trace does not say).</summary>
    public TcpState InitialState(TraceSide side)
    {
        foreach (var e in _events)
        {
            if (e.Kind == LadderEventKind.State && e.Side == side) return e.From;
        }
        return side == TraceSide.Client ? TcpState.Closed : TcpState.Listen;
    }

    /// <summary>Segments the network did not deliver once and intact (dropped, corrupted or duplicated).</summary>
    public int SegmentsHurt
    {
        get
        {
            int n = 0;
            foreach (var e in _events)
            {
                if (e.Kind == LadderEventKind.Segment && e.Fate != TraceFate.Delivered) n++;
            }
            return n;
        }
    }

    /// <summary>Segments in <paramref name="direction"/>.</summary>
    public int SegmentsIn(LinkDirection direction)
    {
        int n = 0;
        foreach (var e in _events)
        {
            if (e.Kind == LadderEventKind.Segment && e.Direction == direction) n++;
        }
        return n;
    }
}
