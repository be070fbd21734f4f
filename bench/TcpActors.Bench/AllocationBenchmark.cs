using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using TcpActors.Simulation;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Bench;

/// <summary>
/// Where a run's memory goes, without dotnet-gcdump (not on the package feed): runs a built-in
/// scenario (the CLI's <c>teardown-storm</c> by default) and reports the bytes allocated by type
/// (the runtime's <c>GCAllocationTick</c> events, about one per 100 KB allocated, so a type that
/// allocates less than a few hundred KB in total may not show), the live heap after a full
/// collection at chosen virtual seconds, and the GC heap's high-water mark (read every 5 ms).
/// </summary>
/// <remarks>
/// Options: <c>--scenario NAME</c> (teardown-storm), <c>--couples N</c> (1000000),
/// <c>--shards N</c> (the scenario's), <c>--live-at S,S,…</c> (19,21,30: virtual seconds at which
/// to force a full collection and read the live heap; each costs a blocking gen2 collection, so
/// leave them out to watch the peak), <c>--top N</c> (12 types). Run it with the CLI's GC settings
/// to compare peaks: <c>DOTNET_GCConserveMemory=9</c>.
/// </remarks>
internal static class AllocationBenchmark
{
    public static int Run(string[] args)
    {
        string name = "teardown-storm";
        int couples = 1_000_000;
        int? shards = null;
        int top = 12;
        var liveAt = new HashSet<double> { 19, 21, 30 };
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--scenario": name = args[i + 1]; break;
                case "--couples": couples = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--shards": shards = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--top": top = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--live-at":
                    liveAt = [.. args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        var loaded = ScenarioCatalog.Load(name);
        foreach (var error in loaded.Errors) Console.Error.WriteLine(error);
        if (loaded.Scenario is not { } scenario) return 2;
        scenario = scenario with
        {
            Workload = scenario.Workload with { Couples = couples },
            Run = scenario.Run with { Shards = shards ?? scenario.Run.Shards },
        };
        int threads = Math.Max(1, Math.Min(scenario.Run.Shards, Environment.ProcessorCount));

        using var allocations = new AllocationListener();
        var live = new LiveHeapObserver(liveAt);
        long peakHeap = 0;
        bool stop = false;
        var watcher = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                Thread.Sleep(5);
            }
        }) { IsBackground = true };
        Console.Error.WriteLine($"allocations: {name}, {couples:N0} couples, {scenario.Run.Shards} shards on {threads} threads");
        watcher.Start();
        var wall = Stopwatch.StartNew();
        RunReport report = SimulationRunner.Run(scenario, new SimulationOptions { Threads = threads, Observer = live });
        wall.Stop();
        Volatile.Write(ref stop, true);
        watcher.Join();

        var result = new Dictionary<string, object>
        {
            ["benchmark"] = "allocations",
            ["scenario"] = name,
            ["couples"] = couples,
            ["shards"] = scenario.Run.Shards,
            ["threads"] = threads,
            ["wall_seconds"] = Math.Round(wall.Elapsed.TotalSeconds, 3),
            ["allocated_mib_by_type"] = allocations.TopMiB(top),
            ["live_heap_mib_at"] = live.LiveMiB,
            ["peak_heap_mib"] = Math.Round(peakHeap / 1048576.0, 1),
            ["peak_working_set_mib"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
            ["gc_collections"] = $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}",
            ["gc_conserve_memory"] = AppContext.GetData("System.GC.ConserveMemory") ?? Environment.GetEnvironmentVariable("DOTNET_GCConserveMemory") ?? "0",
            ["gc"] = GCSettings.IsServerGC ? "server" : "workstation",
            ["digest"] = report.Digest,
            ["load_average_1m"] = StormBenchmark.LoadAverage(),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return report.Invariants.Ok ? 0 : 1;
    }

    /// <summary>Sums the runtime's allocation samples by type and heap (small or large objects).</summary>
    private sealed class AllocationListener : EventListener
    {
        /// <summary>The GC keyword of the "Microsoft-Windows-DotNETRuntime" event source.</summary>
        private const EventKeywords GcKeyword = (EventKeywords)0x1;

        private readonly Dictionary<string, long> _bytes = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null || e.PayloadNames is null) return;
            string type = e.Payload[e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
            // AllocationKind 1 is the large-object heap (objects of 85,000 bytes or more).
            bool large = Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("AllocationKind")], CultureInfo.InvariantCulture) == 1;
            long amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount")], CultureInfo.InvariantCulture);
            string key = large ? type + " (large)" : type;
            lock (_bytes) _bytes[key] = _bytes.GetValueOrDefault(key) + amount;
        }

        public Dictionary<string, double> TopMiB(int top)
        {
            lock (_bytes)
            {
                return _bytes.OrderByDescending(pair => pair.Value).Take(top)
                    .ToDictionary(pair => pair.Key, pair => Math.Round(pair.Value / 1048576.0, 1));
            }
        }
    }

    /// <summary>Reads the live heap (after a full, blocking collection) at chosen virtual seconds.</summary>
    private sealed class LiveHeapObserver(HashSet<double> at) : IRunObserver
    {
        public Dictionary<string, double> LiveMiB { get; } = [];

        public void OnSample(LiveSnapshot snapshot)
        {
            double t = snapshot.Now.TotalSeconds;
            if (!at.Contains(t)) return;
            LiveMiB[t.ToString(CultureInfo.InvariantCulture)] = Math.Round(GC.GetTotalMemory(forceFullCollection: true) / 1048576.0, 1);
        }
    }
}
