namespace TcpActors.Runtime.Tests;

/// <summary>Runs alone: it reads the whole process's heap, which parallel tests would disturb.</summary>
[CollectionDefinition(nameof(BurstMemoryTests), DisableParallelization = true)]
public sealed class BurstMemoryCollection;

/// <summary>
/// A teardown storm puts a million messages at one instant or in one bucket. Once they are
/// delivered, the queues must not keep burst-sized arrays for the rest of the run: that was
/// ≈ 400 bytes per couple of a million-couple storm (docs/performance.md, "Memory").
/// </summary>
[Collection(nameof(BurstMemoryTests))]
public class BurstMemoryTests
{
    private const int Burst = 200_000;

    /// <summary>Queue entries of an int message are ≈ 48 bytes, so a kept burst array would be ≥ 9.6 MB.</summary>
    private const long MostBytesKept = 2 * 1024 * 1024;

    /// <summary>Counts what it receives and whether it came in send order, storing nothing.</summary>
    private sealed class Sink : Actor, IReceive<int>
    {
        public int Received;

        public int OutOfOrder;

        private int _last = int.MinValue;

        public void Receive(int message)
        {
            Received++;
            if (message >= 0 && message <= _last) OutOfOrder++;
            if (message >= 0) _last = message;
        }

        public void StartOver() => _last = int.MinValue;
    }

    private readonly record struct Blast(int Count);

    /// <summary>Sends <see cref="Blast.Count"/> ints to the sink at once, with no delay.</summary>
    private sealed class Blaster(ActorRef sink) : Actor, IReceive<Blast>
    {
        public void Receive(Blast message)
        {
            for (int i = 0; i < message.Count; i++) sink.Tell(i);
        }
    }

    private static long LiveBytesAfter(ActorSystem system, Action burst)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        burst();
        system.RunUntilIdle();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(system);
        return after - before;
    }

    [Fact]
    public void A_burst_in_one_bucket_leaves_no_burst_sized_array_behind()
    {
        var system = new ActorSystem();
        var sink = new Sink();
        ActorRef target = system.Spawn(sink);
        target.Tell(-1, TimeSpan.FromMilliseconds(1));
        system.RunUntilIdle();

        long kept = LiveBytesAfter(system, () =>
        {
            for (int i = 0; i < Burst; i++) target.Tell(i, TimeSpan.FromMilliseconds(10));
        });

        Assert.Equal(Burst + 1, sink.Received);
        Assert.True(kept < MostBytesKept, $"{kept:N0} bytes kept after the burst");
    }

    [Fact]
    public void A_burst_beyond_the_wheel_leaves_no_burst_sized_heap_behind()
    {
        var system = new ActorSystem();
        var sink = new Sink();
        ActorRef target = system.Spawn(sink);
        target.Tell(-1, TimeSpan.FromSeconds(5));
        system.RunUntilIdle();

        // 60 s ahead: past the calendar's span, so every entry waits in the overflow heap, as
        // TIME_WAIT expiries do.
        long kept = LiveBytesAfter(system, () =>
        {
            for (int i = 0; i < Burst; i++) target.Tell(i, TimeSpan.FromSeconds(60 + i % 7));
        });

        Assert.Equal(Burst + 1, sink.Received);
        Assert.True(kept < MostBytesKept, $"{kept:N0} bytes kept after the burst");
    }

    [Fact]
    public void A_burst_due_at_one_far_instant_is_taken_into_one_array_not_a_doubling_chain()
    {
        var system = new ActorSystem();
        var sink = new Sink();
        ActorRef target = system.Spawn(sink);
        target.Tell(-1, TimeSpan.FromSeconds(1));
        system.RunUntilIdle();
        // Every close command of a storm is due at one instant, far beyond the calendar's span.
        for (int i = 0; i < Burst; i++) target.Tell(i, TimeSpan.FromSeconds(20));

        long before = GC.GetAllocatedBytesForCurrentThread();
        system.RunUntilIdle();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One array of 262,144 entries of ≈ 48 bytes (12.6 MB) and the sort's positions (0.8 MB);
        // appending one by one would double the array 14 times, allocating twice as much.
        Assert.Equal(Burst + 1, sink.Received);
        Assert.Equal(0, sink.OutOfOrder);
        Assert.True(allocated < 16 * 1024 * 1024, $"{allocated:N0} bytes allocated to deliver the burst");
    }

    [Fact]
    public void A_burst_sent_at_one_instant_arrives_in_send_order_and_leaves_nothing_behind()
    {
        var system = new ActorSystem();
        var sink = new Sink();
        ActorRef blaster = system.Spawn(new Blaster(system.Spawn(sink)));
        blaster.Tell(new Blast(10));
        system.RunUntilIdle();
        sink.StartOver();

        long kept = LiveBytesAfter(system, () => blaster.Tell(new Blast(Burst), TimeSpan.FromMilliseconds(5)));

        // Many 256-entry segments, and send order kept across every boundary.
        Assert.Equal(10 + Burst, sink.Received);
        Assert.Equal(0, sink.OutOfOrder);
        Assert.True(kept < MostBytesKept, $"{kept:N0} bytes kept after the burst");
    }
}
