namespace TcpActors.Runtime;

/// <summary>
/// The wall clock a <see cref="RealTimeDriver"/> paces itself by. Injectable so that tests use a
/// manual clock and never sleep.
/// </summary>
public interface IWallClock
{
    /// <summary>Monotonic wall time since an arbitrary origin.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Blocks for up to <paramref name="duration"/>, returning early when
    /// <paramref name="wake"/> is set (a message was posted from another thread).</summary>
    void Wait(TimeSpan duration, ManualResetEventSlim wake);
}
