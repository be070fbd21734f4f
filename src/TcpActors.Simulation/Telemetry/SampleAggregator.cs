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
            _observer.OnSample(sum);
        }
    }

    private LiveSnapshot Add(LiveSnapshot a, LiveSnapshot b)
    {
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
}
