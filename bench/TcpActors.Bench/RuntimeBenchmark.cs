using System.Globalization;
using System.Runtime;
using System.Text.Json;

namespace TcpActors.Bench;

/// <summary>
/// <c>runtime</c>: TcpActors.Runtime against a Channel-and-Task-per-actor baseline on the same
/// ping workload (100k actors, 1–10 ms delays), in one process. Prints one JSON object.
/// Options: <c>--actors N</c>, <c>--events N</c> (runtime deliveries), <c>--baseline-seconds S</c>.
/// </summary>
internal static class RuntimeBenchmark
{
    public static int Run(string[] args)
    {
        int actors = 100_000;
        long events = 30_000_000;
        double baselineSeconds = 10;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--actors": actors = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--events": events = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--baseline-seconds": baselineSeconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }
        var workload = new PingWorkload(actors, Seed: 42);

        Console.Error.WriteLine("runtime: warm-up");
        RuntimeContender.Measure(workload with { Actors = 1000 }, 2_000_000);
        Console.Error.WriteLine($"runtime: {events:N0} events over {actors:N0} actors");
        var runtime = RuntimeContender.Measure(workload, events);
        double runtimeBytes = RuntimeContender.BytesPerIdleActor(actors);

        Console.Error.WriteLine($"baseline: {baselineSeconds} s of wall time over {actors:N0} channels and tasks");
        var baseline = ChannelBaseline.Measure(workload, TimeSpan.FromSeconds(baselineSeconds));
        double baselineBytes = ChannelBaseline.BytesPerIdleActor(actors);

        var result = new Dictionary<string, object>
        {
            ["benchmark"] = "runtime",
            ["actors"] = actors,
            ["delay_ms"] = $"{PingWorkload.MinDelayMs}-{PingWorkload.MaxDelayMs}",
            ["threads"] = 1,
            ["events"] = runtime.Events,
            ["virtual_seconds"] = Math.Round(runtime.VirtualTime.TotalSeconds, 3),
            ["events_per_second"] = Math.Round(runtime.EventsPerSecond),
            ["events_per_cpu_second"] = Math.Round(runtime.EventsPerCpuSecond),
            ["bytes_per_actor"] = Math.Round(runtimeBytes, 1),
            ["baseline"] = "Channel<T> + Task per actor, Task.Delay",
            ["baseline_events"] = baseline.Events,
            ["baseline_events_per_second"] = Math.Round(baseline.EventsPerSecond),
            ["baseline_bytes_per_actor"] = Math.Round(baselineBytes, 1),
            ["speedup"] = Math.Round(runtime.EventsPerSecond / baseline.EventsPerSecond, 1),
            ["gc"] = GCSettings.IsServerGC ? "server" : "workstation",
            ["processors"] = Environment.ProcessorCount,
            ["load_average_1m"] = LoadAverage(),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>The machine's 1-minute load average (Linux), recorded because other work on the
    /// same cores makes wall-clock figures lower than the code can do alone.</summary>
    internal static double LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
