using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TcpActors.Cli.Output;
using TcpActors.Cli.Swarm;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Swarm;
using TcpActors.Tcp;

namespace TcpActors.Cli.Commands;

/// <summary>
/// <c>tcpactors swarm --seeds N [--from S] [--couples M] [--duration D] [--profile P|random]</c>:
/// simulation testing in the manner of TigerBeetle's VOPR. Each seed draws a whole scenario, runs
/// it and checks the invariants and liveness; the seeds run on all cores. Prints a progress bar,
/// a table of outcomes per seed class and, for every failing seed, the scenario file it wrote and
/// the one command that replays it. Exit 0 when every seed passes, 1 when one fails, 2 on bad usage.
/// </summary>
internal static class SwarmCommand
{
    private const int MaxSeeds = 10_000_000;
    private const int MaxCouples = 1_000_000;

    /// <summary>The longest active phase a seed may have: a swarm is many short runs, not one long one.</summary>
    private static readonly TimeSpan MaxActiveDuration = TimeSpan.FromHours(1);

    public static Command Create()
    {
        var seeds = new Option<int>("--seeds")
        {
            Description = "How many seeds to run", HelpName = "N", Required = true,
            CustomParser = r => Whole(r, "--seeds", 1, MaxSeeds) ?? 0,
        };
        var from = new Option<ulong>("--from")
        {
            Description = "The first seed; seeds FROM .. FROM+N-1 run", HelpName = "S", DefaultValueFactory = _ => 1UL,
            CustomParser = r =>
            {
                string text = r.Tokens[0].Value;
                if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) && value <= ulong.MaxValue - MaxSeeds) return value;
                r.AddError($"--from must be a whole number from 0 to {ulong.MaxValue - MaxSeeds}; got '{text}'");
                return 0;
            },
        };
        var couples = new Option<int>("--couples")
        {
            Description = "Couples per seed", HelpName = "M", DefaultValueFactory = _ => 200,
            CustomParser = r => Whole(r, "--couples", 1, MaxCouples) ?? 0,
        };
        // Nullable with no default value: the help would print a TimeSpan default as "00:01:00".
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "The active phase of each seed, when workload and chaos happen; a quiet tail long enough for the " +
                          "profile's longest timers is added. From 20s to 3600s. Default 60s",
            HelpName = "D",
            CustomParser = r =>
            {
                string text = r.Tokens[0].Value;
                bool parsed = UnitSyntax.TryParseDuration(text, out var value);
                if (parsed && value > MaxActiveDuration || UnitSyntax.IsTooLongDuration(text))
                    // A seed is one short experiment; a long one would only make each seed cost more.
                    r.AddError($"--duration is too long: at most {UnitSyntax.FormatDuration(MaxActiveDuration)}; got '{text}'");
                else if (!parsed)
                    r.AddError($"--duration must be a duration with a unit, such as 60s or 2m; got '{text}'");
                else if (value < SwarmScenario.MinActiveDuration)
                    r.AddError($"--duration {text} is too short: a seed's active phase needs at least {SwarmScenario.MinActiveDuration.TotalSeconds:0}s");
                else
                    return value;
                return TimeSpan.Zero;
            },
        };
        var profile = new Option<TcpProfile?>("--profile")
        {
            Description = "The TCP profile of every seed: linux, rfc9293, bsd, windows, or random (drawn per seed). Default random",
            HelpName = "P",
            CustomParser = r =>
            {
                string text = r.Tokens[0].Value;
                if (text == "random") return null;
                if (TcpProfile.TryGet(text, out var p)) return p;
                r.AddError($"--profile must be one of linux, rfc9293, bsd, windows, random; got '{text}'");
                return null;
            },
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "Seeds run in parallel; never changes a result. Default: every core", HelpName = "N",
            CustomParser = r => Whole(r, "--threads", 1, 1024),
        };
        var outDir = new Option<string?>("--out")
        {
            Description = "Where the scenarios of failing seeds are written. Default out/swarm-<yyyyMMdd-HHmmss>/ (created only if a seed fails)",
            HelpName = "DIR",
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bar; only the table and the failures" };

        var command = new Command("swarm",
            "Draw a whole scenario from each seed (profile, hosts, loss, delay, jitter, workload, closers, aborts, keepalive, " +
            "a chaos schedule of partitions, clogs, crashes, drops and RSTs), run it, and check every invariant and liveness " +
            "after the network heals. Failing seeds are written as scenario files with the command that replays them. " +
            "Exit 0 when every seed passes, 1 when one fails, 2 on bad input.");
        foreach (Option option in (Option[])[seeds, from, couples, duration, profile, threads, outDir, quiet]) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var settings = new SwarmSettings { Couples = parse.GetValue(couples), ActiveDuration = parse.GetValue(duration) ?? TimeSpan.FromSeconds(60), Profile = parse.GetValue(profile) };
            int count = parse.GetValue(seeds);
            ulong first = parse.GetValue(from);
            int workers = parse.GetValue(threads) ?? Environment.ProcessorCount;
            string dir = parse.GetValue(outDir) ?? Path.Combine("out", "swarm-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            if (File.Exists(dir))
            {
                error.WriteLine($"tcpactors: --out {dir} is a file, not a directory");
                return ExitCode.BadInput;
            }
            output.WriteLine($"tcpactors swarm --seeds {count} --from {first}{SettingsArguments(settings)}: {Counted.Of(count, "seed")} on {Counted.Of(workers, "thread")}");

            bool terminal = !parse.GetValue(quiet) && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            var bar = new SwarmProgress(output, count, parse.GetValue(quiet) ? SwarmProgress.Mode.Quiet : terminal ? SwarmProgress.Mode.Terminal : SwarmProgress.Mode.Lines);
            using var interruption = new Interruption();
            SwarmReport report = SwarmRunner.Run(first, count, settings, workers, bar.OnSeed, interruption.Token);
            bar.Finish();

            SwarmTable.Write(output, report);
            var failed = report.Failed;
            if (failed.Count > 0) WriteFailures(error, failed, dir, settings);
            output.WriteLine($"{Counted.Of(report.SeedsRun, "seed")}, {report.SeedsRun - failed.Count} passed, {failed.Count} failed in {report.WallSeconds:0.0}s wall");
            if (interruption.Token.IsCancellationRequested)
            {
                error.WriteLine($"tcpactors: interrupted after {report.SeedsRun} of {count} seeds");
                return ExitCode.Interrupted;
            }
            return failed.Count > 0 ? ExitCode.InvariantViolated : ExitCode.Success;
        });
        return command;
    }

    /// <summary>
    /// For every failing seed: writes its scenario to <paramref name="dir"/> (created if need be) and
    /// prints what failed, the file, the replay command (<c>tcpactors run FILE</c>, which gives the
    /// same report and digest) and the swarm command that re-checks that one seed.
    /// </summary>
    internal static void WriteFailures(TextWriter error, IReadOnlyList<SeedResult> failed, string dir, SwarmSettings settings)
    {
        Directory.CreateDirectory(dir);
        foreach (SeedResult seed in failed)
        {
            string file = Path.Combine(dir, seed.Swarm.Scenario.Name + ".yaml");
            ScenarioWriter.WriteFile(seed.Swarm.Scenario, file);
            error.WriteLine($"FAILED seed {seed.Seed} ({seed.Swarm.Class}):");
            foreach (string f in seed.Failures) error.WriteLine("  " + f);
            error.WriteLine($"  scenario: {file}");
            error.WriteLine($"  replay:   tcpactors run {file}" + (seed.Report is { } r ? $"    (digest {r.Digest})" : ""));
            error.WriteLine($"  re-check: tcpactors swarm --seeds 1 --from {seed.Seed}{SettingsArguments(settings)}");
        }
    }

    private static string SettingsArguments(SwarmSettings settings) =>
        $" --couples {settings.Couples} --duration {UnitSyntax.FormatDuration(settings.ActiveDuration)} --profile {settings.Profile?.Name ?? "random"}";

    private static int? Whole(ArgumentResult r, string name, int min, int max)
    {
        string text = r.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max) return value;
        r.AddError($"{name} must be a whole number from {min} to {max}; got '{text}'");
        return null;
    }
}
