using TcpActors.Simulation.Engine;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation;

/// <summary>
/// Runs a scenario on an engine (<see cref="SimulationOptions.Engine"/>; the simulation engine,
/// <see cref="SimEngine"/>, by default) and returns the merged <see cref="RunReport"/>. Nothing
/// here reads the console or the command line.
/// </summary>
public static class SimulationRunner
{
    /// <summary>
    /// Runs <paramref name="scenario"/> to its <c>run.duration</c>. Cancelling
    /// <paramref name="cancellation"/> stops the run promptly and still returns a complete,
    /// consistent report of what was simulated, with <see cref="RunReport.Interrupted"/> set
    /// (invariants that need a drained run are then listed as not checked).
    /// </summary>
    /// <exception cref="ArgumentException">Bad options (threads &lt; 1, a shard index outside the scenario's shards, a time scale ≤ 0).</exception>
    public static RunReport Run(Scenario scenario, SimulationOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads < 1) throw new ArgumentException("threads must be at least 1", nameof(options));
        if (options.TraceCouples < 0) throw new ArgumentException("trace couples must not be negative", nameof(options));
        if (options.RealTime && !(options.TimeScale > 0)) throw new ArgumentException("the time scale must be positive", nameof(options));
        int shardCount = scenario.Run.Shards;
        if (options.ShardIndex is { } only && (only < 0 || only >= shardCount))
            throw new ArgumentException($"shard {only} is outside 0..{shardCount - 1}", nameof(options));

        return (options.Engine ?? SimEngine.Instance).Run(scenario, options, cancellation);
    }

    /// <summary>Runs <paramref name="scenario"/> with default options (one thread, every shard, no trace).</summary>
    public static RunReport Run(Scenario scenario, CancellationToken cancellation = default) =>
        Run(scenario, new SimulationOptions(), cancellation);
}
