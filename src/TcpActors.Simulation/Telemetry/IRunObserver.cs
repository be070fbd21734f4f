namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// Watches a run as it goes (a console progress line, a dashboard, an OpenTelemetry exporter).
/// <see cref="OnSample"/> is called once per sample of virtual time with the counts summed over
/// every shard of the run, in sample order. With several worker threads it is called from
/// whichever worker completes the sample, never concurrently; keep it short.
/// </summary>
public interface IRunObserver
{
    /// <summary>A new sample; the snapshot is the observer's to keep (it is not reused).</summary>
    void OnSample(LiveSnapshot snapshot);
}
