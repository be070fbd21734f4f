namespace TcpActors.Runtime.Tests;

public class DeterminismTests
{
    [Fact]
    public void Two_runs_of_a_randomized_ping_workload_with_the_same_seed_produce_identical_logs()
    {
        string first = PingWorkload.Run(seed: 42);
        string second = PingWorkload.Run(seed: 42);
        Assert.True(first.Length > 10_000, "the workload should produce a substantial log");
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_different_seed_produces_a_different_log()
    {
        Assert.NotEqual(PingWorkload.Run(seed: 42), PingWorkload.Run(seed: 43));
    }

    [Fact]
    public void Shards_run_on_one_or_two_threads_produce_identical_logs()
    {
        const int shards = 6;
        string[] oneThread = ShardRunner.Run(shards, threads: 1, shard => PingWorkload.Run(seed: 1000 + (ulong)shard));
        string[] twoThreads = ShardRunner.Run(shards, threads: 2, shard => PingWorkload.Run(seed: 1000 + (ulong)shard));
        Assert.Equal(oneThread, twoThreads);
        Assert.Equal(shards, oneThread.Distinct().Count());
    }
}
