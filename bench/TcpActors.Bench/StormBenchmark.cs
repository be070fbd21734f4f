using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using TcpActors.Simulation;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Bench;

/// <summary>
/// <c>storm</c>: the whole simulation end to end — N couples connect over 1 s, exchange 100 B /
/// 1 KB, every client closes at t = 5 s, and the run lasts until every TIME_WAIT has expired
/// (70 s of virtual time). Prints one JSON object: wall seconds, events per second, peak working
/// set, and the report's key counts so a reader can see that the work was really done.
/// Options: <c>--couples N</c> (100000), <c>--shards N</c> (2), <c>--threads N</c> (2),
/// <c>--clients N</c> (couples / 10000, at least 4: one client address holds 28,232 ports),
/// <c>--loss P</c> (0).
/// </summary>
internal static class StormBenchmark
{
    public static int Run(string[] args)
    {
        int couples = 100_000, shards = 2, threads = 2, clients = -1;
        string loss = "0";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--couples": couples = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--shards": shards = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--clients": clients = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--loss": loss = args[i + 1]; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }
        if (clients < 0) clients = Math.Max(Math.Max(4, shards), couples / 10_000);

        if (Scenario(couples, shards, clients, loss) is not { } scenario) return 2;

        Console.Error.WriteLine("storm: warm-up (1,000 couples)");
        SimulationRunner.Run(scenario with { Workload = scenario.Workload with { Couples = 1_000 } }, new SimulationOptions { Threads = threads });
        GC.Collect();

        Console.Error.WriteLine($"storm: {couples:N0} couples, {shards} shards on {threads} threads");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        TimeSpan pauseBefore = GC.GetTotalPauseDuration();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var wall = Stopwatch.StartNew();
        var heap = new HeapWatcher();
        // A cancellable token, as the CLI passes for Ctrl+C: the loop then checks it as it goes.
        using var cancellation = new CancellationTokenSource();
        RunReport report = SimulationRunner.Run(scenario, new SimulationOptions { Threads = threads, Observer = heap }, cancellation.Token);
        wall.Stop();
        var process = Process.GetCurrentProcess();
        double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;

        var result = new Dictionary<string, object>
        {
            ["benchmark"] = "storm",
            ["couples"] = couples,
            ["client_hosts"] = clients,
            ["shards"] = shards,
            ["threads"] = threads,
            ["virtual_seconds"] = report.VirtualSeconds,
            ["wall_seconds"] = Math.Round(wall.Elapsed.TotalSeconds, 3),
            ["cpu_seconds"] = Math.Round(cpuSeconds, 3),
            ["events"] = report.Events,
            ["events_per_second"] = Math.Round(report.Events / wall.Elapsed.TotalSeconds),
            ["segments"] = report.Segments.Sent,
            ["gc_pause_seconds"] = Math.Round((GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds, 3),
            ["gc_collections"] = $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}",
            ["peak_working_set_mb"] = Math.Round(process.PeakWorkingSet64 / (1024.0 * 1024.0), 1),
            ["peak_managed_heap_mb"] = Math.Round(heap.PeakBytes / (1024.0 * 1024.0), 1),
            ["live_heap_at_10s_mb"] = Math.Round(heap.LiveAtPlateau / (1024.0 * 1024.0), 1),
            ["live_bytes_per_couple_at_10s"] = Math.Round((double)heap.LiveAtPlateau / couples),
            ["completed"] = report.Outcomes.Completed,
            ["time_wait_peak"] = report.Peaks["time_wait"].Count,
            ["invariants_ok"] = report.Invariants.Ok,
            ["digest"] = report.Digest,
            ["gc"] = GCSettings.IsServerGC ? "server" : "workstation",
            ["processors"] = Environment.ProcessorCount,
            ["load_average_1m"] = LoadAverage(),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return report.Invariants.Ok && report.Outcomes.Completed == couples ? 0 : 1;
    }

    /// <summary>The storm scenario: <paramref name="couples"/> couples on <paramref name="shards"/> shards; null (errors on stderr) if it does not load.</summary>
    public static Scenario? Scenario(int couples, int shards, int clients, string loss)
    {
        string yaml = $"""
            name: storm
            seed: 42
            profile: linux
            hosts:
              clients: {"{"} count: {clients} {"}"}
              servers: {"{"} count: 1, port: 80 {"}"}
            network: {"{"} delay: 10ms, loss: {loss} {"}"}
            workload:
              couples: {couples}
              open: {"{"} at: 0s, over: 1s {"}"}
              exchange: {"{"} request: 100B, response: 1KB {"}"}
              close: {"{"} at: 5s, by: client {"}"}
            run: {"{"} duration: 70s, sample_every: 1s, shards: {shards} {"}"}
            """;
        var loaded = ScenarioLoader.LoadText(yaml, "storm.yaml");
        foreach (var error in loaded.Errors) Console.Error.WriteLine(error);
        return loaded.Scenario;
    }

    /// <summary>Reads the managed heap size at every sample (once per virtual second): cheap, and it
    /// catches the plateau where every couple is alive or in TIME_WAIT.</summary>
    private sealed class HeapWatcher : TcpActors.Simulation.Telemetry.IRunObserver
    {
        public long PeakBytes { get; private set; }

        /// <summary>Live bytes after a full collection at t = 10 s, when every couple sits in TIME_WAIT.</summary>
        public long LiveAtPlateau { get; private set; }

        public void OnSample(TcpActors.Simulation.Telemetry.LiveSnapshot snapshot)
        {
            PeakBytes = Math.Max(PeakBytes, GC.GetTotalMemory(false));
            if (snapshot.Now == TimeSpan.FromSeconds(10)) LiveAtPlateau = GC.GetTotalMemory(true);
        }
    }

    internal static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
