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

    [Fact]
    public void A_million_couples_fit_in_a_machine_with_2_GiB()
    {
        Assert.Null(MemoryEstimate.Refusal(Storm(1_000_000), oneShardOnly: false, availableBytes: 2 * s_gib));
    }

    [Fact]
    public void A_million_couples_are_refused_on_a_machine_with_1_GiB_and_the_message_says_what_would_fit()
    {
        string? refusal = MemoryEstimate.Refusal(Storm(1_000_000), oneShardOnly: false, availableBytes: s_gib);

        Assert.NotNull(refusal);
        Assert.Contains("1,000,000 couples needs about 1.3 GiB", refusal, StringComparison.Ordinal);
        Assert.Contains("this machine has 1.0 GiB", refusal, StringComparison.Ordinal);
        Assert.Contains("at most about 751,619 couples", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void One_shard_of_four_needs_a_quarter_of_the_couples()
    {
        Assert.Equal(250_000, MemoryEstimate.CouplesHere(Storm(1_000_000, shards: 4), oneShardOnly: true));
        Assert.Equal(1_000_000, MemoryEstimate.CouplesHere(Storm(1_000_000, shards: 4), oneShardOnly: false));
        Assert.Null(MemoryEstimate.Refusal(Storm(1_000_000, shards: 4), oneShardOnly: true, availableBytes: s_gib));
    }

    [Fact]
    public void The_estimate_grows_linearly_with_the_couples()
    {
        long small = MemoryEstimate.PeakBytes(1_000);
        long large = MemoryEstimate.PeakBytes(1_001_000);

        Assert.Equal(1_000_000 * MemoryEstimate.BytesPerCouple, large - small);
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
        Assert.Contains("teardown-storm with 100,000,000 couples needs about 116.5 GiB of memory", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("but this machine has", outcome.Stderr, StringComparison.Ordinal);
        Assert.True(dir.IsEmpty, "a refused run must not create any file or directory");
    }
}
