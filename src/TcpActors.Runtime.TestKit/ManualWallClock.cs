namespace TcpActors.Runtime.TestKit;

/// <summary>
/// A wall clock that only moves when told: tests of <see cref="RealTimeDriver"/> use it so that
/// they never sleep. A wait advances the clock by the full duration unless the driver was woken;
/// <see cref="Advance"/> simulates slow work (lag).
/// </summary>
public sealed class ManualWallClock : IWallClock
{
    private long _elapsedTicks;

    /// <summary>Called at the start of every wait with the requested duration, before the clock
    /// moves; a test can post messages here, as another thread would during the wait.</summary>
    public Action<TimeSpan>? OnWait { get; set; }

    /// <summary>Number of waits so far.</summary>
    public int Waits { get; private set; }

    /// <inheritdoc />
    public TimeSpan Elapsed => new(Interlocked.Read(ref _elapsedTicks));

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan duration) => Interlocked.Add(ref _elapsedTicks, duration.Ticks);

    /// <inheritdoc />
    public void Wait(TimeSpan duration, ManualResetEventSlim wake)
    {
        Waits++;
        OnWait?.Invoke(duration);
        if (!wake.IsSet) Advance(duration);
    }
}
