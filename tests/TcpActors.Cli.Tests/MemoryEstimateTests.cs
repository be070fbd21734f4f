using TcpActors.Cli.Scenarios;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Cli.Tests;

/// <summary>
/// A run the machine cannot hold is refused up front: exit 2, a message that says how much it
/// needs and how much there is, and nothing written — instead of an OOM kill half way through.
/// </summary>
public class MemoryEstimateTests
{
    private static readonly long s_gib = 1024L * 1024 * 1024;

    private static Scenario Storm(int couples, int shards = 1)
    {
        var scenario = ScenarioCatalog.Load("teardown-storm").Scenario!;
        return scenario with
        {
            Workload = scenario.Workload with { Couples = couples },
            Run = scenario.Run with { Shards = shards },
        };
    }

    private static string? Refusal(Scenario scenario, long limit, bool oneShardOnly = false) =>
        MemoryEstimate.Of(scenario, oneShardOnly).Refusal(scenario.Name, limit, limitGiven: true, machineBytes: 16 * s_gib);

    /// <summary>The long runs: 10 couples, sampled every second for <paramref name="duration"/>.</summary>
    private static string LongRun(TimeSpan duration) => $$"""
        name: long-run
        seed: 1
        workload:
          couples: 10
          open: { at: 0s, over: 1s }
          close: { at: 5s, over: 0s, by: client }
        run: { duration: {{(long)duration.TotalHours}}h, sample_every: 1s }
        """;

    [Fact]
    public void A_million_couples_fit_under_a_limit_of_2_GiB()
    {
        Assert.Null(Refusal(Storm(1_000_000), 2 * s_gib));
    }

