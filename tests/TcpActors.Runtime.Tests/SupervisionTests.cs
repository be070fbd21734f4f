namespace TcpActors.Runtime.Tests;

public class SupervisionTests
{
    private sealed class Fragile : Actor, IReceive<int>
    {
        public List<int> Seen { get; } = new();

        public void Receive(int message)
        {
            if (message < 0) throw new InvalidOperationException($"cannot handle {message}");
            Seen.Add(message);
        }
    }

    [Fact]
    public void A_throwing_actor_is_stopped_and_the_others_run_on()
    {
        var system = new ActorSystem();
        var failures = new List<ActorFailure>();
        system.ActorFailed += failures.Add;
        var fragile = new Fragile();
        var healthy = new Recorder();
        ActorRef fragileRef = system.Spawn(fragile);
        ActorRef healthyRef = system.Spawn(healthy);

        fragileRef.Tell(1);
        fragileRef.Tell(-1, TimeSpan.FromSeconds(1));
        fragileRef.Tell(2, TimeSpan.FromSeconds(2));
        healthyRef.Tell(10, TimeSpan.FromSeconds(3));
        system.RunUntilIdle();

        Assert.Equal([1], fragile.Seen);
        Assert.False(fragile.IsAlive);
        Assert.Equal(new object[] { 10 }, healthy.Messages);
        Assert.Equal(1, system.Failures);
        Assert.Equal(1, system.DeadLetters);
        ActorFailure failure = Assert.Single(failures);
        Assert.Equal(fragileRef, failure.Actor);
        Assert.Equal(Directive.Stop, failure.Directive);
        Assert.Equal(TimeSpan.FromSeconds(1), failure.At);
        Assert.Equal(typeof(int), failure.MessageType);
        Assert.IsType<InvalidOperationException>(failure.Exception);
    }

    [Fact]
    public void Resume_keeps_the_actor_and_its_state_and_drops_only_the_failed_message()
    {
        var system = new ActorSystem { SupervisorStrategy = SupervisorStrategy.ResumingStrategy };
        var fragile = new Fragile();
        ActorRef actor = system.Spawn(fragile);
        actor.Tell(1);
        actor.Tell(-1);
        actor.Tell(2);
        system.RunUntilIdle();
        Assert.Equal([1, 2], fragile.Seen);
        Assert.True(fragile.IsAlive);
        Assert.Equal(1, system.Failures);
    }

    [Fact]
    public void Restart_replaces_the_actor_with_a_fresh_instance_behind_the_same_ref()
    {
        var system = new ActorSystem();
        Fragile? latest = null;
        ActorRef actor = system.Spawn(Props.Create(() => latest = new Fragile())
            .WithSupervisorStrategy(SupervisorStrategy.RestartingStrategy));
        Fragile first = latest!;
        actor.Tell(1);
        actor.Tell(-1);
        actor.Tell(2, TimeSpan.FromSeconds(1));
        system.RunUntil(TimeSpan.FromMilliseconds(1));
        actor.Tell(3);
        system.RunUntilIdle();

        Fragile second = latest!;
        Assert.NotSame(first, second);
        Assert.Equal([1], first.Seen);
        Assert.Equal([3, 2], second.Seen);
        Assert.Equal(actor, second.Self);
        Assert.Equal(actor.Id, second.Self.Id);
        Assert.Equal(1, system.Restarts);
        Assert.Equal(1, system.LiveActors);
        Assert.Equal(0, system.DeadLetters);
    }

    [Fact]
    public void Restart_of_an_actor_spawned_from_an_instance_stops_it_instead()
    {
        var system = new ActorSystem { SupervisorStrategy = SupervisorStrategy.RestartingStrategy };
        ActorFailure? reported = null;
        system.ActorFailed += failure => reported = failure;
        var fragile = new Fragile();
        system.Spawn(fragile).Tell(-1);
        system.RunUntilIdle();
        Assert.False(fragile.IsAlive);
        Assert.Equal(Directive.Stop, reported?.Directive);
    }

    [Fact]
    public void The_decider_chooses_the_directive_per_exception()
    {
        var system = new ActorSystem
        {
            SupervisorStrategy = new SupervisorStrategy(e => e is InvalidOperationException ? Directive.Resume : Directive.Stop),
        };
        var fragile = new Fragile();
        ActorRef actor = system.Spawn(fragile);
        actor.Tell(-1);
        actor.Tell(5);
        system.RunUntilIdle();
        Assert.True(fragile.IsAlive);
        Assert.Equal([5], fragile.Seen);
    }

    [Fact]
    public void An_actor_that_fails_to_start_is_stopped_and_reported()
    {
        var system = new ActorSystem();
        var failures = new List<ActorFailure>();
        system.ActorFailed += failures.Add;
        var broken = new BrokenAtStart();
        ActorRef actor = system.Spawn(broken);
        actor.Tell(1);
        system.RunUntilIdle();
        Assert.False(broken.IsAlive);
        Assert.Null(Assert.Single(failures).MessageType);
        Assert.Equal(1, system.DeadLetters);
        Assert.Equal(0, system.LiveActors);
    }

    private sealed class BrokenAtStart : Actor, IReceive<int>
    {
        protected override void PreStart() => throw new InvalidOperationException("no config");

        public void Receive(int message) { }
    }
}
