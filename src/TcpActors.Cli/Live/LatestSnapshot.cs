using TcpActors.Simulation.Telemetry;

namespace TcpActors.Cli.Live;

/// <summary>
/// The hand-over between the simulation and the terminal: the run's worker publishes each sample
/// with one volatile write and returns at once; the CLI thread reads the newest one whenever it
/// redraws. Samples in between are skipped, never queued, so a slow terminal cannot slow the run.
/// </summary>
internal sealed class LatestSnapshot : IRunObserver
{
    private LiveSnapshot? _latest;
    private long _samples;

    /// <summary>The newest sample, or null before the first one.</summary>
    public LiveSnapshot? Current => Volatile.Read(ref _latest);

    /// <summary>Samples published so far.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <inheritdoc/>
    public void OnSample(LiveSnapshot snapshot)
    {
        // Snapshots are immutable and the observer's to keep (IRunObserver's contract).
        Volatile.Write(ref _latest, snapshot);
        Interlocked.Increment(ref _samples);
    }
}
