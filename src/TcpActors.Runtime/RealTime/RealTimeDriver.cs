using System.Collections.Concurrent;

namespace TcpActors.Runtime;

/// <summary>
/// Runs an <see cref="ActorSystem"/> paced to the wall clock: an event at virtual time v is
/// delivered no earlier than wall time start + (v − v₀) / <see cref="TimeScale"/>, where start
/// and v₀ are the wall and virtual times of the first <see cref="RunUntil"/>: later calls go on
/// along the same timeline, so whatever a caller does between two calls (sampling, writing)
/// shows up as lag instead of being forgiven. The event
/// order is exactly the virtual-time order, so a run without posted messages gives the same
/// result as <see cref="ActorSystem.RunUntil"/>. When the loop cannot keep up, it runs late and
/// says so through <see cref="CurrentLag"/> and <see cref="MaxLag"/> (DESIGN.md §3: lag is
/// shown, never hidden).
/// </summary>
/// <remarks>
/// <see cref="Post"/> is the one thread-safe member: a live control API posts actions from other
/// threads, and the loop applies them between events at the virtual time that matches the wall
/// clock, in the order posted, after every event due before that time.
/// </remarks>
public sealed class RealTimeDriver
{
    private readonly ActorSystem _system;
    private readonly IWallClock _clock;
    private readonly ConcurrentQueue<Action<ActorSystem>> _posted = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private long _currentLagTicks;
    private long _maxLagTicks;
    private long _maxLagAtTicks;
    private TimeSpan? _wallStart;
    private TimeSpan _virtualStart;

    /// <summary>Creates a driver for <paramref name="system"/>.</summary>
    /// <param name="system">The system to drive; nothing else may drive it meanwhile.</param>
    /// <param name="timeScale">Virtual seconds per wall second: 10 plays 60 s in 6 s.</param>
    /// <param name="clock">The wall clock; <see cref="SystemWallClock.Instance"/> by default.</param>
    public RealTimeDriver(ActorSystem system, double timeScale = 1.0, IWallClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (!(timeScale > 0) || double.IsInfinity(timeScale)) throw new ArgumentOutOfRangeException(nameof(timeScale), timeScale, "must be a positive finite number");
        _system = system;
        TimeScale = timeScale;
        _clock = clock ?? SystemWallClock.Instance;
    }

    /// <summary>Virtual seconds per wall second.</summary>
    public double TimeScale { get; }

    /// <summary>How far behind the wall clock the last delivered event was.</summary>
    public TimeSpan CurrentLag => new(Volatile.Read(ref _currentLagTicks));

    /// <summary>The largest lag seen so far.</summary>
    public TimeSpan MaxLag => new(Volatile.Read(ref _maxLagTicks));

    /// <summary>The virtual time of the event (or run end) that was <see cref="MaxLag"/> late.</summary>
    public TimeSpan MaxLagAt => new(Volatile.Read(ref _maxLagAtTicks));

    /// <summary>Queues <paramref name="action"/> to run on the loop thread at the current virtual
    /// time. Thread-safe; wakes the loop if it is waiting.</summary>
    public void Post(Action<ActorSystem> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _posted.Enqueue(action);
        _wake.Set();
    }

    /// <summary>Posts a message to <paramref name="target"/>, to be sent at the current virtual time.</summary>
    public void Post<T>(ActorRef target, T message) => Post(system => system.Tell(target, message));

    /// <summary>Runs until virtual time <paramref name="end"/> (or cancellation), pacing events to
    /// the wall clock. Returns the number of events delivered.</summary>
    public long RunUntil(TimeSpan end, CancellationToken cancellation = default)
    {
        if (end <= _system.Now)
        {
            ApplyPosted();
            return 0;
        }
        if (_wallStart is null)
        {
            _wallStart = _clock.Elapsed;
            _virtualStart = _system.Now;
        }
        TimeSpan wallStart = _wallStart.Value;
        TimeSpan virtualStart = _virtualStart;
        long delivered = 0;
        using CancellationTokenRegistration wakeOnCancel = cancellation.Register(static state => ((ManualResetEventSlim)state!).Set(), _wake);
        while (!cancellation.IsCancellationRequested)
        {
            ApplyPosted();
            TimeSpan? next = _system.NextEventTime;
            TimeSpan target = next is { } n && n <= end ? n : end;
            TimeSpan wallDue = wallStart + (target - virtualStart) / TimeScale;
            _wake.Reset();
            if (!_posted.IsEmpty) continue;
            TimeSpan wallNow = _clock.Elapsed;
            if (wallNow < wallDue)
            {
                _clock.Wait(wallDue - wallNow, _wake);
                // Bring virtual time up to the wall clock (never past the next event) so that a
                // posted action applies at the moment it was posted, as nearly as the clock allows.
                TimeSpan virtualNow = virtualStart + (_clock.Elapsed - wallStart) * TimeScale;
                if (virtualNow > target) virtualNow = target;
                if (virtualNow > _system.Now) _system.RunUntil(virtualNow);
                continue;
            }
            // At the end of the range this is how late the range was finished: the last events
            // before it may have taken longer than the wall clock allowed.
            RecordLag(wallNow - wallDue, target);
            if (next is null || next > end)
            {
                _system.RunUntil(end);
                break;
            }
            delivered += _system.RunUntil(target);
        }
        ApplyPosted();
        return delivered;
    }

    private void ApplyPosted()
    {
        while (_posted.TryDequeue(out Action<ActorSystem>? action)) action(_system);
    }

    private void RecordLag(TimeSpan lag, TimeSpan at)
    {
        Volatile.Write(ref _currentLagTicks, lag.Ticks);
        if (lag.Ticks > Volatile.Read(ref _maxLagTicks))
        {
            Volatile.Write(ref _maxLagAtTicks, at.Ticks);
            Volatile.Write(ref _maxLagTicks, lag.Ticks);
        }
    }
}
