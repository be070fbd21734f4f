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
    private readonly CensusMarks _marks = new();
    private readonly long[] _before = new long[States];
    private readonly long[] _passed = new long[States];
    private readonly int[] _head;
    private readonly int[] _end;
    private readonly CensusSteps?[] _merging;
    private StateCensus? _only;

    /// <param name="shards">Shards of this run that end intervals here.</param>
    /// <param name="keepSteps">Keep the one shard's steps of the whole run (<see cref="Kept"/>): it is one
    /// shard of several run apart (<c>--shard i/N</c>), and <c>tcpactors merge</c> needs them to be exact.</param>
    public RunCensus(int shards, bool keepSteps = false)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards));
        _shards = shards;
        _pending = new Queue<Interval>[shards];
        for (int i = 0; i < shards; i++) _pending[i] = new Queue<Interval>();
        _finished = new bool[shards];
        _current = new long[shards, States];
        _head = new int[shards];
        _merging = new CensusSteps?[shards];
        _end = new int[shards];
        if (keepSteps && shards == 1) Kept = new CensusRecord();
    }

    /// <summary>The whole run's steps of a shard run apart, or null.</summary>
    public CensusRecord? Kept { get; }

    /// <summary>Rows the run's series holds for the charts (<see cref="TimeSeries"/> merges neighbours beyond).</summary>
    public const int ChartRows = 4096;

    /// <summary>The merged rows, in sample order: every one goes to the series' sink; a bounded copy stays.</summary>
    public TimeSeries Series { get; private init; } = new(ChartRows);

    private readonly record struct Interval(long Ticks, CensusSteps Steps);

    /// <summary>Readies shard <paramref name="slot"/>'s census before its first change is settled.</summary>
    public void Attach(int slot, StateCensus census)
    {
        if (_shards == 1)
        {
            _only = census;
            census.Steps = Kept?.Steps;
        }
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
            Kept?.RowEnds.Add(Kept.Steps.Length);
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
        if (_shards == 1) return _marks.Peak(state);
        lock (_lock) return _marks.Peak(state);
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
        CensusSteps?[] steps = _merging;
        for (int i = 0; i < _shards; i++)
        {
            steps[i] = _pending[i].Count > 0 ? _pending[i].Dequeue().Steps : null;
            _head[i] = 0;
            _end[i] = steps[i]?.Length ?? 0;
        }
        MergeSteps(endTicks, steps);
        foreach (CensusSteps? log in steps)
        {
            if (log is null) continue;
            log.Clear();
            _spare.Push(log);
        }
        Monitor.PulseAll(_lock);
    }

    /// <summary>
    /// Merges the steps of shards run apart (<c>tcpactors merge</c>), row by row, exactly as the
    /// shards would have been merged in one process: <paramref name="rowTimes"/> are the sample
    /// times, <paramref name="records"/> each shard's kept steps in shard order.
    /// </summary>
    public static RunCensus MergeApart(IReadOnlyList<TimeSpan> rowTimes, IReadOnlyList<CensusRecord> records)
    {
        var census = new RunCensus(records.Count) { Series = new TimeSeries() };
        var steps = new CensusSteps?[records.Count];
        for (int i = 0; i < records.Count; i++) steps[i] = records[i].Steps;
        for (int row = 0; row < rowTimes.Count; row++)
        {
            for (int i = 0; i < records.Count; i++)
            {
                List<int> ends = records[i].RowEnds;
                census._head[i] = row == 0 ? 0 : ends[Math.Min(row, ends.Count) - 1];
                census._end[i] = row < ends.Count ? ends[row] : census._head[i];
            }
            census.MergeSteps(rowTimes[row].Ticks, steps);
        }
        return census;
    }

    private void MergeSteps(long endTicks, CensusSteps?[] steps)
    {
        bool first = Series.Rows == 0;
        _marks.StartInterval(_sum);
        // The shards' steps in time order: one instant at a time, every shard's steps of that
        // instant applied before the sum is judged (DESIGN.md §7: the count at an instant).
        while (true)
        {
            long instant = long.MaxValue;
            for (int i = 0; i < _shards; i++)
            {
                if (steps[i] is { } log && _head[i] < _end[i] && log.TicksAt(_head[i]) < instant) instant = log.TicksAt(_head[i]);
            }
            if (instant == long.MaxValue) break;
            int dirty = 0;
            for (int i = 0; i < _shards; i++)
            {
                if (steps[i] is not { } log) continue;
                int h = _head[i];
                for (; h < _end[i] && log.TicksAt(h) == instant; h++)
                {
                    int s = log.StateAt(h);
                    if ((dirty & (1 << s)) == 0)
                    {
                        dirty |= 1 << s;
                        _before[s] = _sum[s];
                        _passed[s] = 0;
                    }
                    long c = log.CountAt(h);
                    if (log.IsPassed(h))
                    {
                        _passed[s] += c;
                        continue;
                    }
                    _sum[s] += c - _current[i, s];
                    _current[i, s] = c;
                }
                _head[i] = h;
            }
            for (int s = 0; s < States; s++)
            {
                // As one shard judges it (StateCensus): the same rule, over the sum.
                if ((dirty & (1 << s)) != 0) _marks.Judge(s, instant, _before[s], _sum[s], _passed[s]);
            }
        }
        // Row 0 is the single instant t = 0: its bounds are its counts.
        if (first) _marks.StartInterval(_sum);
        Series.Add(TimeSpan.FromTicks(endTicks), _sum, _marks.Min, _marks.Max);
    }
}