    [Fact]
    public void A_million_couples_are_refused_under_a_limit_of_1_GiB_and_the_message_says_what_would_fit()
    {
        string? refusal = Refusal(Storm(1_000_000), s_gib);

        Assert.NotNull(refusal);
        Assert.StartsWith("teardown-storm needs about 1.3 GiB of memory, mostly for 1,000,000 couples (1,250 B each), more than the limit of 1.0 GiB (--max-memory); ", refusal, StringComparison.Ordinal);
        Assert.Contains("run at most about 751,5", refusal, StringComparison.Ordinal);
        Assert.EndsWith("or raise the limit with --max-memory SIZE", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void One_shard_of_four_needs_a_quarter_of_the_couples()
    {
        Assert.Equal(250_000, MemoryEstimate.CouplesHere(Storm(1_000_000, shards: 4), oneShardOnly: true));
        Assert.Equal(1_000_000, MemoryEstimate.CouplesHere(Storm(1_000_000, shards: 4), oneShardOnly: false));
        Assert.Null(Refusal(Storm(1_000_000, shards: 4), s_gib, oneShardOnly: true));
    }

    [Fact]
    public void The_estimate_grows_linearly_with_the_couples()
    {
        long small = MemoryEstimate.PeakBytes(1_000);
        long large = MemoryEstimate.PeakBytes(1_001_000);

        Assert.Equal(1_000_000 * MemoryEstimate.BytesPerCouple, large - small);
    }

    [Fact]
    public void Ten_thousand_hours_sampled_every_second_are_36_million_samples_and_about_17_GiB()
    {
        var scenario = ScenarioLoader.LoadText(LongRun(TimeSpan.FromHours(10_000)), "long.yaml").Scenario!;
        var estimate = MemoryEstimate.Of(scenario, oneShardOnly: false);

        Assert.Equal(36_000_001, estimate.Samples);
        Assert.Equal("17.3 GiB", MemoryEstimate.Size(estimate.Bytes));
        string? refusal = estimate.Refusal("long-run", MemoryEstimate.DefaultLimit(16 * s_gib), limitGiven: false, machineBytes: 16 * s_gib);
        Assert.Equal(
            "long-run needs about 17.3 GiB of memory, mostly for 36,000,001 samples (512 B each), more than the limit of 8.0 GiB " +
            "(half of this machine's 16.0 GiB); sample less often (run.sample_every) or shorten the run (run.duration, --duration), " +
            "or raise the limit with --max-memory SIZE", refusal);
        Assert.Null(estimate.Refusal("long-run", 32 * s_gib, limitGiven: true, machineBytes: 16 * s_gib));
    }

    [Fact]
    public void Client_hosts_without_a_couple_cost_nothing_so_the_largest_host_count_with_10_couples_is_small()
    {
        var scenario = Storm(10) with { Hosts = Storm(10).Hosts with { Clients = Storm(10).Hosts.Clients with { Count = 16_777_216 } } };
        var estimate = MemoryEstimate.Of(scenario, oneShardOnly: false);

        Assert.Equal(10, estimate.ClientHosts);
        Assert.True(estimate.Bytes < 256L * 1024 * 1024, MemoryEstimate.Size(estimate.Bytes));
    }

    [Fact]
    public void Server_hosts_count_once_per_shard_and_chaos_entries_each_count()
    {
        var storm = Storm(10, shards: 4);
        var scenario = storm with { Hosts = storm.Hosts with { Servers = storm.Hosts.Servers with { Count = 65_536 } } };

        var estimate = MemoryEstimate.Of(scenario, oneShardOnly: false);

        Assert.Equal(4 * 65_536, estimate.ServerHosts);
        Assert.Equal(65_536, MemoryEstimate.Of(scenario, oneShardOnly: true).ServerHosts);
        string? refusal = estimate.Refusal(scenario.Name, 256L * 1024 * 1024, limitGiven: true, machineBytes: 16 * s_gib);
        Assert.Contains("mostly for 65,536 server hosts in each of 4 shards (1,152 B each)", refusal, StringComparison.Ordinal);
        Assert.Contains("use fewer server hosts (hosts.servers.count) or fewer shards", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_thousand_hours_sampled_every_second_are_refused_with_exit_2_and_one_sentence_before_anything_is_written()
    {
        using var dir = new WorkDirectory();
        dir.Write("long.yaml", LongRun(TimeSpan.FromHours(10_000)));
        long limit = MemoryEstimate.DefaultLimit(MemoryEstimate.MachineBytes());
        Assert.True(limit < 17L * s_gib, "this machine is large enough to hold the run, so the default refusal cannot be checked here");

        var outcome = TcpActorsProcess.Run(dir.Path, "run", "long.yaml", "--quiet");

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        string[] lines = outcome.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, outcome.ToString());
        Assert.StartsWith("tcpactors: long-run needs about 17.3 GiB of memory, mostly for 36,000,001 samples (512 B each), more than the limit of ", lines[0], StringComparison.Ordinal);
        Assert.Contains("(half of this machine's ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("or raise the limit with --max-memory SIZE", lines[0], StringComparison.Ordinal);
        Assert.Equal(["long.yaml"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Max_memory_lowers_the_limit_below_a_small_run_and_raises_it_back()
    {
        using var dir = new WorkDirectory();

        var refused = TcpActorsProcess.Run(dir.Path, [.. RunCommandTests.SmallStorm, "--out", "r", "--max-memory", "100MB"]);
        var accepted = TcpActorsProcess.Run(dir.Path, [.. RunCommandTests.SmallStorm, "--out", "r", "--max-memory", "1GB"]);

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("more than the limit of 100.0 MiB (--max-memory)", refused.Stderr, StringComparison.Ordinal);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.True(File.Exists(dir["r/report.json"]));
    }

    [Fact]
    public void Max_memory_must_be_a_size()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, [.. RunCommandTests.SmallStorm, "--max-memory", "lots"]);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains("--max-memory must be a size such as 512MB or 16GB; got 'lots'", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sixteen_million_client_hosts_with_10_couples_run_at_once_because_hosts_without_a_couple_are_not_created()
    {
        using var dir = new WorkDirectory();
        dir.Write("hosts.yaml", """
            name: many-hosts
            seed: 1
            hosts:
              clients: { count: 16777216 }
            workload:
              couples: 10
              open: { at: 0s, over: 1s }
              close: { at: 5s, over: 0s, by: client }
            run: { duration: 70s, sample_every: 1s }
            """);

        // Before: 16,777,216 client hosts were built (≈ 625 B and 7 µs of CPU each): > 10 GiB, minutes.
        var outcome = TcpActorsProcess.Run(dir.Path, "run", "hosts.yaml", "--quiet", "--out", "r");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("completed 10", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hundred_million_couples_are_refused_with_exit_2_before_anything_is_written()
    {
        // 100,000,000 couples × 1,250 B ≈ 117 GiB: far more than any machine this runs on has.
        Assert.True(MemoryEstimate.PeakBytes(100_000_000) > GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            "this machine is large enough to hold the run, so the refusal cannot be checked here");
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, ["run", "teardown-storm", "--couples", "100000000", "--quiet"]);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains("teardown-storm needs about 116.5 GiB of memory, mostly for 100,000,000 couples (1,250 B each), more than the limit of ", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("split the run with --shard i/N over several machines, or raise the limit with --max-memory SIZE", outcome.Stderr, StringComparison.Ordinal);
        Assert.True(dir.IsEmpty, "a refused run must not create any file or directory");
    }
}
