using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using TcpActors.Simulation;
using TcpActors.Simulation.Reporting;

namespace TcpActors.Bench;

/// <summary>
/// <c>side-by-side</c>: in one run, the same storm of N couples (1k, 10k, 100k, 1M by default) on
/// the simulator and on <see cref="TaskPerEndpointStorm"/> (a Task + Channel per endpoint, the same
/// <c>TcpEndpoint</c>, Task.Delay for every delay). For each N and contender: wall time, couples
/// and events per second, CPU time and allocated bytes per couple (the growth curve: both must stay
/// flat as N grows), and peak managed heap. Prints a table on stderr and one JSON object on stdout.
/// Options: <c>--sizes 1000,10000,…</c>, <c>--baseline-max N</c> (largest size the baseline runs,
/// 100000), <c>--baseline-limit-seconds S</c> (60: a baseline size not done by then is reported
/// as unfinished), <c>--shards N</c> / <c>--threads N</c> for the simulator (2 / 2).
/// </summary>
internal static class SideBySideBenchmark
{
    private sealed record Row(
        string Contender, int Couples, double WallSeconds, double CpuSeconds, long Events, long Completed, bool Finished,
        double PeakHeapMb, double AllocatedBytesPerCouple)
    {
        public double CouplesPerSecond => Completed / WallSeconds;

        public double EventsPerSecond => Events / WallSeconds;

        public double CpuMicrosecondsPerCouple => CpuSeconds * 1e6 / Couples;

        public double PeakHeapBytesPerCouple => PeakHeapMb * 1024 * 1024 / Couples;
    }

