using TcpActors.Runtime.TestKit;

namespace TcpActors.Runtime.Tests;

public class RealTimeDriverTests
{
    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>Logs the wall time at which each message arrives; optionally takes wall time to handle one.</summary>
    private sealed class WallLogger(ManualWallClock clock) : Actor, IReceive<int>
    {
        public List<(TimeSpan Virtual, TimeSpan Wall, int Message)> Log { get; } = new();

        public TimeSpan WorkPerMessage { get; set; }

        public void Receive(int message)
        {
            Log.Add((Now, clock.Elapsed, message));
            clock.Advance(WorkPerMessage);
        }
    }

    [Fact]
    public void Events_are_delivered_when_the_wall_clock_reaches_virtual_time_divided_by_the_scale()
    {
        var clock = new ManualWallClock();
        clock.Advance(TimeSpan.FromSeconds(100));
        var system = new ActorSystem();
        var logger = new WallLogger(clock);
        ActorRef actor = system.Spawn(logger);
        actor.Tell(1, TimeSpan.FromSeconds(10));
        actor.Tell(2, TimeSpan.FromSeconds(60));

        var driver = new RealTimeDriver(system, timeScale: 10, clock);
        driver.RunUntil(TimeSpan.FromSeconds(80));

        Assert.Equal(
            [(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(101), 1), (TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(106), 2)],
            logger.Log);
        Assert.Equal(TimeSpan.FromSeconds(80), system.Now);
        Assert.Equal(TimeSpan.FromSeconds(108), clock.Elapsed);
        Assert.Equal(TimeSpan.Zero, driver.MaxLag);
    }

    [Fact]
    public void A_real_time_run_delivers_the_same_events_in_the_same_order_as_a_virtual_time_run()
    {
        string virtualRun = PingWorkload.Run(seed: 5);

        string realTimeRun = RunPingWorkloadInRealTime(seed: 5);

        Assert.Equal(virtualRun, realTimeRun);
    }

    [Fact]
    public void Lag_is_measured_when_handling_takes_longer_than_the_wall_clock_allows()
    {
        var clock = new ManualWallClock();
        var system = new ActorSystem();
        var logger = new WallLogger(clock) { WorkPerMessage = Ms(30) };
        ActorRef actor = system.Spawn(logger);
        for (int i = 0; i < 5; i++) actor.Tell(i, Ms(10 * i));

        var driver = new RealTimeDriver(system, timeScale: 1, clock);
        driver.RunUntil(Ms(100));

        // Event i is due at 10·i ms but starts at 30·i ms (each takes 30 ms): lag 20·i ms.
        Assert.Equal([Ms(0), Ms(30), Ms(60), Ms(90), Ms(120)], logger.Log.ConvertAll(e => e.Wall));
        Assert.Equal(Ms(80), driver.MaxLag);
        Assert.Equal(Ms(40), driver.MaxLagAt);
        Assert.Equal(5, logger.Log.Count);
    }

    [Fact]
    public void Time_spent_between_two_calls_counts_as_lag_instead_of_being_forgiven()
    {
        var clock = new ManualWallClock();
        var system = new ActorSystem();
        var logger = new WallLogger(clock);
        ActorRef actor = system.Spawn(logger);
        actor.Tell(1, Ms(1200));
        var driver = new RealTimeDriver(system, timeScale: 1, clock);

        driver.RunUntil(Ms(1000));
        clock.Advance(Ms(500)); // the caller samples and writes for half a second
        driver.RunUntil(Ms(2000));

        // The run started at wall 0, so the event due at 1.2 s runs at wall 1.5 s: 300 ms late.
        Assert.Equal([(Ms(1200), Ms(1500), 1)], logger.Log);
        Assert.Equal(Ms(300), driver.MaxLag);
        Assert.Equal(Ms(1200), driver.MaxLagAt);
        Assert.Equal(Ms(2000), clock.Elapsed);
    }

