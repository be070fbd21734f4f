using TcpActors.Simulation.Telemetry;

namespace TcpActors.Cli.Live;

/// <summary>
/// The hand-over between the simulation and the terminal: the run's worker publishes each sample
/// with one volatile write and returns at once; the CLI thread reads the newest one whenever it
/// redraws. Samples in between are skipped, never queued, so a slow terminal cannot slow the run.
/// </summary>
/// <remarks>
/// Every sample still counts: each one raises the per-state highest count so far
/// (<see cref="PeaksSoFar"/>), so a TIME_WAIT storm that rose and fell between two frames of a
/// short run still shows, and the bars keep one scale instead of jumping with every frame.
/// </remarks>
internal sealed class LatestSnapshot : IRunObserver
{
    private LiveSnapshot? _latest;
    private long _samples;
    private readonly long[] _peaks = new long[TcpActors.Tcp.TcpStateNames.Count];
    private readonly Lock _lock = new();

    /// <summary>The highest sampled count of each state so far (a copy), indexed by state.</summary>
    public long[] PeaksSoFar()
    {
        lock (_lock) return (long[])_peaks.Clone();
    }

    /// <summary>The newest sample, or null before the first one.</summary>
    public LiveSnapshot? Current => Volatile.Read(ref _latest);

    /// <summary>Samples published so far.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <inheritdoc/>
    public void OnSample(LiveSnapshot snapshot)
    {
        // Snapshots are immutable and the observer's to keep (IRunObserver's contract).
        lock (_lock)
        {
            for (int i = 0; i < _peaks.Length; i++) _peaks[i] = Math.Max(_peaks[i], snapshot.StateCounts[i]);
        }
        Volatile.Write(ref _latest, snapshot);
        Interlocked.Increment(ref _samples);
    }
}