    public static int Run(string[] args)
    {
        int[] sizes = [1_000, 10_000, 100_000, 1_000_000];
        int baselineMax = 100_000, shards = 2, threads = 2;
        var baselineLimit = TimeSpan.FromSeconds(60);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--sizes": sizes = Array.ConvertAll(args[i + 1].Split(','), s => int.Parse(s, CultureInfo.InvariantCulture)); break;
                case "--baseline-max": baselineMax = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--baseline-limit-seconds": baselineLimit = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture)); break;
                case "--shards": shards = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        // Warm-up large enough for tiered JIT to reach its final code: otherwise the smallest sizes
        // measure the JIT rather than the storm.
        Console.Error.WriteLine("side-by-side: warm-up (20,000 couples on the simulator, 1,000 on the baseline)");
        SimulationRunner.Run(StormBenchmark.Scenario(20_000, shards, Math.Max(4, shards), "0")!, new SimulationOptions { Threads = threads });
        TaskPerEndpointStorm.Run(1_000, baselineLimit);

        var rows = new List<Row>();
        bool ok = true;
        foreach (int couples in sizes)
        {
            int clients = Math.Max(Math.Max(4, shards), couples / 10_000);
            var scenario = StormBenchmark.Scenario(couples, shards, clients, "0")!;
            Console.Error.WriteLine($"side-by-side: simulator, {couples:N0} couples");
            Row sim = Measure("simulator", couples, () =>
            {
                RunReport report = SimulationRunner.Run(scenario, new SimulationOptions { Threads = threads });
                return (report.Outcomes.Completed, report.Events, report.Invariants.Ok);
            });
            ok &= sim.Finished && sim.Completed == couples;
            rows.Add(sim);
            if (couples > baselineMax) continue;
            Console.Error.WriteLine($"side-by-side: task-per-endpoint baseline, {couples:N0} couples");
            rows.Add(Measure("baseline", couples, () =>
            {
                var (completed, events, finished) = TaskPerEndpointStorm.Run(couples, baselineLimit);
                return (completed, events, finished);
            }));
        }

        Console.Error.WriteLine();
        Console.Error.WriteLine("contender   couples   wall s   couples/s    events/s   CPU µs/couple  alloc B/couple  peak heap MB  heap B/couple  done");
        foreach (Row r in rows)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Contender,-10} {r.Couples,8:N0} {r.WallSeconds,8:F2} {r.CouplesPerSecond,11:N0} {r.EventsPerSecond,11:N0} {r.CpuMicrosecondsPerCouple,14:N1} {r.AllocatedBytesPerCouple,15:N0} {r.PeakHeapMb,13:N1} {r.PeakHeapBytesPerCouple,14:N0}  {r.Completed:N0}{Verdict(r)}"));
        }
        var ratios = new List<Dictionary<string, object>>();
        foreach (Row sim in rows)
        {
            if (sim.Contender != "simulator") continue;
            Row? baseline = rows.Find(r => r.Contender == "baseline" && r.Couples == sim.Couples);
            // A ratio against a baseline that did not do the same work would flatter nobody.
            if (baseline is null || !baseline.Finished || baseline.Completed != baseline.Couples) continue;
            double speedup = baseline.WallSeconds / sim.WallSeconds;
            double cpuRatio = baseline.CpuSeconds / sim.CpuSeconds;
            double memoryRatio = baseline.PeakHeapMb / sim.PeakHeapMb;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio at {sim.Couples:N0} couples: wall {speedup:F1}x, CPU {cpuRatio:F1}x, peak heap {memoryRatio:F1}x in the simulator's favour"));
            ratios.Add(new Dictionary<string, object>
            {
                ["couples"] = sim.Couples,
                ["wall_speedup"] = Math.Round(speedup, 1),
                ["cpu_ratio"] = Math.Round(cpuRatio, 1),
                ["peak_heap_ratio"] = Math.Round(memoryRatio, 1),
            });
        }

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "side-by-side",
            ["baseline"] = $"Task + Channel per endpoint, Task.Delay, clock {TaskPerEndpointStorm.TimeScale}x wall time, sizes up to {baselineMax}",
            ["simulator"] = $"{shards} shards on {threads} threads, virtual time",
            ["rows"] = rows.ConvertAll(r => new Dictionary<string, object>
            {
                ["contender"] = r.Contender,
                ["couples"] = r.Couples,
                ["wall_seconds"] = Math.Round(r.WallSeconds, 3),
                ["cpu_seconds"] = Math.Round(r.CpuSeconds, 3),
                ["couples_per_second"] = Math.Round(r.CouplesPerSecond),
                ["events"] = r.Events,
                ["events_per_second"] = Math.Round(r.EventsPerSecond),
                ["cpu_us_per_couple"] = Math.Round(r.CpuMicrosecondsPerCouple, 1),
                ["allocated_bytes_per_couple"] = Math.Round(r.AllocatedBytesPerCouple),
                ["peak_heap_mb"] = Math.Round(r.PeakHeapMb, 1),
                ["peak_heap_bytes_per_couple"] = Math.Round(r.PeakHeapBytesPerCouple),
                ["completed"] = r.Completed,
                ["finished"] = r.Finished,
            }),
            ["ratios"] = ratios,
            ["gc"] = GCSettings.IsServerGC ? "server" : "workstation",
            ["processors"] = Environment.ProcessorCount,
            ["load_average_1m"] = StormBenchmark.LoadAverage(),
        };
        Console.WriteLine(JsonSerializer.Serialize(json));
        return ok ? 0 : 1;
    }

    private static string Verdict(Row r) =>
        !r.Finished ? $" (not done within the limit)"
        : r.Completed < r.Couples ? $" (fell behind its clock: {100.0 * r.Completed / r.Couples:F0} % completed, the rest timed out or were reset)"
        : "";

    /// <summary>Runs one contender at one size: wall and CPU time, allocated bytes, and the managed
    /// heap's peak above its level before the run, sampled every 10 ms by a watcher thread.</summary>
    private static Row Measure(string contender, int couples, Func<(long Completed, long Events, bool Finished)> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long heapBefore = GC.GetTotalMemory(false);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long peak = heapBefore;
        using var watching = new CancellationTokenSource();
        var watcher = new Thread(() =>
        {
            while (!watching.IsCancellationRequested)
            {
                long now = GC.GetTotalMemory(false);
                if (now > Volatile.Read(ref peak)) Volatile.Write(ref peak, now);
                Thread.Sleep(10);
            }
        }) { IsBackground = true };
        watcher.Start();
        var wall = Stopwatch.StartNew();
        var (completed, events, finished) = run();
        wall.Stop();
        watching.Cancel();
        watcher.Join();
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new Row(contender, couples, wall.Elapsed.TotalSeconds, cpu, events, completed, finished,
            Math.Max(0, Volatile.Read(ref peak) - heapBefore) / (1024.0 * 1024.0), (double)allocated / couples);
    }
}
