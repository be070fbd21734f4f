using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace TcpActors.Runtime.Tests;

/// <summary>
/// Delivery follows (virtual time, send order). The facts over many random sends are FsCheck
/// properties: <see cref="Draw"/> pins FsCheck's random draw, so every run checks the same cases
/// (remove <c>Replay</c> locally to explore others; a failure prints the draw that replays it),
/// and <c>MaxTest</c> bounds their number, so the class takes well under a second.
/// </summary>
public class OrderingTests
{
    /// <summary>The pinned draw (FsCheck's "(seed,gamma)"; the gamma is SplitMix64's, odd as it must be).</summary>
    private const string Draw = "(20261202,11400714819323198485)";

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>Sends, in send order, each due after its delay in milliseconds; few distinct delays, so many fall on the same instant.</summary>
    public sealed record Sends(int[] DelaysMs)
    {
        public override string ToString() => $"delays [{string.Join(", ", DelaysMs)}] ms";
    }

    /// <summary>
    /// A first message due at <see cref="FirstMicroseconds"/>, then a burst due at or before it (a
    /// storm's arrivals spread by jitter), in microseconds: hundreds to thousands of messages over
    /// the calendar queue's buckets before and at the head's.
    /// </summary>
    public sealed record Burst(int FirstMicroseconds, int[] DuesMicroseconds)
    {
        public override string ToString() => $"first at {FirstMicroseconds} µs, then {DuesMicroseconds.Length} due at [{string.Join(", ", DuesMicroseconds)}] µs";
    }

    /// <summary>Sends made over time: each waits <c>GapMs</c> after the one before, then sends for <c>DelayMs</c> later.</summary>
    public sealed record TimedSends((int GapMs, int DelayMs)[] Sends)
    {
        public override string ToString() => $"(gap, delay) [{string.Join(", ", Sends.Select(s => $"({s.GapMs}, {s.DelayMs})"))}] ms";
    }

    public static class Generators
    {
        public static Arbitrary<TimedSends> TimedSends() =>
            (from sends in Gen.ArrayOf(from gap in Gen.Choose(0, 20) from delay in Gen.Choose(0, 40) select (gap, delay))
             select new TimedSends(sends)).ToArbitrary();

        public static Arbitrary<Sends> Sends() =>
            (from delays in Gen.ArrayOf(Gen.Choose(0, 50))
             select new Sends(delays)).ToArbitrary();

        public static Arbitrary<Burst> Burst() =>
            (from first in Gen.Choose(1, 50_000)
             from count in Gen.Choose(0, 3_000)
             from dues in Gen.ArrayOf(Gen.Choose(1, first), count)
             select new Burst(first, dues)).ToArbitrary();
    }

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

    [Property(MaxTest = 300, Replay = Draw, Arbitrary = [typeof(Generators)])]
    public void Delayed_messages_arrive_in_time_order_whatever_the_send_order_and_equal_times_in_send_order(Sends sends)
    {
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        int[] delays = sends.DelaysMs;
        for (int i = 0; i < delays.Length; i++) target.Tell(i, Ms(delays[i]));
        system.RunUntilIdle();

        // A stable sort by due time: Enumerable.OrderBy keeps the send order of equal keys.
        var expected = Enumerable.Range(0, delays.Length).OrderBy(i => delays[i]).ToList();
        Assert.Equal(expected.ConvertAll(i => (Ms(delays[i]), (object)i)), recorder.Log);
    }

    [Property(MaxTest = 100, Replay = Draw, Arbitrary = [typeof(Generators)])]
    public void Messages_sent_after_a_later_one_into_an_empty_queue_still_arrive_in_time_order(Burst burst)
    {
        // The first message makes its bucket the queue's head; the many sent after it for the
        // same and earlier buckets must still come in time order, each at its own time, and those
        // due at the same instant in send order (the first one, sent first, before any due with it).
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        int[] dues = [burst.FirstMicroseconds, .. burst.DuesMicroseconds];
        for (int i = 0; i < dues.Length; i++) target.Tell(i, TimeSpan.FromMicroseconds(dues[i]));
        system.RunUntilIdle();

        var expected = Enumerable.Range(0, dues.Length).OrderBy(i => dues[i]).ToList();
        Assert.Equal(expected.ConvertAll(i => (TimeSpan.FromMicroseconds(dues[i]), (object)i)), recorder.Log);
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

    [Property(MaxTest = 300, Replay = Draw, Arbitrary = [typeof(Generators)])]
    public void Messages_sent_at_different_times_arrive_by_due_time_and_then_send_order(TimedSends timed)
    {
        // The driver advances virtual time between sends (RunUntil), as a workload does: a message
        // sent later for the same instant as an earlier one comes after it, whatever its delay.
        var system = new ActorSystem();
        var recorder = new Recorder();
        ActorRef target = system.Spawn(recorder);
        var due = new TimeSpan[timed.Sends.Length];
        TimeSpan now = TimeSpan.Zero;
        for (int i = 0; i < timed.Sends.Length; i++)
        {
            now += Ms(timed.Sends[i].GapMs);
            system.RunUntil(now);
            target.Tell(i, Ms(timed.Sends[i].DelayMs));
            due[i] = now + Ms(timed.Sends[i].DelayMs);
        }
        system.RunUntilIdle();

        var expected = Enumerable.Range(0, due.Length).OrderBy(i => due[i]).ToList();
        Assert.Equal(expected.ConvertAll(i => (due[i], (object)i)), recorder.Log);
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
