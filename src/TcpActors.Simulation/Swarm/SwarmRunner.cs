using System.Diagnostics;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Swarm;

/// <summary>
/// Runs a swarm: for each seed of [<c>from</c>, <c>from + count</c>) draws a whole scenario
/// (<see cref="SwarmScenario"/>), writes it to YAML and loads it back (so what runs is exactly what a
/// replay of the file runs), simulates it and checks the invariants and liveness
/// (<see cref="LivenessCheck"/>). Seeds are independent and run in parallel on
/// <c>threads</c> threads; each seed's result depends on the seed alone.
/// </summary>
public static class SwarmRunner
{
    /// <summary>
    /// Runs <paramref name="count"/> seeds from <paramref name="from"/>. <paramref name="progress"/>,
    /// if given, is told of every finished seed (from worker threads, one call at a time); it is the
    /// only place a passing seed's result can be seen, the report keeps failures only.
    /// Cancelling stops starting new seeds; the report then holds the seeds that finished.
    /// </summary>
    public static SwarmReport Run(ulong from, int count, SwarmSettings settings, int threads,
        Action<SeedResult>? progress = null, CancellationToken cancellation = default) =>
        Run(from, count, settings, threads, EndpointFaults.None, progress, cancellation);

    /// <summary>
    /// TEST-ONLY: as <see cref="Run(ulong, int, SwarmSettings, int, Action{SeedResult}?, CancellationToken)"/>
    /// with a deliberately broken TCP in every endpoint, to prove the swarm catches it. Internal:
    /// no scenario file or command-line option reaches it.
    /// </summary>
    internal static SwarmReport Run(ulong from, int count, SwarmSettings settings, int threads, EndpointFaults faults,
        Action<SeedResult>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), "the seed count must not be negative");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), "threads must be at least 1");
        var wall = Stopwatch.StartNew();
        // Each result is folded into the tally and dropped (unless it failed): holding every seed's
        // report made memory grow by about 68 KB a seed (issue 19).
        var tally = new SwarmTally();
        var gate = new object();
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation }, i =>
            {
                SeedResult result = RunSeed(from + (ulong)i, settings, faults);
                lock (gate)
                {
                    tally.Add(result);
                    progress?.Invoke(result);
                }
            });
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        return tally.ToReport(settings, from, count, wall.Elapsed.TotalSeconds);
    }

    /// <summary>Draws, runs and checks one seed.</summary>
    public static SeedResult RunSeed(ulong seed, SwarmSettings settings) => RunSeed(seed, settings, EndpointFaults.None);

    internal static SeedResult RunSeed(ulong seed, SwarmSettings settings, EndpointFaults faults)
    {
        SwarmScenario swarm = SwarmScenario.Generate(seed, settings);
        // Run what the file says: a scenario the writer and loader do not agree on is a failure of
        // its own, because its replay command would not replay it.
        string yaml = ScenarioWriter.Write(swarm.Scenario);
        var loaded = ScenarioLoader.LoadText(yaml, swarm.Scenario.Name + ".yaml");
        if (loaded.Scenario is null)
        {
            var errors = new List<string>();
            foreach (var e in loaded.Errors) errors.Add("scenario: " + e);
            return new SeedResult { Swarm = swarm, Report = null, Failures = errors };
        }
        if (loaded.Scenario != swarm.Scenario)
            return new SeedResult { Swarm = swarm, Report = null, Failures = ["scenario: the written file does not load back to the generated scenario"] };

        RunReport report = SimulationRunner.Run(loaded.Scenario, new SimulationOptions { Engine = settings.Engine, Threads = 1, TraceCouples = 0, EndpointFaults = faults });
        return new SeedResult { Swarm = swarm, Report = report, Failures = LivenessCheck.Failures(swarm, report) };
    }
}
