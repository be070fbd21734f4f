namespace TcpActors.Runtime.Tests;

public class OrderingTests
{
    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Messages_sent_for_the_same_time_arrive_in_send_order()
    {
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        for (int i = 0; i < 100; i++) target.Tell(i, Ms(5));
        system.RunUntilIdle();
        Assert.Equal(Enumerable.Range(0, 100).Cast<object>(), recorder.Messages);
    }

    [Fact]
    public void Delayed_messages_arrive_in_time_order_whatever_the_send_order()
    {
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        int[] delays = [30, 10, 50, 20, 40, 0];
        foreach (int delay in delays) target.Tell(delay, Ms(delay));
        system.RunUntilIdle();
        Assert.Equal(new object[] { 0, 10, 20, 30, 40, 50 }, recorder.Messages);
        Assert.Equal(recorder.Log.ConvertAll(e => Ms((int)e.Message)), recorder.Log.ConvertAll(e => e.At));
    }

    [Fact]
    public void Messages_sent_after_a_later_one_into_an_empty_queue_still_arrive_in_time_order()
    {
        // The first message makes its bucket the queue's head; the many sent after it for the
        // same and earlier buckets (a storm's arrivals spread by jitter) must still come in time
        // order, each at its own time.
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        var random = new Random(7);
        target.Tell(12_000, TimeSpan.FromMicroseconds(12_000));
        for (int i = 0; i < 2_000; i++)
        {
            int dueMicroseconds = 1 + random.Next(12_000);
            target.Tell(dueMicroseconds, TimeSpan.FromMicroseconds(dueMicroseconds));
        }
        system.RunUntilIdle();

        Assert.Equal(2_001, recorder.Log.Count);
        for (int i = 0; i < recorder.Log.Count; i++)
        {
            Assert.Equal(TimeSpan.FromMicroseconds((int)recorder.Log[i].Message), recorder.Log[i].At);
            if (i > 0) Assert.True(recorder.Log[i - 1].At <= recorder.Log[i].At, $"message {i} out of time order");
        }
    }

    [Fact]
    public void Messages_due_at_the_same_instant_run_in_send_order_even_when_sent_at_different_times()
    {
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        target.Tell("delayed", Ms(10));
        system.RunUntil(Ms(5));
        target.Tell("sent-at-5ms-for-10ms", Ms(5));
        system.RunUntil(Ms(10));
        Assert.Equal(new object[] { "delayed", "sent-at-5ms-for-10ms" }, recorder.Messages);
    }

    [Fact]
    public void Immediate_and_delayed_messages_for_the_same_instant_interleave_by_send_order()
    {
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        var relay = new Relay(target);
        ActorRef relayRef = system.Spawn(relay);
        // At t=10ms the relay forwards with no delay; a message sent at t=0 for t=10ms is older.
        relayRef.Tell(1, Ms(10));
        target.Tell(0, Ms(10));
        system.RunUntilIdle();
        // Send order: relay's input (seq 0), then 0 for target (seq 1), then relay's forward (seq 2).
        Assert.Equal(new object[] { 0, 1 }, recorder.Messages);
    }

    [Fact]
    public void A_message_sent_inside_a_handler_is_not_handled_until_the_handler_returns()
    {
        var system = new ActorSystem();
        var actor = new Reentrant();
        ActorRef actorRef = system.Spawn(actor);
        actorRef.Tell(3);
        system.RunUntilIdle();
        Assert.Equal(["enter 3", "leave 3", "enter 2", "leave 2", "enter 1", "leave 1", "enter 0", "leave 0"], actor.Trace);
    }

    [Fact]
    public void Virtual_time_jumps_to_each_event_and_run_until_stops_at_the_given_time()
    {
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        target.Tell(1, TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromHours(1), system.NextEventTime);
        Assert.True(system.Step());
        Assert.Equal(TimeSpan.FromHours(1), system.Now);
        Assert.False(system.Step());
        Assert.Null(system.NextEventTime);
        system.RunUntil(TimeSpan.FromHours(2));
        Assert.Equal(TimeSpan.FromHours(2), system.Now);
    }

    [Fact]
    public void Run_until_delivers_events_at_exactly_the_limit_and_none_after()
    {
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        target.Tell(10, Ms(10));
        target.Tell(11, Ms(10) + TimeSpan.FromTicks(1));
        Assert.Equal(1, system.RunUntil(Ms(10)));
        Assert.Equal(new object[] { 10 }, recorder.Messages);
    }

    [Fact]
    public void A_message_cannot_be_sent_into_the_past()
    {
        var system = new ActorSystem();
        ActorRef target = system.Spawn(new Recorder());
        Assert.Throws<ArgumentOutOfRangeException>(() => system.Tell(target, 1, TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void An_actor_cannot_drive_its_own_system_from_a_handler()
    {
        var system = new ActorSystem();
        var driver = new SelfDriver();
        system.Spawn(driver).Tell(1);
        system.RunUntilIdle();
        Assert.IsType<InvalidOperationException>(driver.Caught);
    }

    private sealed class Relay(ActorRef target) : Actor, IReceive<int>
    {
        public void Receive(int message) => target.Tell(message);
    }

    private sealed class Reentrant : Actor, IReceive<int>
    {
        public List<string> Trace { get; } = new();

        public void Receive(int message)
        {
            Trace.Add($"enter {message}");
            if (message > 0) Self.Tell(message - 1);
            Trace.Add($"leave {message}");
        }
    }

    private sealed class SelfDriver : Actor, IReceive<int>
    {
        public Exception? Caught { get; private set; }

        public void Receive(int message)
        {
            try
            {
                System.Step();
            }
            catch (Exception exception)
            {
                Caught = exception;
            }
        }
    }
}
