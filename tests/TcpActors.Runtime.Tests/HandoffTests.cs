namespace TcpActors.Runtime.Tests;

/// <summary>
/// A hand-off is a message delivered as soon as the running handler returns, before any other
/// event of the instant: the way a host gives a segment to its endpoint's actor without a call
/// into it and without letting another event of the instant come between.
/// </summary>
public class HandoffTests
{
    /// <summary>On an int, hands "handed:N" to <see cref="Target"/> and tells it "told:N".</summary>
    private sealed class Forwarder : Actor, IReceive<int>
    {
        public ActorRef Target;

        public void Receive(int message)
        {
            System.Tell(Target, $"told:{message}");
            System.Handoff(Target, $"handed:{message}");
        }
    }

    [Fact]
    public void A_handoff_runs_before_messages_already_due_at_the_same_instant()
    {
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        ActorRef forwarder = system.Spawn(new Forwarder { Target = target });
        forwarder.Tell(1, TimeSpan.FromSeconds(1));
        target.Tell("already due", TimeSpan.FromSeconds(1));
        system.RunUntilIdle();
        Assert.Equal(new object[] { "handed:1", "already due", "told:1" }, recorder.Messages);
        Assert.All(recorder.Log, e => Assert.Equal(TimeSpan.FromSeconds(1), e.At));
    }

    /// <summary>Hands each int on to the next in the chain, minus one, until zero.</summary>
    private sealed class Chain : Actor, IReceive<int>
    {
        public ActorRef Next;
        public List<int> Seen { get; } = [];

        public void Receive(int message)
        {
            Seen.Add(message);
            if (message > 0) System.Handoff(Next, message - 1);
        }
    }

    [Fact]
    public void Handoffs_made_by_a_handoff_run_in_the_order_they_were_made_within_the_same_event()
    {
        var system = new ActorSystem();
        var a = new Chain();
        var b = new Chain();
        ActorRef refA = system.Spawn(a), refB = system.Spawn(b);
        a.Next = refB;
        b.Next = refA;
        refA.Tell(5);
        refB.Tell(2);
        Assert.True(system.Step());
        // One Step delivers the event and every hand-off it caused, before the next event.
        Assert.Equal([5, 3, 1], a.Seen);
        Assert.Equal([4, 2, 0], b.Seen);
        system.RunUntilIdle();
        Assert.Equal([5, 3, 1, 1], a.Seen);
        Assert.Equal([4, 2, 0, 2, 0], b.Seen);
    }

    private sealed class Thrower : Actor, IReceive<string>
    {
        public void Receive(string message) => throw new InvalidOperationException(message);
    }

    [Fact]
    public void A_handoff_that_throws_stops_its_target_and_not_the_sender()
    {
        var system = new ActorSystem();
        var thrower = new Thrower();
        ActorRef target = system.Spawn(thrower);
        var forwarder = new Forwarder { Target = target };
        system.Spawn(forwarder);
        forwarder.Self.Tell(7);
        system.RunUntilIdle();
        Assert.False(thrower.IsAlive);
        Assert.True(forwarder.IsAlive);
        Assert.Equal(1, system.Failures);
    }

    [Fact]
    public void RunBefore_leaves_the_events_of_its_end_instant_for_later()
    {
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        target.Tell(1, TimeSpan.FromMilliseconds(999));
        target.Tell(2, TimeSpan.FromSeconds(1));
        Assert.Equal(1, system.RunBefore(TimeSpan.FromSeconds(1)));
        Assert.Equal(new object[] { 1 }, recorder.Messages);
        Assert.Equal(TimeSpan.FromSeconds(1), system.NextEventTime);
        // A message from another shard for that instant still runs in its place: after the ones queued before it.
        target.Tell(3, TimeSpan.FromSeconds(1) - system.Now);
        system.RunUntil(TimeSpan.FromSeconds(1));
        Assert.Equal(new object[] { 1, 2, 3 }, recorder.Messages);
    }
}

public class SlicedRunTests
{
    [Fact]
    public void A_run_in_slices_stops_at_each_limit_and_ends_where_an_unsliced_run_ends()
    {
        var whole = new ActorSystem();
        var sliced = new ActorSystem();
        var a = new Recorder();
        var b = new Recorder();
        ActorRef ra = whole.Spawn(a), rb = sliced.Spawn(b);
        for (int i = 0; i < 10; i++)
        {
            ra.Tell(i, TimeSpan.FromMilliseconds(i));
            rb.Tell(i, TimeSpan.FromMilliseconds(i));
        }
        ra.Tell(99, TimeSpan.FromSeconds(5));
        rb.Tell(99, TimeSpan.FromSeconds(5));

        whole.RunUntil(TimeSpan.FromSeconds(1));
        int slices = 1;
        while (!sliced.RunUntil(TimeSpan.FromSeconds(1), maxEvents: 3)) slices++;

        Assert.Equal(4, slices);
        Assert.Equal(a.Messages, b.Messages);
        Assert.Equal(whole.Now, sliced.Now);
        Assert.Equal(TimeSpan.FromSeconds(1), sliced.Now);
        Assert.Equal(TimeSpan.FromSeconds(5), sliced.NextEventTime);
    }
}