    [Fact]
    public void A_burst_at_one_instant_that_outlasts_the_gap_to_the_next_range_end_is_lag()
    {
        var clock = new ManualWallClock();
        var system = new ActorSystem();
        var logger = new WallLogger(clock) { WorkPerMessage = Ms(40) };
        ActorRef actor = system.Spawn(logger);
        for (int i = 0; i < 5; i++) actor.Tell(i, Ms(900)); // five events at one instant: 200 ms of work

        var driver = new RealTimeDriver(system, timeScale: 1, clock);
        driver.RunUntil(Ms(1000));

        // Nothing follows the burst inside the range, so the lag is how late the range ended.
        Assert.Equal(Ms(100), driver.MaxLag);
        Assert.Equal(Ms(1000), driver.MaxLagAt);
    }

    [Fact]
    public void A_message_posted_during_a_wait_is_applied_at_the_virtual_time_matching_the_wall_clock()
    {
        var clock = new ManualWallClock();
        var system = new ActorSystem();
        var logger = new WallLogger(clock);
        ActorRef actor = system.Spawn(logger);
        actor.Tell(1, TimeSpan.FromSeconds(10));
        var driver = new RealTimeDriver(system, timeScale: 2, clock);
        bool posted = false;
        clock.OnWait = _ =>
        {
            if (posted) return;
            posted = true;
            // Another thread posts 3 wall seconds into the 5-second wait: virtual time 6 s.
            clock.Advance(TimeSpan.FromSeconds(3));
            var poster = new Thread(() => driver.Post(actor, 99));
            poster.Start();
            poster.Join();
        };

        driver.RunUntil(TimeSpan.FromSeconds(20));

        Assert.Equal(
            [(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(3), 99), (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 1)],
            logger.Log);
    }

    [Fact]
    public void Messages_posted_from_several_threads_are_all_applied()
    {
        var clock = new ManualWallClock();
        var system = new ActorSystem();
        var logger = new WallLogger(clock);
        ActorRef actor = system.Spawn(logger);
        var driver = new RealTimeDriver(system, timeScale: 1, clock);
        var posters = new Thread[4];
        for (int t = 0; t < posters.Length; t++)
        {
            int thread = t;
            posters[t] = new Thread(() =>
            {
                for (int i = 0; i < 250; i++) driver.Post(actor, thread * 1000 + i);
            });
            posters[t].Start();
        }
        foreach (Thread poster in posters) poster.Join();

        driver.RunUntil(Ms(1));

        Assert.Equal(1000, logger.Log.Count);
        for (int t = 0; t < posters.Length; t++)
        {
            // Each thread's messages keep that thread's posting order.
            int[] mine = logger.Log.Where(e => e.Message / 1000 == t).Select(e => e.Message % 1000).ToArray();
            Assert.Equal(Enumerable.Range(0, 250), mine);
        }
    }

    [Fact]
    public void Cancellation_ends_the_run_early()
    {
        var clock = new ManualWallClock();
        var system = new ActorSystem();
        var logger = new WallLogger(clock);
        ActorRef actor = system.Spawn(logger);
        actor.Tell(1, TimeSpan.FromSeconds(1));
        actor.Tell(2, TimeSpan.FromSeconds(2));
        using var cancellation = new CancellationTokenSource();
        var driver = new RealTimeDriver(system, timeScale: 1, clock);
        clock.OnWait = _ =>
        {
            if (logger.Log.Count == 1) cancellation.Cancel();
        };

        driver.RunUntil(TimeSpan.FromSeconds(10), cancellation.Token);

        Assert.Single(logger.Log);
    }

    [Fact]
    public void The_time_scale_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealTimeDriver(new ActorSystem(), 0));
    }

    private static string RunPingWorkloadInRealTime(ulong seed)
    {
        // Same as PingWorkload.Run, but driven by the real-time driver on a manual clock.
        string? log = null;
        var clock = new ManualWallClock();
        PingWorkload.RunWith(seed, system =>
        {
            var driver = new RealTimeDriver(system, timeScale: 0.5, clock);
            driver.RunUntil(TimeSpan.FromHours(1));
        }, result => log = result);
        Assert.True(clock.Waits > 10, "the driver should have waited between events");
        return log!;
    }
}
