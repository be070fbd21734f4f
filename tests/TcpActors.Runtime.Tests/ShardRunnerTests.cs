namespace TcpActors.Runtime.Tests;

public class ShardRunnerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void Results_come_back_in_shard_order_whatever_the_thread_count(int threads)
    {
        int[] results = ShardRunner.Run(5, threads, shard => shard * shard);
        Assert.Equal([0, 1, 4, 9, 16], results);
    }

    [Fact]
    public void A_failing_shard_does_not_stop_the_others_and_is_reported_with_its_index()
    {
        var ran = new bool[4];
        var error = Assert.Throws<AggregateException>(() => ShardRunner.Run(4, 2, shard =>
        {
            ran[shard] = true;
            if (shard == 2) throw new InvalidOperationException("boom");
            return shard;
        }));
        Assert.All(ran, Assert.True);
        var failure = Assert.Single(error.InnerExceptions);
        Assert.Contains("Shard 2", failure.Message);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
    }

    [Fact]
    public void Zero_shards_give_no_results()
    {
        Assert.Empty(ShardRunner.Run(0, 2, shard => shard));
    }
}
