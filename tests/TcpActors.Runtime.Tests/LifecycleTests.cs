namespace TcpActors.Runtime.Tests;

public class LifecycleTests
{
    private sealed class Greeter : Actor, IReceive<string>
    {
        public List<string> Events { get; } = new();

        protected override void PreStart() => Events.Add("start");

        protected override void PostStop() => Events.Add("stop");

        public void Receive(string message)
        {
            Events.Add(message);
            if (message == "ping") Sender.Tell("pong");
            if (message == "quit") Stop();
        }
    }

    [Fact]
    public void Spawn_calls_pre_start_and_stop_calls_post_stop_once()
    {
        var system = new ActorSystem();
        var greeter = new Greeter();
        ActorRef actor = system.Spawn(greeter);
        Assert.Equal(1, system.LiveActors);
        system.Stop(actor);
        system.Stop(actor);
        Assert.Equal(["start", "stop"], greeter.Events);
        Assert.Equal(0, system.LiveActors);
        Assert.False(greeter.IsAlive);
    }

    [Fact]
    public void Messages_to_a_stopped_actor_are_counted_as_dead_letters()
    {
        var system = new ActorSystem();
        var greeter = new Greeter();
        ActorRef actor = system.Spawn(greeter);
        actor.Tell("queued before stop", TimeSpan.FromSeconds(1));
        actor.Tell("quit");
        system.RunUntil(TimeSpan.FromMilliseconds(1));
        actor.Tell("after stop");
        system.RunUntilIdle();
        Assert.Equal(["start", "quit", "stop"], greeter.Events);
        Assert.Equal(2, system.DeadLetters);
    }

    [Fact]
    public void A_reply_goes_to_the_sender_which_defaults_to_the_actor_telling_from_its_handler()
    {
        var system = new ActorSystem();
        var greeter = new Greeter();
        var asker = new Asker(system.Spawn(greeter));
        system.Spawn(asker).Tell(0);
        system.RunUntilIdle();
        Assert.Equal(["pong"], asker.Replies);
    }

    [Fact]
    public void A_message_of_a_type_the_actor_does_not_accept_is_counted_as_unhandled()
    {
        var system = new ActorSystem();
        var greeter = new Greeter();
        system.Spawn(greeter).Tell(42);
        system.RunUntilIdle();
        Assert.Equal(1, system.UnhandledMessages);
        Assert.Equal(["start"], greeter.Events);
    }

    [Fact]
    public void An_actor_instance_cannot_be_spawned_twice()
    {
        var system = new ActorSystem();
        var greeter = new Greeter();
        system.Spawn(greeter);
        Assert.Throws<InvalidOperationException>(() => system.Spawn(greeter));
    }

    [Fact]
    public void Actors_are_numbered_in_spawn_order_and_refs_compare_by_actor()
    {
        var system = new ActorSystem();
        ActorRef first = system.Spawn(new Greeter());
        ActorRef second = system.Spawn(new Greeter());
        Assert.Equal(0, first.Id);
        Assert.Equal(1, second.Id);
        Assert.NotEqual(first, second);
        Assert.Equal(first, first);
        Assert.True(ActorRef.Nobody.IsNobody);
        Assert.Equal(-1, ActorRef.Nobody.Id);
        ActorRef.Nobody.Tell("dropped");
    }

    [Fact]
    public void A_ref_from_one_system_cannot_be_told_through_another()
    {
        var first = new ActorSystem();
        var second = new ActorSystem();
        ActorRef actor = first.Spawn(new Greeter());
        Assert.Throws<InvalidOperationException>(() => second.Tell(actor, "hello"));
    }

    [Fact]
    public void Struct_messages_are_delivered_without_allocating_once_the_queues_have_grown()
    {
        var system = new ActorSystem();
        var counter = new Counter();
        ActorRef actor = system.Spawn(counter);
        for (int i = 0; i < 1000; i++) actor.Tell(new Tick(i), TimeSpan.FromTicks(i % 7));
        system.RunUntilIdle();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 10; round++)
        {
            for (int i = 0; i < 1000; i++) actor.Tell(new Tick(i), TimeSpan.FromTicks(i % 7));
            system.RunUntilIdle();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(11_000, counter.Count);
        Assert.Equal(0, allocated);
    }

    private readonly record struct Tick(int Value);

    private sealed class Counter : Actor, IReceive<Tick>
    {
        public int Count;

        public void Receive(Tick message) => Count++;
    }

    private sealed class Asker(ActorRef greeter) : Actor, IReceive<int>, IReceive<string>
    {
        public List<string> Replies { get; } = new();

        public void Receive(int message) => greeter.Tell("ping");

        public void Receive(string message) => Replies.Add(message);
    }
}
