using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;

namespace TcpActors.Simulation.Model;

/// <summary>
/// Every couple's one outcome, by its global index (DESIGN.md §3.1). Both sides report reasons
/// (refused, reset, timed out, aborted, crashed, no port) as they happen; a couple ends when its
/// client endpoint is gone. The outcome is the earliest reason by virtual time, the client's
/// before the server's at the same instant, and <see cref="CoupleOutcome.Completed"/> when there
/// is none. A couple is settled once the instant it ended is over, so neither the order the
/// events of one instant ran in nor which side's news came first decides it — the rule a run cut
/// across shards (or machines) needs to give the same outcomes.
/// </summary>
internal sealed class CoupleLedger
{
    /// <summary>Couples whose client is gone (their outcome pending or settled).</summary>
    private readonly bool[] _ended;
    /// <summary>The earliest reason so far, as outcome + 1 (0: none).</summary>
    private readonly byte[] _reason;
    /// <summary>When that reason came: ticks · 2 + side (client 0, server 1), the order reasons are compared in.</summary>
    private readonly long[] _reasonKey;
    private readonly ITraceSink? _trace;
    private readonly int _traceCouples;

    /// <summary>Couples that ended in <see cref="_pendingInstant"/>, not settled yet.</summary>
    private readonly List<int> _pending = [];
    private long _pendingInstant;

    public CoupleLedger(int couples, ITraceSink? trace, int traceCouples)
    {
        _ended = new bool[couples];
        _reason = new byte[couples];
        _reasonKey = new long[couples];
        _trace = trace is null ? null : new SettlingTrace(this, trace);
        _traceCouples = trace is null ? 0 : traceCouples;
    }

    /// <summary>Settled couples per <see cref="CoupleOutcome"/>.</summary>
    public long[] Outcomes { get; } = new long[CoupleOutcomeNames.Count];

    /// <summary>Couples opened (their client asked for a port).</summary>
    public long Opened { get; private set; }

    /// <summary>Couples given a second end (a bug: DESIGN.md §9).</summary>
    public long DoubleOutcomes { get; private set; }

    public long Settled
    {
        get
        {
            long sum = 0;
            foreach (long count in Outcomes) sum += count;
            return sum;
        }
    }

    public bool IsTraced(int couple) => couple >= 0 && couple < _traceCouples;

    /// <summary>The run's trace, through which the model writes every line: a line of a later
    /// instant first settles the couples that ended before it, so the trace stays in time order.</summary>
    public ITraceSink? Trace => _trace;

    /// <summary>The couple's client connects now.</summary>
    public void Open() => Opened++;

    /// <summary>A side of the couple met <paramref name="outcome"/>'s reason at <paramref name="now"/>.</summary>
    public void Reason(int couple, CoupleOutcome outcome, TimeSpan now, TraceSide side)
    {
        if (couple < 0) return;
        SettleBefore(now.Ticks);
        long key = now.Ticks * 2 + (side == TraceSide.Server ? 1 : 0);
        if (_reason[couple] != 0 && _reasonKey[couple] <= key) return;
        _reason[couple] = (byte)(outcome + 1);
        _reasonKey[couple] = key;
    }

    /// <summary>The earliest reason reported so far, if any.</summary>
    public CoupleOutcome? ReasonOf(int couple) => _reason[couple] == 0 ? null : (CoupleOutcome)(_reason[couple] - 1);

    /// <summary>The couple's client is gone (or never got a port): its outcome is settled once this instant is over.</summary>
    public void End(int couple, TimeSpan now)
    {
        SettleBefore(now.Ticks);
        if (_ended[couple])
        {
            DoubleOutcomes++;
            return;
        }
        _ended[couple] = true;
        _pendingInstant = now.Ticks;
        _pending.Add(couple);
    }

    /// <summary>Settles every couple that ended by <paramref name="now"/> (the instant is over: a sample or the run's end).</summary>
    public void Flush(TimeSpan now) => SettleBefore(now.Ticks + 1);

    private void SettleBefore(long ticks)
    {
        if (_pending.Count == 0 || _pendingInstant >= ticks) return;
        var at = new TimeSpan(_pendingInstant);
        foreach (int couple in _pending)
        {
            CoupleOutcome outcome = ReasonOf(couple) ?? CoupleOutcome.Completed;
            Outcomes[(int)outcome]++;
            if (IsTraced(couple)) ((SettlingTrace)_trace!).Inner.Outcome(at, couple, TraceSide.Client, outcome);
        }
        _pending.Clear();
    }

    private sealed class SettlingTrace(CoupleLedger ledger, ITraceSink inner) : ITraceSink
    {
        public ITraceSink Inner => inner;

        public void State(TimeSpan t, int couple, TraceSide side, Tcp.TcpState from, Tcp.TcpState to)
        {
            ledger.SettleBefore(t.Ticks);
            inner.State(t, couple, side, from, to);
        }

        public void Segment(TimeSpan t, int couple, Network.LinkDirection direction, in Tcp.Segment segment, TraceFate fate)
        {
            ledger.SettleBefore(t.Ticks);
            inner.Segment(t, couple, direction, segment, fate);
        }

        public void Outcome(TimeSpan t, int couple, TraceSide side, CoupleOutcome outcome)
        {
            ledger.SettleBefore(t.Ticks);
            inner.Outcome(t, couple, side, outcome);
        }

        public void Flush() => inner.Flush();
    }
}
