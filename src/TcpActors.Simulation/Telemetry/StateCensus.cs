using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// Endpoints per TCP state in one shard, with exact high-water marks (DESIGN.md §7 <c>peaks</c>):
/// the run's peak of every state and the first virtual time it was reached, and the minimum and
/// maximum within the current sample interval. A state's count is judged at each instant of
/// virtual time, once every event of that instant has run — so an endpoint that passes through
/// a state within one instant (ESTABLISHED on its way to FIN_WAIT_1) does not make a peak, and
/// the result does not depend on the order events of one instant ran in, which shards do not
/// share. Every change is O(1) and allocation-free: it marks its states dirty, and the first
/// change of the next instant settles the dirty ones.
/// </summary>
/// <remarks>
/// With several shards in one run, the sum's high-water marks are not the sum of the shards'
/// (the max of a sum is not the sum of maxima), so each shard also logs every settled
/// (instant, state, count) of the interval in <see cref="Steps"/>; <see cref="RunCensus"/>
/// merges the shards' logs in time order at each sample boundary and discards them.
/// </remarks>
internal sealed class StateCensus
{
    private const int States = TcpStateNames.Count;

    /// <summary>Endpoints (and listeners) per state now, indexed by <see cref="TcpState"/>.</summary>
    public readonly long[] Counts = new long[States];

    private readonly long[] _min = new long[States];
    private readonly long[] _max = new long[States];
    private readonly long[] _peak = new long[States];
    private readonly long[] _peakAtTicks = new long[States];

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
        Counts[(int)state]++;
        _dirty |= 1 << (int)state;
    }

    /// <summary>One endpoint leaves <paramref name="state"/> at <paramref name="nowTicks"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Leave(long nowTicks, TcpState state)
    {
        if (nowTicks != _instant) Settle(nowTicks);
        Counts[(int)state]--;
        _dirty |= 1 << (int)state;
        Debug.Assert(Counts[(int)state] >= 0, $"negative count for {state}");
    }

    /// <summary>One endpoint moves from <paramref name="from"/> to <paramref name="to"/> at <paramref name="nowTicks"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Move(long nowTicks, TcpState from, TcpState to)
    {
        if (nowTicks != _instant) Settle(nowTicks);
        Counts[(int)from]--;
        Counts[(int)to]++;
        _dirty |= (1 << (int)from) | (1 << (int)to);
        Debug.Assert(Counts[(int)from] >= 0, $"negative count for {from}");
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
            if (c > _max[s]) _max[s] = c;
            if (c < _min[s]) _min[s] = c;
            if (c > _peak[s])
            {
                _peak[s] = c;
                _peakAtTicks[s] = _instant;
            }
            Steps?.Add(_instant, s, c);
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
        for (int s = 0; s < States; s++)
        {
            min[s] = _min[s];
            max[s] = _max[s];
            _min[s] = _max[s] = Counts[s];
        }
    }

    /// <summary>
    /// Starts the run: the counts at t = 0 before any event (listeners, made when the shard was
    /// built) are the first interval's bounds.
    /// </summary>
    public void Begin()
    {
        Commit();
        for (int s = 0; s < States; s++) _min[s] = _max[s] = Counts[s];
    }

    /// <summary>The highest count <paramref name="state"/> had at any instant so far, and the first instant it had it.</summary>
    public (long Count, TimeSpan At) Peak(TcpState state) => (_peak[(int)state], TimeSpan.FromTicks(_peakAtTicks[(int)state]));
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

    public void Add(long ticks, int state, long count)
    {
        if (Length == _ticks.Length)
        {
            Array.Resize(ref _ticks, Length * 2);
            Array.Resize(ref _stateCounts, Length * 2);
        }
        _ticks[Length] = ticks;
        // A count never reaches 2^59: the state fits in the low four bits.
        _stateCounts[Length] = (count << 4) | (uint)state;
        Length++;
    }

    public long TicksAt(int i) => _ticks[i];

    public int StateAt(int i) => (int)(_stateCounts[i] & 0xF);

    public long CountAt(int i) => _stateCounts[i] >> 4;

    public void Clear() => Length = 0;
}
