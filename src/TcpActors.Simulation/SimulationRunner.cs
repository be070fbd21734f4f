using System.Diagnostics;
using TcpActors.Runtime;
using TcpActors.Simulation.Engine;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;

namespace TcpActors.Simulation;

/// <summary>
/// Runs a scenario: builds its shards (DESIGN.md §3), runs them on <see cref="SimulationOptions.Threads"/>
/// worker threads in virtual time (or paced to the wall clock), and returns the merged
/// <see cref="RunReport"/>. Nothing here reads the console or the command line.
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

        int[] shards = options.ShardIndex is { } index ? [index] : [.. Enumerable.Range(0, shardCount)];
        var wall = Stopwatch.StartNew();
        // One shard of several run apart keeps its census steps, for `tcpactors merge` to merge exactly.
        var samples = new SampleAggregator(options.Observer, shards.Length, scenario.Run.Duration, keepSteps: shards.Length < shardCount);
        samples.Sink = options.TimeSeriesSink;
        BufferedTrace[]? buffered = options.Trace is not null && shards.Length > 1 ? new BufferedTrace[shards.Length] : null;
        if (buffered is not null) for (int i = 0; i < buffered.Length; i++) buffered[i] = new BufferedTrace();

        options.LiveControl?.Start(shards.Length, scenario.Run.SampleEvery, scenario.Run.Duration, scenario.Hosts.Servers.Count);
        IWallClock? clock = options.RealTime ? options.WallClock ?? SystemWallClock.Instance : null;
        // Paced shards spend most of their time waiting for the wall clock, each event at its own
        // moment: two of them taking turns on one thread would each wait out the other's interval
        // and fall behind. So in real time every shard gets its own thread.
        int threads = options.RealTime ? Math.Max(options.Threads, shards.Length) : options.Threads;
        Shard NewShard(int i) =>
            new(scenario, shards[i], shardCount, buffered is not null ? buffered[i] : options.Trace, options.TraceCouples, options.EndpointFaults);
        RunReport[] reports;
        if (threads >= shards.Length)
        {
            reports = ShardRunner.Run(shards.Length, threads, i =>
            {
                try
                {
                    return NewShard(i).Run(cancellation, samples, clock, options.TimeScale, threads, options.LiveControl, i);
                }
                catch
                {
                    samples.Census.Finish(i); // so that no other shard waits for this one
                    throw;
                }
            });
        }
        else
        {
            // Fewer threads than shards: each thread takes its shards in turn, one sample interval
            // at a time, rather than one shard to its end and then the next — so every sample
            // (the live view, the dashboard) and a Ctrl+C come as the whole run reaches them.
            RunReport[][] byThread = ShardRunner.Run(threads, threads, w =>
            {
                var mine = new List<int>();
                for (int i = w; i < shards.Length; i += threads) mine.Add(i);
                var running = new Shard[mine.Count];
                try
                {
                    for (int k = 0; k < running.Length; k++)
                    {
                        running[k] = NewShard(mine[k]);
                        running[k].Begin(cancellation, samples, clock, options.TimeScale, options.LiveControl, mine[k]);
                    }
                    for (bool any = true; any;)
                    {
                        any = false;
                        foreach (Shard shard in running) any |= shard.Advance();
                    }
                }
                catch
                {
                    foreach (int i in mine) samples.Census.Finish(i); // so that no other shard waits for these
                    throw;
                }
                var done = new RunReport[running.Length];
                for (int k = 0; k < running.Length; k++) done[k] = running[k].End(threads);
                return done;
            });
            reports = new RunReport[shards.Length];
            for (int w = 0; w < threads; w++)
            {
                for (int k = 0; k < byThread[w].Length; k++) reports[w + k * threads] = byThread[w][k];
            }
        }
        options.LiveControl?.End();

        if (buffered is not null) BufferedTrace.ReplayMerged(buffered, options.Trace!);
        else options.Trace?.Flush();

        RunReport merged = ReportMerger.Merge(reports);
        // The census merged the shards' steps as they ran: its rows and peaks are exact for the whole run.
        merged = merged with { TimeSeries = samples.Census.Series, Peaks = ReportMerger.Peaks(samples.Census.Peak), CensusSteps = samples.Census.Kept };
        return merged with { WallSeconds = wall.Elapsed.TotalSeconds, Threads = threads, Digest = ReportDigest.Compute(merged) };
    }

    /// <summary>Runs <paramref name="scenario"/> with default options (one thread, every shard, no trace).</summary>
    public static RunReport Run(Scenario scenario, CancellationToken cancellation = default) =>
        Run(scenario, new SimulationOptions(), cancellation);
}
