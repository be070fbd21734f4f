using TcpActors.Observability.Tests.Metrics;
using TcpActors.Simulation;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>A live change in a run of several shards on several threads lands at one virtual time in all of them.</summary>
public sealed class LiveChangeShardTests
{
    [Fact]
    public async Task A_loss_posted_while_two_shards_run_on_two_threads_replays_on_one_thread_to_the_same_digest()
    {
        var scenario = SmallStorm.Scenario(couples: 40);
        scenario = scenario with { Run = scenario.Run with { Shards = 2 } };
        var control = new LiveControl();
        var hold = new PausingObserver(TimeSpan.FromSeconds(5));
        var run = Task.Factory.StartNew(
            // Paced (80 s in 4 s of wall time) so the shard that is not held cannot run to the end meanwhile.
            () => SimulationRunner.Run(scenario, new SimulationOptions { Threads = 2, Observer = hold, LiveControl = control, RealTime = true, TimeScale = 20 }),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        hold.WaitUntilPaused();

        // Only the shard that published t = 5 s last is held; the other may be a boundary ahead: the change goes past both.
        LiveChange change = control.Apply(new LiveChaos { Kind = LiveChaosKind.Loss, Loss = 0.5 });
        hold.Resume();
        RunReport live = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal([change], live.LiveChanges);
        Assert.InRange(change.At, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(9));
        Assert.True(live.Segments.DroppedByCause.Loss > 0, "50% loss from before the close at t = 10 s drops FINs");
        RunReport replay = SimulationRunner.Run(scenario, new SimulationOptions { Threads = 1, LiveControl = LiveControl.Replay(live.LiveChanges) });
        Assert.Equal(live.Digest, replay.Digest);
    }
}
