using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// The run's census (DESIGN.md §7): one time-series row per sample with each state's count and
/// its exact minimum and maximum within the interval the sample ends, and each state's exact peak
/// over the run — for the whole run, whatever the number of shards.
/// </summary>
/// <remarks>
/// One shard: its <see cref="StateCensus"/> is exact on its own and its rows are taken as they
/// come. Several shards: the max of a sum is not the sum of maxima, so every shard logs its
/// settled steps during an interval, and when the last shard has ended that interval the logs
/// are merged in time order into the step function of the sum, which gives the exact bounds and
/// peaks; then the logs are reused. A shard may run at most <see cref="Lead"/> intervals ahead
/// of the slowest, so the logs held stay bounded; a shard waits, never a sample. Shards taking
/// turns on one thread are never more than one interval apart, so the wait cannot deadlock.
/// </remarks>
internal sealed class RunCensus
{
    private const int States = TcpStateNames.Count;

    /// <summary>Intervals a shard may run ahead of the slowest shard before it waits.</summary>
    public const int Lead = 4;

    private readonly int _shards;
    private readonly object _lock = new();
    private readonly Queue<Interval>[] _pending;
    private readonly bool[] _finished;
    private readonly Stack<CensusSteps> _spare = new();
    private readonly long[,] _current;
    private readonly long[] _sum = new long[States];
    private readonly long[] _min = new long[States];
    private readonly long[] _max = new long[States];
    private readonly long[] _peak = new long[States];
    private readonly long[] _peakAtTicks = new long[States];
    private readonly int[] _head;
    private readonly CensusSteps?[] _merging;
    private StateCensus? _only;

    public RunCensus(int shards)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards));
        _shards = shards;
        _pending = new Queue<Interval>[shards];
        for (int i = 0; i < shards; i++) _pending[i] = new Queue<Interval>();
        _finished = new bool[shards];
        _current = new long[shards, States];
        _head = new int[shards];
        _merging = new CensusSteps?[shards];
    }

    /// <summary>The merged rows, in sample order.</summary>
    public TimeSeries Series { get; } = new();

    private readonly record struct Interval(long Ticks, CensusSteps Steps);

    /// <summary>Readies shard <paramref name="slot"/>'s census before its first change is settled.</summary>
    public void Attach(int slot, StateCensus census)
    {
        if (_shards == 1) _only = census;
        else lock (_lock) census.Steps = Take();
        census.Begin();
    }

    /// <summary>
    /// Shard <paramref name="slot"/> has run every event up to <paramref name="t"/> (a sample
    /// time): its interval ends. With several shards it may wait here for the slowest one.
    /// </summary>
    public void EndInterval(int slot, TimeSpan t, StateCensus census)
    {
        if (_shards == 1)
        {
            Span<long> min = stackalloc long[States];
            Span<long> max = stackalloc long[States];
            census.EndInterval(t.Ticks, min, max);
            Series.Add(t, census.Counts, min, max);
            return;
        }
        census.EndInterval(t.Ticks, stackalloc long[States], stackalloc long[States]);
        lock (_lock)
        {
            _pending[slot].Enqueue(new Interval(t.Ticks, census.Steps!));
            census.Steps = Take();
            MergeReady();
            int mine = Series.Rows + _pending[slot].Count;
            while (mine > Series.Rows + Lead && !AnyFinished()) Monitor.Wait(_lock);
        }
    }

    /// <summary>Shard <paramref name="slot"/> will end no more intervals (its run is over, interrupted or failed).</summary>
    public void Finish(int slot)
    {
        if (_shards == 1) return;
        lock (_lock)
        {
            _finished[slot] = true;
            MergeReady();
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Each state's exact peak over the run and the first instant it was reached.</summary>
    public (long Count, TimeSpan At) Peak(TcpState state)
    {
        if (_only is not null) return _only.Peak(state);
        lock (_lock) return (_peak[(int)state], TimeSpan.FromTicks(_peakAtTicks[(int)state]));
    }

    private bool AnyFinished()
    {
        foreach (bool f in _finished) if (f) return true;
        return false;
    }

    private CensusSteps Take() => _spare.Count > 0 ? _spare.Pop() : new CensusSteps();

    /// <summary>Merges every interval all shards have ended (a finished shard holds its last counts).</summary>
    private void MergeReady()
    {
        while (true)
        {
            long ticks = -1;
            bool any = false;
            for (int i = 0; i < _shards; i++)
            {
                if (_pending[i].Count > 0)
                {
                    any = true;
                    ticks = _pending[i].Peek().Ticks;
                }
                else if (!_finished[i]) return;
            }
            if (!any) return;
            Merge(ticks);
        }
    }

    private void Merge(long endTicks)
    {
        bool first = Series.Rows == 0;
        for (int s = 0; s < States; s++) _min[s] = _max[s] = _sum[s];
        CensusSteps?[] steps = _merging;
        for (int i = 0; i < _shards; i++)
        {
            steps[i] = _pending[i].Count > 0 ? _pending[i].Dequeue().Steps : null;
            _head[i] = 0;
        }
        // The shards' steps in time order: one instant at a time, every shard's steps of that
        // instant applied before the sum is judged (DESIGN.md §7: the count at an instant).
        while (true)
        {
            long instant = long.MaxValue;
            for (int i = 0; i < _shards; i++)
            {
                if (steps[i] is { } log && _head[i] < log.Length && log.TicksAt(_head[i]) < instant) instant = log.TicksAt(_head[i]);
            }
            if (instant == long.MaxValue) break;
            int dirty = 0;
            for (int i = 0; i < _shards; i++)
            {
                if (steps[i] is not { } log) continue;
                int h = _head[i];
                for (; h < log.Length && log.TicksAt(h) == instant; h++)
                {
                    int s = log.StateAt(h);
                    long c = log.CountAt(h);
                    _sum[s] += c - _current[i, s];
                    _current[i, s] = c;
                    dirty |= 1 << s;
                }
                _head[i] = h;
            }
            for (int s = 0; s < States; s++)
            {
                if ((dirty & (1 << s)) == 0) continue;
                long c = _sum[s];
                if (c > _max[s]) _max[s] = c;
                if (c < _min[s]) _min[s] = c;
                if (c > _peak[s])
                {
                    _peak[s] = c;
                    _peakAtTicks[s] = instant;
                }
            }
        }
        // Row 0 is the single instant t = 0: its bounds are its counts.
        if (first) for (int s = 0; s < States; s++) _min[s] = _max[s] = _sum[s];
        Series.Add(TimeSpan.FromTicks(endTicks), _sum, _min, _max);
        foreach (CensusSteps? log in steps)
        {
            if (log is null) continue;
            log.Clear();
            _spare.Push(log);
        }
        Monitor.PulseAll(_lock);
    }
}
