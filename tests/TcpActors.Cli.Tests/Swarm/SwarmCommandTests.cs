using TcpActors.Cli.Commands;
using TcpActors.Simulation.Swarm;

namespace TcpActors.Cli.Tests.Swarm;

/// <summary>
/// <c>tcpactors swarm</c> end to end: progress, the table of outcomes per seed class, exit codes,
/// and for a failing seed a scenario file that validates and replays bit for bit.
/// </summary>
public class SwarmCommandTests
{
    [Fact]
    public void A_swarm_whose_seeds_all_pass_prints_progress_and_a_table_per_seed_class_and_exits_0()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, "swarm", "--seeds", "6", "--from", "200", "--couples", "40", "--threads", "2");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("tcpactors swarm --seeds 6 --from 200 --couples 40 --duration 60s --profile random: 6 seeds on 2 threads", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("100% 6/6 seeds, 0 failed", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("class", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("completed", outcome.Stdout, StringComparison.Ordinal);
        string total = outcome.Stdout.Split('\n').Single(l => l.StartsWith("total", StringComparison.Ordinal));
        Assert.Matches(@"^total\s+6\s+0\s", total);
        Assert.Contains("6 seeds, 6 passed, 0 failed", outcome.Stdout, StringComparison.Ordinal);
        Assert.Equal("", outcome.Stderr);
        Assert.True(dir.IsEmpty, "no scenario is written when every seed passes");
    }

    [Fact]
    public void A_fixed_profile_puts_every_seed_in_a_class_of_that_profile()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, "swarm", "--seeds", "3", "--from", "200", "--couples", "20", "--profile", "windows", "-q");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var rows = outcome.Stdout.Split('\n').Where(l => l.Contains('/', StringComparison.Ordinal) && !l.StartsWith("tcpactors", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.StartsWith("windows/", r, StringComparison.Ordinal));
        Assert.DoesNotContain("[#", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_seed_is_written_as_a_scenario_that_validates_and_whose_replay_gives_the_same_digest()
    {
        using var dir = new WorkDirectory();
        var settings = new SwarmSettings { Couples = 30 };
        var seed = SwarmRunner.RunSeed(207, settings);
        // The failure is made up here, so the test does not depend on a TCP bug to exist; what is
        // checked is what the command does with a failing seed.
        var failing = seed with { Failures = ["liveness: made up by the test"] };
        var error = new StringWriter();

        SwarmCommand.WriteFailures(error, [failing], dir["failures"], settings);

        string file = dir["failures/swarm-207.yaml"];
        Assert.True(File.Exists(file));
        string text = error.ToString();
        Assert.Contains($"FAILED seed 207 ({seed.Swarm.Class}):", text, StringComparison.Ordinal);
        Assert.Contains("  liveness: made up by the test", text, StringComparison.Ordinal);
        Assert.Contains($"  replay:   tcpactors run {file}    (digest {seed.Report!.Digest})", text, StringComparison.Ordinal);
        Assert.Contains("  re-check: tcpactors swarm --seeds 1 --from 207 --couples 30 --duration 60s --profile random", text, StringComparison.Ordinal);

        var validate = TcpActorsProcess.Run(dir.Path, "validate", file);
        Assert.True(validate.ExitCode == 0, validate.ToString());

        var replay = TcpActorsProcess.Run(dir.Path, "run", file, "--quiet", "--out", "replay");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Equal(seed.Report.Digest, RunReportFile.Read(dir["replay"]).Digest);
    }

    [Fact]
    public void Every_scenario_a_swarm_writes_passes_validate()
    {
        using var dir = new WorkDirectory();
        var settings = new SwarmSettings();
        var failing = new List<SeedResult>();
        for (ulong s = 1; s <= 60; s++)
        {
            var swarm = SwarmScenario.Generate(s, settings);
            failing.Add(new SeedResult { Swarm = swarm, Report = null, Failures = ["made up by the test"] });
        }
        SwarmCommand.WriteFailures(TextWriter.Null, failing, dir["all"], settings);

        foreach (string file in Directory.GetFiles(dir["all"], "*.yaml"))
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int exit = TcpActorsCommand.Invoke(["validate", file], output, error);
            Assert.True(exit == 0, $"{file}: {error}");
            Assert.Equal("ok", output.ToString().Trim());
        }
        Assert.Equal(60, Directory.GetFiles(dir["all"], "*.yaml").Length);
    }

    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["swarm"], "Option '--seeds' is required" },
        { ["swarm", "--seeds", "0"], "--seeds must be a whole number from 1 to 10000000; got '0'" },
        { ["swarm", "--seeds", "5", "--couples", "0"], "--couples must be a whole number from 1 to 1000000; got '0'" },
        { ["swarm", "--seeds", "5", "--duration", "10s"], "tcpactors: --duration 10s is too short: a seed's active phase needs at least 20s\n" },
        { ["swarm", "--seeds", "5", "--duration", "soon"], "tcpactors: --duration must be a duration with a unit, such as 60s or 2m; got 'soon'\n" },
        { ["swarm", "--seeds", "5", "--duration", "2h"], "--duration is too long: at most 3600s; got '2h'" },
        { ["swarm", "--seeds", "5", "--duration", "1e30s"], "--duration is too long: at most 3600s; got '1e30s'" },
        { ["swarm", "--seeds", "5", "--profile", "linx"], "--profile must be one of linux, rfc9293, bsd, windows, random; got 'linx'" },
        { ["swarm", "--seeds", "5", "--from", "-1"], "--from must be a whole number" },
        { ["swarm", "--seeds", "5", "--threads", "0"], "--threads must be a whole number from 1 to 1024; got '0'" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void A_usage_error_exits_2_with_a_message_and_runs_nothing(string[] args, string message)
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, args);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains(message, outcome.Stderr, StringComparison.Ordinal);
        Assert.True(dir.IsEmpty);
    }
}
