using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;

namespace TcpActors.Simulation;

/// <summary>
/// How to run a scenario: everything a caller (the <c>tcpactors run</c> command, a test, a
/// benchmark) may set beside the scenario file itself. Scenario knobs (couples, seed, loss, …)
/// are overridden on the <see cref="Scenarios.Scenario"/> record before the run; these options
/// never change the simulated result except <see cref="ShardIndex"/>, which picks one cell.
/// </summary>
public sealed record SimulationOptions
{
    /// <summary>The engine that runs the model; null for the simulation engine (<see cref="Engine.SimEngine"/>). Never changes the simulated result.</summary>
    public ISimulationEngine? Engine { get; init; }

    /// <summary>Worker threads the shards run on (<c>--threads</c>); never changes the result. Default 1.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Run only this shard of <c>run.shards</c> (<c>--shard i/N</c>: the scenario's shard count is N);
    /// null runs every shard. <see cref="Reporting.ReportMerger"/> sums the per-shard reports into the
    /// same digest as an in-process run of all shards.
    /// </summary>
    public int? ShardIndex { get; init; }

    /// <summary>Trace the first this many couples (<c>--trace-couples</c>); default 10.</summary>
    public int TraceCouples { get; init; } = 10;

    /// <summary>Where traced events go (<c>--trace FILE</c>); null traces nothing.</summary>
    public ITraceSink? Trace { get; init; }

    /// <summary>Given every row of the run's time series as it is merged (the streamed <c>timeseries.csv</c>); null for none.
    /// The report's <see cref="Reporting.RunReport.TimeSeries"/> then holds a bounded, thinned copy for the charts.</summary>
    public Telemetry.ITimeSeriesSink? TimeSeriesSink { get; init; }

    /// <summary>Told of every sample (every <c>run.sample_every</c> of virtual time); null for none.</summary>
    public IRunObserver? Observer { get; init; }

    /// <summary>Pace virtual time to the wall clock (<c>--realtime</c>); the result is the same.</summary>
    public bool RealTime { get; init; }

    /// <summary>With <see cref="RealTime"/>: virtual seconds per wall second (<c>--time-scale</c>); default 1.</summary>
    public double TimeScale { get; init; } = 1;

    /// <summary>With <see cref="RealTime"/>: the wall clock to pace by; null for the real one. Tests pass a manual clock so that they never sleep.</summary>
    public Runtime.IWallClock? WallClock { get; init; }

    /// <summary>
    /// Where live chaos changes come from while the run goes (the dashboard's control API), or a
    /// replay of a report's <c>live_changes</c>; null for none. Changes land at sample boundaries
    /// and are recorded in <see cref="Reporting.RunReport.LiveChanges"/>. One control serves one run.
    /// </summary>
    public Live.LiveControl? LiveControl { get; init; }

    /// <summary>TEST-ONLY: faults planted in every endpoint, to prove the invariant checks catch a broken TCP.</summary>
    internal Tcp.EndpointFaults EndpointFaults { get; init; }
}
