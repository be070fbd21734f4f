using TcpActors.Simulation.Telemetry;

namespace TcpActors.Observability.Tests.Metrics;

/// <summary>
/// Holds the run at the sample of virtual time <c>pauseAt</c>: the observer is called on the
/// run's worker, so blocking there stops virtual time with that snapshot published. The test
/// looks at the exporters, then <see cref="Resume"/>s. Bounded: never holds longer than a minute.
/// </summary>
internal sealed class PausingObserver(TimeSpan pauseAt) : IRunObserver
{
    private readonly ManualResetEventSlim _paused = new();
    private readonly ManualResetEventSlim _resume = new();

    /// <summary>The snapshot the run is held at.</summary>
    public LiveSnapshot? HeldAt { get; private set; }

    public void OnSample(LiveSnapshot snapshot)
    {
        if (snapshot.Now != pauseAt) return;
        HeldAt = snapshot;
        _paused.Set();
        _resume.Wait(TimeSpan.FromMinutes(1));
    }

    /// <summary>Waits (bounded) until the run is held.</summary>
    public LiveSnapshot WaitUntilPaused()
    {
        Assert.True(_paused.Wait(TimeSpan.FromMinutes(1)), $"the run never reached t={pauseAt}");
        return HeldAt!;
    }

    public void Resume() => _resume.Set();
}