/// <summary>
/// Every settled step of one shard over a whole run, and where each sample interval ends in it:
/// what a shard run apart (<c>--shard i/N</c>) leaves in its run directory
/// (<c>census-steps.bin</c>) so that <c>tcpactors merge</c> can merge the shards' step functions
/// exactly (DESIGN.md §7 peaks).
/// </summary>
public sealed class CensusRecord
{
    internal CensusSteps Steps { get; } = new();

    /// <summary>For each sample row, the number of steps logged up to its end.</summary>
    internal List<int> RowEnds { get; } = [];

    private const int Magic = 0x53435443; // "CTCS"

    /// <summary>Writes the record (little-endian: magic, steps, rows; then the steps; then the row ends).</summary>
    public void Write(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Steps.Length);
        w.Write(RowEnds.Count);
        for (int i = 0; i < Steps.Length; i++)
        {
            w.Write(Steps.TicksAt(i));
            w.Write((byte)(Steps.StateAt(i) | (Steps.IsPassed(i) ? 0x10 : 0)));
            w.Write(Steps.CountAt(i));
        }
        foreach (int end in RowEnds) w.Write(end);
    }

    /// <summary>Reads a record written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">Not a census record, or cut short.</exception>
    public static CensusRecord Read(Stream stream)
    {
        try
        {
            using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            if (r.ReadInt32() != Magic) throw new InvalidDataException("not a census steps file");
            int steps = r.ReadInt32();
            int rows = r.ReadInt32();
            if (steps < 0 || rows < 0) throw new InvalidDataException("negative lengths");
            var record = new CensusRecord();
            for (int i = 0; i < steps; i++)
            {
                long ticks = r.ReadInt64();
                int kind = r.ReadByte();
                long count = r.ReadInt64();
                int state = kind & 0xF;
                if (state >= TcpStateNames.Count || (kind & ~0x1F) != 0) throw new InvalidDataException($"step {i}: no state {kind}");
                if ((kind & 0x10) != 0) record.Steps.AddPassed(ticks, state, count);
                else record.Steps.Add(ticks, state, count);
            }
            for (int i = 0; i < rows; i++)
            {
                int end = r.ReadInt32();
                if (end < 0 || end > steps) throw new InvalidDataException($"row {i}: end {end} outside the steps");
                record.RowEnds.Add(end);
            }
            return record;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("census steps file cut short");
        }
    }
}
