using TcpActors.Runtime;
using TcpActors.Runtime.TestKit;
using TcpActors.Simulation.Reporting;

namespace TcpActors.Simulation.Tests.Engine;

/// <summary>
/// Paced runs (<c>--realtime</c>, <c>--dashboard</c>) on an injected wall clock, so that no test
/// sleeps: the result is the virtual-time result, and the report says how late the run fell.
/// </summary>
public class RealTimeTests
{
    private static TcpActors.Simulation.Scenarios.Scenario Storm() =>
        Runs.BuiltIn("teardown-storm").WithCouples(200).WithShards(1).WithDuration(TimeSpan.FromSeconds(30));

    /// <summary>A machine where each look at the clock takes a millisecond: one per distinct
    /// event time, which is what a busy machine looks like to the pacing loop.</summary>
    private sealed class SlowMachineClock : IWallClock
    {
        private readonly ManualWallClock _clock = new();

        public TimeSpan Elapsed
        {
            get
            {
                _clock.Advance(TimeSpan.FromMilliseconds(1));
                return _clock.Elapsed;
            }
        }

        public void Wait(TimeSpan duration, ManualResetEventSlim wake) => _clock.Wait(duration, wake);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_paced_run_that_keeps_up_reports_no_lag_and_the_virtual_time_digest(string engine)
    {
        RunReport virtualTime = Runs.Run(Storm(), engine);
        var clock = new ManualWallClock();

        RunReport paced = Runs.Run(Storm(), engine, new SimulationOptions { RealTime = true, TimeScale = 1, WallClock = clock });

        Assert.Equal(virtualTime.Digest, paced.Digest);
        Assert.Null(virtualTime.RealTime);
        Assert.Equal(new RealTimeLag { TimeScale = 1, MaxLagSeconds = 0, MaxLagAtSeconds = 0 }, paced.RealTime);
        // 30 s of virtual time at scale 1 took 30 s on the (manual) wall clock, spent waiting.
        Assert.Equal(TimeSpan.FromSeconds(30), clock.Elapsed);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_machine_too_slow_for_the_close_burst_shows_its_lag_at_the_burst(string engine)
    {
        RunReport virtualTime = Runs.Run(Storm(), engine);

        RunReport paced = Runs.Run(Storm(), engine, new SimulationOptions { RealTime = true, TimeScale = 1, WallClock = new SlowMachineClock() });

        // All 200 clients close at t = 20 s; their FINs, ACKs and FINs land within a few ms of
        // each other, each at its own instant, and each instant costs the slow machine 1 ms.
        RealTimeLag lag = Assert.IsType<RealTimeLag>(paced.RealTime);
        Assert.InRange(lag.MaxLagSeconds, 0.1, 2);
        Assert.InRange(lag.MaxLagAtSeconds, 20, 21);
        // Late, but exact: the same events in the same order.
        Assert.Equal(virtualTime.Digest, paced.Digest);
    }

    /// <summary>
    /// Simulation engine only: a thread per shard when paced is how <c>SimEngine</c> schedules its
    /// shards on <see cref="SimulationOptions.Threads"/> worker threads; another engine paces on
    /// its own dispatchers, where the report's thread count means something else.
    /// </summary>
    [Fact]
    public void In_real_time_every_shard_gets_its_own_thread_so_that_they_advance_together()
    {
        string engine = Engines.Sim;
        var scenario = Storm().WithShards(2).WithDuration(TimeSpan.FromSeconds(5));
        RunReport virtualTime = Runs.Run(scenario, engine, new SimulationOptions { Threads = 1 });

        // Two shards sharing one manual clock would each advance it by their waits: a clock per
        // thread is not what this checks, so pace at a scale where the real waits are microseconds.
        RunReport paced = Runs.Run(scenario, engine, new SimulationOptions { Threads = 1, RealTime = true, TimeScale = 1e6 });

        Assert.Equal(2, paced.Threads);
        Assert.Equal(virtualTime.Digest, paced.Digest);
        Assert.NotNull(paced.RealTime);
    }
}
