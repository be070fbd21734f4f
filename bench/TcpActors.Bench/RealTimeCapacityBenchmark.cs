using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TcpActors.Simulation;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Bench;

/// <summary>
/// <c>realtime-capacity</c>: the largest number of couples a built-in scenario can run paced to
/// the wall clock (<c>tcpactors run NAME --couples N --realtime</c>) while every event is
/// delivered less than <c>--lag-ms</c> late. Each trial is a whole paced run, so a trial of
/// teardown-storm takes its duration in wall time (120 s; <c>--duration 90s</c> still holds all
/// three of its bursts: the opens over 0–5 s, the close at 20 s, the TIME_WAIT expiry at 80 s).
/// The couple count doubles from <c>--from</c> until a trial lags (or halves until one keeps up),
/// then bisects until the bounds are within <c>--precision</c> of each other.
/// Options: <c>--scenario NAME</c> (teardown-storm), <c>--time-scale X</c> (1), <c>--lag-ms L</c>
/// (100), <c>--from N</c> (10000), <c>--max N</c> (1000000), <c>--duration D</c> (the scenario's),
/// <c>--precision P</c> (0.1), <c>--shards N</c> (the scenario's).
/// </summary>
internal static class RealTimeCapacityBenchmark
{
    public static int Run(string[] args)
    {
        string name = "teardown-storm";
        double timeScale = 1, lagMs = 100, precision = 0.1;
        int from = 10_000, max = 1_000_000;
        int? shards = null;
        TimeSpan? duration = null;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            switch (args[i])
            {
                case "--scenario": name = value; break;
                case "--time-scale": timeScale = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--lag-ms": lagMs = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--from": from = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--max": max = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--precision": precision = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--shards": shards = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--duration": duration = TimeSpan.FromSeconds(double.Parse(value.TrimEnd('s'), CultureInfo.InvariantCulture)); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }
        var loaded = ScenarioCatalog.Load(name);
        if (loaded.Scenario is not { } scenario)
        {
            foreach (var error in loaded.Errors) Console.Error.WriteLine(error);
            return 2;
        }
        if (duration is { } d) scenario = scenario with { Run = scenario.Run with { Duration = d } };
        if (shards is { } n) scenario = scenario with { Run = scenario.Run with { Shards = n } };

        Console.Error.WriteLine($"realtime-capacity: {name}, {scenario.Run.Shards} shard(s), time scale {timeScale}, lag limit {lagMs} ms, "
            + $"{scenario.Run.Duration.TotalSeconds:0} s of wall time per trial");
        // JIT warm-up in virtual time, so the first trial's lag is the simulation's, not the compiler's.
        SimulationRunner.Run(WithCouples(scenario, 1_000), new SimulationOptions { Threads = scenario.Run.Shards });

        var trials = new List<Dictionary<string, object>>();
        int good = 0, bad = 0;
        bool Trial(int couples)
        {
            GC.Collect();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            double load = RuntimeBenchmark.LoadAverage();
            var wall = Stopwatch.StartNew();
            RunReport report = SimulationRunner.Run(WithCouples(scenario, couples),
                new SimulationOptions { RealTime = true, TimeScale = timeScale, Threads = scenario.Run.Shards });
            RealTimeLag lag = report.RealTime!;
            bool keptUp = lag.MaxLagSeconds * 1000 < lagMs;
            trials.Add(new Dictionary<string, object>
            {
                ["couples"] = couples,
                ["max_lag_ms"] = Math.Round(lag.MaxLagSeconds * 1000, 1),
                ["max_lag_at_s"] = Math.Round(lag.MaxLagAtSeconds, 3),
                ["kept_up"] = keptUp,
                ["wall_seconds"] = Math.Round(wall.Elapsed.TotalSeconds, 1),
                ["cpu_seconds"] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, 2),
                ["completed"] = report.Outcomes.Completed,
                ["load_average_1m"] = load,
            });
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {couples,9:N0} couples: worst lag {lag.MaxLagSeconds * 1000,8:0.0} ms at t={lag.MaxLagAtSeconds:0.000} s -> {(keptUp ? "kept up" : "fell behind")} (load {load})"));
            return keptUp;
        }

        if (Trial(from))
        {
            good = from;
            // Double until a trial falls behind (or the maximum keeps up).
            for (int couples = (int)Math.Min((long)from * 2, max); good < max; couples = (int)Math.Min((long)couples * 2, max))
            {
                if (Trial(couples)) good = couples;
                else { bad = couples; break; }
            }
        }
        else
        {
            bad = from;
            // Halve until a trial keeps up (or even a hundred couples fall behind).
            for (int couples = from / 2; couples >= 100; couples /= 2)
            {
                if (Trial(couples)) { good = couples; break; }
                bad = couples;
            }
        }
        while (bad != 0 && good != 0 && bad > good * (1 + precision))
        {
            int mid = (int)Math.Round((good + (long)bad) / 2.0 / 1000) * 1000;
            if (mid <= good || mid >= bad) mid = (int)((good + (long)bad) / 2);
            if (Trial(mid)) good = mid; else bad = mid;
        }

        var result = new Dictionary<string, object>
        {
            ["benchmark"] = "realtime-capacity",
            ["scenario"] = name,
            ["shards"] = scenario.Run.Shards,
            ["time_scale"] = timeScale,
            ["lag_limit_ms"] = lagMs,
            ["duration_seconds"] = scenario.Run.Duration.TotalSeconds,
            ["capacity_couples"] = good,
            ["first_lagging_couples"] = bad,
            ["processors"] = Environment.ProcessorCount,
            ["trials"] = trials,
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static Scenario WithCouples(Scenario scenario, int couples) =>
        scenario with { Workload = scenario.Workload with { Couples = couples } };
}
