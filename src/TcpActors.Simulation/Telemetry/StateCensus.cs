using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// Endpoints per TCP state in one shard, with exact high-water marks (DESIGN.md §7 <c>peaks</c>):
/// the run's peak of every state and the first virtual time it was reached, and the minimum and
/// maximum within the current sample interval. A state's count at an instant of virtual time is
/// judged once every event of that instant has run — the count before the instant or after it,
/// whichever is higher — plus every endpoint that passed through the state within the instant
/// (entered and left it in zero virtual time, as a storm's CLOSE_WAIT when the application closes
/// on end-of-file at once): those were in it at that instant too. So a state held for no time
/// still shows, and the result does not depend on the order the events of one instant ran in,
/// which shards do not share. CLOSED is not a TCP state a connection rests in (RFC 9293 §3.3.2:
/// it is "fictional") and an endpoint passing through it is not counted. Every change is O(1)
/// and allocation-free: it marks its states dirty, and the first change of the next instant
/// settles the dirty ones.
/// </summary>
/// <remarks>
/// With several shards in one run, the sum's high-water marks are not the sum of the shards'
/// (the max of a sum is not the sum of maxima), so each shard also logs every settled
/// (instant, state, count) of the interval, and its pass-throughs, in <see cref="Steps"/>;
/// <see cref="RunCensus"/> merges the shards' logs in time order at each sample boundary and
/// discards them.
/// </remarks>
internal sealed class StateCensus
{
    private const int States = TcpStateNames.Count;

    /// <summary>Endpoints (and listeners) per state now, indexed by <see cref="TcpState"/>.</summary>
    public readonly long[] Counts = new long[States];

    private readonly CensusMarks _marks = new();
    /// <summary>A dirty state's count before the current instant.</summary>
    private readonly long[] _before = new long[States];
    /// <summary>Endpoints that entered and left a state within the current instant.</summary>
    private readonly long[] _passed = new long[States];

    /// <summary>The instant (ticks) the unsettled changes belong to.</summary>
    private long _instant;

    /// <summary>One bit per state changed in <see cref="_instant"/> and not yet settled.</summary>
    private int _dirty;

    /// <summary>The settled steps of the current interval, or null when nobody merges them (one shard).</summary>
    public CensusSteps? Steps { get; set; }

    /// <summary>One endpoint enters <paramref name="state"/> at <paramref name="nowTicks"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter(long nowTicks, TcpState state)
    {
        if (nowTicks != _instant) Settle(nowTicks);
        Touch((int)state);
        Counts[(int)state]++;
    }

    /// <summary>One endpoint leaves <paramref name="state"/> at <paramref name="nowTicks"/>;
    /// <paramref name="passed"/>: it entered the state within this same instant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Leave(long nowTicks, TcpState state, bool passed = false)
    {
        if (nowTicks != _instant) Settle(nowTicks);
        Touch((int)state);
        Counts[(int)state]--;
        if (passed) _passed[(int)state]++;
        Debug.Assert(Counts[(int)state] >= 0, $"negative count for {state}");
    }

    /// <summary>One endpoint moves from <paramref name="from"/> to <paramref name="to"/> at <paramref name="nowTicks"/>;
    /// <paramref name="passed"/>: it entered <paramref name="from"/> within this same instant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Move(long nowTicks, TcpState from, TcpState to, bool passed = false)
    {
        if (nowTicks != _instant) Settle(nowTicks);
        Touch((int)from);
        Touch((int)to);
        Counts[(int)from]--;
        Counts[(int)to]++;
        if (passed) _passed[(int)from]++;
        Debug.Assert(Counts[(int)from] >= 0, $"negative count for {from}");
    }

    /// <summary>Marks a state changed in this instant, keeping its count from before the instant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Touch(int state)
    {
        int bit = 1 << state;
        if ((_dirty & bit) != 0) return;
        _dirty |= bit;
        _before[state] = Counts[state];
    }

    private void Settle(long nextInstant)
    {
        Commit();
        _instant = nextInstant;
    }

    /// <summary>Judges the counts of the current instant: it is over (time moved on, or a sample is due).</summary>
    private void Commit()
    {
        int dirty = _dirty;
        _dirty = 0;
        while (dirty != 0)
        {
            int s = BitOperations.TrailingZeroCount(dirty);
            dirty &= dirty - 1;
            long c = Counts[s];
            long passed = _passed[s];
            _passed[s] = 0;
            _marks.Judge(s, _instant, _before[s], c, passed);
            Steps?.Add(_instant, s, c);
            if (passed != 0) Steps?.AddPassed(_instant, s, passed);
        }
    }

    /// <summary>
    /// Ends the sample interval at <paramref name="nowTicks"/> (every event up to it has run):
    /// copies the interval's exact minimum and maximum per state and starts the next interval
    /// from the counts now. The first interval (row 0) is the single instant t = 0.
    /// </summary>
    public void EndInterval(long nowTicks, Span<long> min, Span<long> max)
    {
        if (nowTicks != _instant) Settle(nowTicks);
        Commit();
        _marks.Min.CopyTo(min);
        _marks.Max.CopyTo(max);
        _marks.StartInterval(Counts);
    }

    /// <summary>
    /// Starts the run: the counts at t = 0 before any event (listeners, made when the shard was
    /// built) are the first interval's bounds.
    /// </summary>
    public void Begin()
    {
        Commit();
        _marks.StartInterval(Counts);
    }

    /// <summary>The highest count <paramref name="state"/> had at any instant so far, and the first instant it had it.</summary>
    public (long Count, TimeSpan At) Peak(TcpState state) => _marks.Peak(state);
}

/// <summary>
/// The settled (instant, state, count) steps of one shard in one sample interval, in time order:
/// flat arrays reused from interval to interval, so logging costs no allocation once they have
/// grown to the busiest interval.
/// </summary>
internal sealed class CensusSteps
{
    private long[] _ticks = new long[1024];
    private long[] _stateCounts = new long[1024];

    /// <summary>Steps logged.</summary>
    public int Length { get; private set; }

    /// <summary>The state's count settled at the instant.</summary>
    public void Add(long ticks, int state, long count) => Append(ticks, state, count);

    /// <summary>How many endpoints passed through the state within the instant (logged after its count).</summary>
    public void AddPassed(long ticks, int state, long passed) => Append(ticks, state | PassedBit, passed);

    private const int PassedBit = 0x10;

    private void Append(long ticks, int stateAndKind, long count)
    {
        if (Length == _ticks.Length)
        {
            Array.Resize(ref _ticks, Length * 2);
            Array.Resize(ref _stateCounts, Length * 2);
        }
        _ticks[Length] = ticks;
        // A count never reaches 2^58: the state and the kind of step fit in the low five bits.
        _stateCounts[Length] = (count << 5) | (uint)stateAndKind;
        Length++;
    }

    public long TicksAt(int i) => _ticks[i];

    public int StateAt(int i) => (int)(_stateCounts[i] & 0xF);

    /// <summary>True for a step of <see cref="AddPassed"/>: <see cref="CountAt"/> is then the endpoints that passed through.</summary>
    public bool IsPassed(int i) => (_stateCounts[i] & PassedBit) != 0;

    public long CountAt(int i) => _stateCounts[i] >> 5;

    public void Clear() => Length = 0;
}
