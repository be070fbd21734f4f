using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tracing;

/// <summary>
/// Holds one shard's trace events while several shards run at once, so they can be written in
/// virtual-time order afterwards (<see cref="ReplayMerged"/>). Only the traced couples' events
/// are kept — by default ten couples — so this stays small.
/// </summary>
internal sealed class BufferedTrace : ITraceSink
{
    private enum Kind : byte { State, Segment, Outcome }

    private readonly record struct Entry(TimeSpan T, Kind Kind, int Couple, TraceSide Side, TcpState From, TcpState To,
        LinkDirection Direction, Segment Segment, TraceFate Fate, CoupleOutcome Outcome);

    private readonly List<Entry> _entries = [];

    public void State(TimeSpan t, int couple, TraceSide side, TcpState from, TcpState to) =>
        _entries.Add(new Entry(t, Kind.State, couple, side, from, to, default, default, default, default));

    public void Segment(TimeSpan t, int couple, LinkDirection direction, in Segment segment, TraceFate fate) =>
        _entries.Add(new Entry(t, Kind.Segment, couple, default, default, default, direction, segment, fate, default));

    public void Outcome(TimeSpan t, int couple, TraceSide side, CoupleOutcome outcome) =>
        _entries.Add(new Entry(t, Kind.Outcome, couple, side, default, default, default, default, default, outcome));

    public void Flush() { }

    /// <summary>Writes the shards' events to <paramref name="sink"/> ordered by (time, shard, order within the shard).</summary>
    public static void ReplayMerged(IReadOnlyList<BufferedTrace> shards, ITraceSink sink)
    {
        var cursors = new int[shards.Count];
        while (true)
        {
            int best = -1;
            for (int s = 0; s < shards.Count; s++)
            {
                if (cursors[s] >= shards[s]._entries.Count) continue;
                if (best < 0 || shards[s]._entries[cursors[s]].T < shards[best]._entries[cursors[best]].T) best = s;
            }
            if (best < 0) break;
            Entry e = shards[best]._entries[cursors[best]++];
            switch (e.Kind)
            {
                case Kind.State: sink.State(e.T, e.Couple, e.Side, e.From, e.To); break;
                case Kind.Segment: sink.Segment(e.T, e.Couple, e.Direction, e.Segment, e.Fate); break;
                default: sink.Outcome(e.T, e.Couple, e.Side, e.Outcome); break;
            }
        }
        sink.Flush();
    }
}
