namespace TcpActors.Runtime;

/// <summary>
/// Runs independent shards (DESIGN.md §3: cells that share nothing, each with its own actor
/// system) on a number of worker threads. Shards are handed out by index and their results are
/// returned by index, so the outcome depends on the shard count but never on the thread count.
/// </summary>
public static class ShardRunner
{
    /// <summary>Runs <paramref name="runShard"/> for shard 0 … <paramref name="shardCount"/> − 1
    /// on up to <paramref name="threads"/> dedicated threads and returns the results in shard
    /// order. A shard that throws does not stop the others; all failures are rethrown together
    /// at the end as an <see cref="AggregateException"/>.</summary>
    public static TResult[] Run<TResult>(int shardCount, int threads, Func<int, TResult> runShard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentNullException.ThrowIfNull(runShard);
        var results = new TResult[shardCount];
        var failures = new Exception?[shardCount];
        int nextShard = -1;

        void Work()
        {
            int shard;
            while ((shard = Interlocked.Increment(ref nextShard)) < shardCount)
            {
                try
                {
                    results[shard] = runShard(shard);
                }
                catch (Exception exception)
                {
                    failures[shard] = exception;
                }
            }
        }

        int workerCount = Math.Min(threads, shardCount);
        if (workerCount <= 1)
        {
            Work();
        }
        else
        {
            var workers = new Thread[workerCount];
            for (int i = 0; i < workerCount; i++)
            {
                workers[i] = new Thread(Work) { IsBackground = true, Name = $"shard-worker-{i}" };
                workers[i].Start();
            }
            foreach (Thread worker in workers) worker.Join();
        }

        var thrown = new List<Exception>();
        for (int i = 0; i < shardCount; i++)
        {
            if (failures[i] is { } failure) thrown.Add(new InvalidOperationException($"Shard {i} failed.", failure));
        }
        if (thrown.Count > 0) throw new AggregateException(thrown);
        return results;
    }
}
