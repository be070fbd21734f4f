using System.Diagnostics;

namespace TcpActors.Runtime;

/// <summary>The real wall clock: <see cref="Stopwatch"/> for time, an event wait for sleeping.</summary>
public sealed class SystemWallClock : IWallClock
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <summary>The shared instance.</summary>
    public static SystemWallClock Instance { get; } = new();

    /// <inheritdoc />
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_origin);

    /// <inheritdoc />
    public void Wait(TimeSpan duration, ManualResetEventSlim wake)
    {
        // Event waits have millisecond granularity; whatever is overslept shows up as lag.
        if (duration > TimeSpan.Zero) wake.Wait(duration);
    }
}
