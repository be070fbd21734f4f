using System.Text.Json;

namespace TcpActors.Cli.Tests;

/// <summary>
/// <c>tcpactors run</c> end to end: a small built-in run writes the run directory of DESIGN.md §7,
/// and a run is a pure function of scenario, seed and shard count — never of the thread count.
/// </summary>
public class RunCommandTests
{
    /// <summary>teardown-storm made small: 40 couples, long enough for TIME_WAIT (60 s after t=20s) to drain.</summary>
    internal static readonly string[] SmallStorm = ["run", "teardown-storm", "--couples", "40", "--duration", "100s", "--quiet"];

    private static readonly string[] StateNames =
    [
        "closed", "listen", "syn_sent", "syn_received", "established", "fin_wait_1", "fin_wait_2",
        "close_wait", "closing", "last_ack", "time_wait",
    ];

    internal static ProcessOutcome RunSmallStorm(WorkDirectory dir, string outName, params string[] more)
    {
        var outcome = TcpActorsProcess.Run(dir.Path, [.. SmallStorm, "--out", dir[outName], .. more]);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        return outcome;
    }

    [Fact]
    public void A_small_built_in_run_writes_report_json_and_timeseries_csv_with_the_contract_fields()
    {
        using var dir = new WorkDirectory();

        var outcome = RunSmallStorm(dir, "run");

        var run = RunReportFile.Read(dir["run"]);
        var r = run.Report;
        Assert.Equal("teardown-storm", r.GetProperty("scenario").GetString());
        Assert.Equal(42UL, r.GetProperty("seed").GetUInt64());
        Assert.Equal("linux", r.GetProperty("profile").GetString());
        // The built-in storm is two cells, run on one thread per cell up to the machine's cores.
        Assert.Equal(2, r.GetProperty("shards").GetInt32());
        Assert.Equal(Math.Min(2, Environment.ProcessorCount), r.GetProperty("threads").GetInt32());
        Assert.Equal(100.0, r.GetProperty("virtual_seconds").GetDouble());
        Assert.True(r.GetProperty("wall_seconds").GetDouble() > 0);
        Assert.True(r.GetProperty("events").GetInt64() > 40 * 9, "at least nine segments per couple's life");
        Assert.Equal(40, r.GetProperty("couples").GetInt64());
        var outcomes = r.GetProperty("outcomes");
        foreach (string key in (string[])["completed", "refused", "timed_out", "reset", "port_exhausted", "aborted"])
            Assert.True(outcomes.TryGetProperty(key, out _), $"outcomes.{key} missing");
        Assert.Equal(40, outcomes.GetProperty("completed").GetInt64());
        foreach (string state in StateNames)
        {
            Assert.True(r.GetProperty("states_final").TryGetProperty(state, out _), $"states_final.{state} missing");
            var peak = r.GetProperty("peaks").GetProperty(state);
            Assert.True(peak.TryGetProperty("count", out _) && peak.TryGetProperty("at", out _), $"peaks.{state} needs count and at");
        }
        // The client closes first, so every client waits in TIME_WAIT after the storm at t=20s.
        Assert.Equal(40, r.GetProperty("peaks").GetProperty("time_wait").GetProperty("count").GetInt64());
        Assert.Equal(0, r.GetProperty("states_final").GetProperty("time_wait").GetInt64());
        Assert.True(r.GetProperty("segments").GetProperty("sent").GetInt64() >= 40 * 9);
        Assert.True(r.TryGetProperty("resets", out _));
        Assert.True(r.TryGetProperty("time_wait_overflow", out _));
        var handshake = r.GetProperty("handshake_seconds");
        Assert.True(handshake.GetProperty("p50").GetDouble() >= 0.020, "a handshake takes at least one round trip of 2 × 10 ms");
        Assert.True(handshake.TryGetProperty("p99", out _) && handshake.TryGetProperty("max", out _));
        Assert.True(r.GetProperty("invariants").GetProperty("ok").GetBoolean());
        Assert.Equal(0, r.GetProperty("invariants").GetProperty("violations").GetArrayLength());
        Assert.Matches("^[0-9a-f]{64}$", run.Digest.Replace("sha256:", "", StringComparison.Ordinal));
        Assert.False(r.GetProperty("interrupted").GetBoolean());

        Assert.Equal("t_seconds," + string.Join(',', StateNames) + "," + string.Join(',', StateNames.Select(s => $"{s}_min,{s}_max")), run.TimeSeries[0]);
        Assert.True(run.TimeSeries.Length - 1 >= 100, $"one row per second of 100 s, got {run.TimeSeries.Length - 1}");
        Assert.All(run.TimeSeries.Skip(1), row => Assert.Equal(34, row.Split(',').Length));

        Assert.Contains($"run directory: {dir["run"]}", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains($"digest: {run.Digest}", outcome.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("t=", outcome.Stdout, StringComparison.Ordinal); // --quiet: no progress lines
    }

    [Fact]
    public void The_same_seed_twice_gives_the_same_digest_and_another_seed_another()
    {
        using var dir = new WorkDirectory();

        RunSmallStorm(dir, "first", "--seed", "7");
        RunSmallStorm(dir, "again", "--seed", "7");
        RunSmallStorm(dir, "other", "--seed", "8");

        string first = RunReportFile.Read(dir["first"]).Digest;
        Assert.Equal(first, RunReportFile.Read(dir["again"]).Digest);
        Assert.NotEqual(first, RunReportFile.Read(dir["other"]).Digest);
        Assert.Equal(7UL, RunReportFile.Read(dir["first"]).Report.GetProperty("seed").GetUInt64());
    }

    [Fact]
    public void One_thread_or_two_give_the_same_digest()
    {
        using var dir = new WorkDirectory();

        RunSmallStorm(dir, "one", "--shards", "2", "--threads", "1");
        RunSmallStorm(dir, "two", "--shards", "2", "--threads", "2");

        var one = RunReportFile.Read(dir["one"]);
        var two = RunReportFile.Read(dir["two"]);
        Assert.Equal(one.Digest, two.Digest);
        Assert.Equal(2, two.Report.GetProperty("threads").GetInt32());
        Assert.Equal(2, two.Report.GetProperty("shards").GetInt32());
    }

    [Fact]
    public void Shard_runs_in_separate_processes_merge_to_the_digest_of_one_run_of_all_shards()
    {
        using var dir = new WorkDirectory();

        RunSmallStorm(dir, "whole", "--shards", "2");
        RunSmallStorm(dir, "s0", "--shard", "0/2");
        RunSmallStorm(dir, "s1", "--shard", "1/2");
        var merge = TcpActorsProcess.Run(dir.Path, "merge", dir["s0"], dir["s1"], "--out", dir["merged"], "--quiet");

        Assert.True(merge.ExitCode == 0, merge.ToString());
        Assert.Equal(RunReportFile.Read(dir["whole"]).Digest, RunReportFile.Read(dir["merged"]).Digest);
        Assert.Equal(RunReportFile.Read(dir["whole"]).TimeSeries, RunReportFile.Read(dir["merged"]).TimeSeries);
    }

    [Fact]
    public void Merging_the_same_shard_twice_is_refused()
    {
        using var dir = new WorkDirectory();
        RunSmallStorm(dir, "s0", "--shard", "0/2");

        var merge = TcpActorsProcess.Run(dir.Path, "merge", dir["s0"], dir["s0"], "--out", dir["merged"]);

        Assert.Equal(2, merge.ExitCode);
        Assert.Contains("shard 0 appears twice", merge.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir["merged"]));
    }

    [Fact]
    public void Without_out_the_run_directory_is_out_scenario_timestamp()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, SmallStorm);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        string made = Assert.Single(Directory.GetDirectories(dir["out"]));
        Assert.Matches(@"^teardown-storm-\d{8}-\d{6}$", Path.GetFileName(made));
        Assert.True(File.Exists(Path.Combine(made, "report.json")));
        Assert.Contains($"run directory: {Path.Combine("out", Path.GetFileName(made))}", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_quiet_and_without_a_terminal_progress_comes_as_plain_lines()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, "run", "teardown-storm", "--couples", "40", "--duration", "100s", "--out", dir["run"]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        string[] lines = outcome.Stdout.Split('\n');
        Assert.StartsWith("teardown-storm: 40 couples, seed 42, profile linux", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("[100%] t=100.0s/100s", StringComparison.Ordinal) && l.Contains("time_wait=0", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', outcome.Stdout); // no escape codes in a log
    }

    [Fact]
    public void A_trace_is_json_lines_of_states_segments_and_outcomes_in_virtual_time_order()
    {
        using var dir = new WorkDirectory();

        RunSmallStorm(dir, "run", "--trace", "trace.jsonl", "--trace-couples", "2");

        string[] lines = File.ReadAllLines(Path.Combine(dir["run"], "trace.jsonl"));
        Assert.NotEmpty(lines);
        double last = 0;
        var kinds = new HashSet<string>();
        var couples = new HashSet<int>();
        foreach (string line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var e = json.RootElement;
            double t = e.GetProperty("t").GetDouble();
            Assert.True(t >= last, $"not in virtual-time order: {line}");
            last = t;
            couples.Add(e.GetProperty("couple").GetInt32());
            string kind = e.GetProperty("event").GetString()!;
            kinds.Add(kind);
            switch (kind)
            {
                case "state":
                    Assert.Contains(e.GetProperty("side").GetString(), (string[])["client", "server"]);
                    Assert.Matches("^[A-Z_0-9]+$", e.GetProperty("from").GetString()!);
                    Assert.Matches("^[A-Z_0-9]+$", e.GetProperty("to").GetString()!);
                    break;
                case "segment":
                    Assert.Contains(e.GetProperty("dir").GetString(), (string[])["client_to_server", "server_to_client"]);
                    Assert.Matches("^(SYN|FIN|RST|PSH|ACK)(,(SYN|FIN|RST|PSH|ACK))*$", e.GetProperty("flags").GetString()!);
                    Assert.True(e.GetProperty("seq").GetUInt32() >= 0 && e.GetProperty("ack").GetUInt32() >= 0 && e.GetProperty("len").GetInt32() >= 0);
                    Assert.Contains(e.GetProperty("fate").GetString(), (string[])["delivered", "dropped", "corrupted", "duplicated"]);
                    break;
                case "outcome":
                    Assert.False(string.IsNullOrEmpty(e.GetProperty("outcome").GetString()));
                    break;
                default:
                    Assert.Fail($"unknown event: {line}");
                    break;
            }
        }
        Assert.Equal([0, 1], couples.Order());
        Assert.Equal(["outcome", "segment", "state"], kinds.Order());
        using var first = JsonDocument.Parse(lines.First(l => l.Contains("\"segment\"", StringComparison.Ordinal)));
        Assert.Equal("SYN", first.RootElement.GetProperty("flags").GetString());
        Assert.Equal("client_to_server", first.RootElement.GetProperty("dir").GetString());
        Assert.Contains(lines, l => l.Contains("\"to\":\"TIME_WAIT\"", StringComparison.Ordinal));
    }

    [Fact]
    public void An_absolute_trace_path_is_honoured_and_leaves_no_partial_file()
    {
        using var dir = new WorkDirectory();
        string trace = Path.Combine(dir["traces"], "storm.jsonl");

        var outcome = RunSmallStorm(dir, "run", "--trace", trace, "--trace-couples", "1");

        Assert.Contains($"trace: {trace}", outcome.Stdout, StringComparison.Ordinal);
        Assert.Equal([trace], Directory.GetFiles(dir["traces"]));
        Assert.All(File.ReadAllLines(trace), line => Assert.Contains("\"couple\":0,", line, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(dir["run"], "storm.jsonl")));
    }

    public static TheoryData<string> BuiltIns => [.. TcpActors.Simulation.Scenarios.ScenarioCatalog.Names];

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void Every_built_in_runs_at_a_small_size_with_its_invariants_holding(string name)
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, "run", name, "--couples", "20", "--quiet", "--out", dir["run"]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var report = RunReportFile.Read(dir["run"]).Report;
        Assert.Equal(name, report.GetProperty("scenario").GetString());
        Assert.True(report.GetProperty("invariants").GetProperty("ok").GetBoolean());
    }
}
