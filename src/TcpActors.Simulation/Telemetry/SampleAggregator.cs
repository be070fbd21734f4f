using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// Sums the samples of shards running in parallel into one <see cref="LiveSnapshot"/> per sample
/// and hands it to the observer once every shard has reached that sample. Each shard publishes
/// its samples in order, so snapshots come out in order; the observer is called under a lock,
/// never concurrently.
/// </summary>
internal sealed class SampleAggregator
{
    private readonly IRunObserver? _observer;
    private readonly int _shards;
    private readonly TimeSpan _duration;
    private readonly Dictionary<int, (int Count, LiveSnapshot Sum)> _pending = [];
    private readonly Lock _lock = new();

    public SampleAggregator(IRunObserver? observer, int shards, TimeSpan duration, bool keepSteps = false)
    {
        _observer = observer;
        _shards = shards;
        _duration = duration;
        Census = new RunCensus(shards, keepSteps);
    }

    /// <summary>The run's exact per-state census: rows, interval bounds and peaks, merged over the shards.</summary>
    public RunCensus Census { get; }

    public bool Enabled => _observer is not null;

    /// <summary>
    /// Where the census's rows go (<c>timeseries.csv</c>), or null. With an observer, each row's
    /// exact bounds are also kept until its sample is handed over, so the observer sees the
    /// same min and max as the CSV and the charts — merged over the shards, not summed.
    /// </summary>
    public ITimeSeriesSink? Sink
    {
        set => Census.Series.Sink = _observer is null ? value : new BoundsTee(this, value);
    }

    /// <summary>Bounds of merged rows whose sample is not handed over yet, by sample number.</summary>
    private readonly Dictionary<long, (long[] Min, long[] Max)> _bounds = [];
    private readonly Lock _boundsLock = new();
    private long _rowsMerged;

    /// <summary>One shard's sample number <paramref name="index"/>.</summary>
    public void Publish(int index, LiveSnapshot shardSample)
    {
        if (_observer is null) return;
        lock (_lock)
        {
            LiveSnapshot sum = _pending.TryGetValue(index, out var entry) ? Add(entry.Sum, shardSample) : shardSample;
            int count = entry.Count + 1;
            if (count < _shards)
            {
                _pending[index] = (count, sum);
                return;
            }
            _pending.Remove(index);
            // Every shard ended this interval before publishing it, so its row is merged by now.
            lock (_boundsLock)
            {
                if (_bounds.Remove(index, out var bounds))
                {
                    if (ReferenceEquals(sum, shardSample)) sum = Add(sum, null);
                    sum.StateMin = bounds.Min;
                    sum.StateMax = bounds.Max;
                }
            }
            _observer.OnSample(sum);
        }
    }

    /// <summary>The sum of two shards' samples; with <paramref name="b"/> null, a copy of <paramref name="a"/> (a shard's own sample is not changed).</summary>
    private LiveSnapshot Add(LiveSnapshot a, LiveSnapshot? b)
    {
        b ??= Zero;
        var states = new long[TcpStateNames.Count];
        for (int i = 0; i < states.Length; i++) states[i] = a.StateCounts[i] + b.StateCounts[i];
        return new LiveSnapshot
        {
            Now = a.Now, Duration = _duration, StateCounts = states,
            Segments = a.Segments + b.Segments, Resets = a.Resets + b.Resets,
            ConnectOutcomes = a.ConnectOutcomes + b.ConnectOutcomes,
            TimeWaitOverflow = a.TimeWaitOverflow + b.TimeWaitOverflow, Events = a.Events + b.Events,
            Outcomes = a.Outcomes + b.Outcomes, Wall = a.Wall > b.Wall ? a.Wall : b.Wall,
        };
    }

    private static readonly LiveSnapshot Zero = new()
    {
        Now = TimeSpan.Zero, Duration = TimeSpan.Zero, StateCounts = new long[TcpStateNames.Count],
        Segments = new SegmentCounts(), Resets = new ResetCounts(), ConnectOutcomes = new ConnectOutcomeCounts(),
        TimeWaitOverflow = 0, Events = 0,
    };

    /// <summary>Keeps each merged row's bounds for <see cref="Publish"/>, then passes the row on.</summary>
    private sealed class BoundsTee(SampleAggregator owner, ITimeSeriesSink? next) : ITimeSeriesSink
    {
        public void Row(TimeSpan time, ReadOnlySpan<long> counts, ReadOnlySpan<long> min, ReadOnlySpan<long> max)
        {
            lock (owner._boundsLock) owner._bounds[owner._rowsMerged++] = (min.ToArray(), max.ToArray());
            next?.Row(time, counts, min, max);
        }
    }
}
