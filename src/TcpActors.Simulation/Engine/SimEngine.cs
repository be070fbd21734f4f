using System.Diagnostics;
using TcpActors.Runtime;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// The simulation engine (<c>sim</c>, the default): the model on the project's own virtual-time
/// actor runtime. It builds the scenario's shards (DESIGN.md §3), runs them on
/// <see cref="SimulationOptions.Threads"/> worker threads in virtual time (or paced to the wall
/// clock), and merges their reports.
/// </summary>
public sealed class SimEngine : ISimulationEngine
{
    /// <summary>The one instance (the engine keeps no state between runs).</summary>
    public static SimEngine Instance { get; } = new();

    private SimEngine() { }

    /// <inheritdoc />
    public string Name => "sim";

    /// <inheritdoc />
    public RunReport Run(Scenario scenario, SimulationOptions options, CancellationToken cancellation)
    {
        int shardCount = scenario.Run.Shards;
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
            new(scenario, shards[i], shardCount, buffered is not null ? buffered[i] : options.Trace, options.TraceCouples) { EndpointFaults = options.EndpointFaults };
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
}
