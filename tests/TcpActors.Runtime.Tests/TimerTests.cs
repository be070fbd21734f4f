namespace TcpActors.Runtime.Tests;

public class TimerTests
{
    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>The retransmission timer of a TCP endpoint, in miniature: re-armed on every ACK.</summary>
    private sealed class RtoOwner : Actor, IReceive<RtoOwner.Expired>, IReceive<RtoOwner.Command>
    {
        public readonly record struct Expired(int Arming);

        public enum Command { Arm, Cancel, StopSelf }

        private TimerId _rto;
        private int _armings;

        public TimeSpan Rto { get; set; } = TimeSpan.FromMilliseconds(200);

        public List<(TimeSpan At, int Arming)> Fired { get; } = new();

        public TimerId RtoTimer => _rto;

        public bool IsActive => !_rto.IsNone && Timers.IsTimerActive(_rto);

        public TimeSpan? DueAt => _rto.IsNone ? null : Timers.DueAt(_rto);

        public void Receive(Expired message) => Fired.Add((Now, message.Arming));

        public void Receive(Command command)
        {
            switch (command)
            {
                case Command.Arm:
                    Timers.StartSingleTimer(ref _rto, new Expired(++_armings), Rto);
                    break;
                case Command.Cancel:
                    Timers.Cancel(_rto);
                    break;
                case Command.StopSelf:
                    Stop();
                    break;
            }
        }
    }

    [Fact]
    public void A_timer_fires_exactly_once_after_its_delay()
    {
        var system = new ActorSystem();
        var owner = new RtoOwner();
        system.Spawn(owner).Tell(RtoOwner.Command.Arm);
        system.RunUntil(Ms(10));
        Assert.True(owner.IsActive);
        Assert.Equal(Ms(200), owner.DueAt);
        system.RunUntil(TimeSpan.FromSeconds(10));
        Assert.Equal([(Ms(200), 1)], owner.Fired);
        Assert.False(owner.IsActive);
        Assert.Null(owner.DueAt);
    }

    [Fact]
    public void Re_arming_a_timer_moves_its_expiry_and_only_the_latest_arming_fires()
    {
        var system = new ActorSystem();
        var owner = new RtoOwner();
        ActorRef actor = system.Spawn(owner);
        actor.Tell(RtoOwner.Command.Arm);
        actor.Tell(RtoOwner.Command.Arm, Ms(150));
        actor.Tell(RtoOwner.Command.Arm, Ms(300));
        system.RunUntilIdle();
        Assert.Equal([(Ms(500), 3)], owner.Fired);
    }

    [Fact]
    public void Re_arming_to_an_earlier_time_fires_at_the_earlier_time_only()
    {
        var system = new ActorSystem();
        var owner = new RtoOwner { Rto = TimeSpan.FromSeconds(1) };
        ActorRef actor = system.Spawn(owner);
        actor.Tell(RtoOwner.Command.Arm);
        system.RunUntil(Ms(1));
        owner.Rto = Ms(100);
        actor.Tell(RtoOwner.Command.Arm);
        system.RunUntilIdle();
        Assert.Equal([(Ms(101), 2)], owner.Fired);
    }

    [Fact]
    public void A_cancelled_timer_never_fires_and_can_be_started_again()
    {
        var system = new ActorSystem();
        var owner = new RtoOwner();
        ActorRef actor = system.Spawn(owner);
        actor.Tell(RtoOwner.Command.Arm);
        actor.Tell(RtoOwner.Command.Cancel, Ms(199));
        system.RunUntil(TimeSpan.FromSeconds(5));
        Assert.Empty(owner.Fired);
        Assert.False(owner.IsActive);

        actor.Tell(RtoOwner.Command.Arm);
        system.RunUntilIdle();
        Assert.Equal([(TimeSpan.FromSeconds(5) + Ms(200), 2)], owner.Fired);
    }

    [Fact]
    public void A_timer_due_at_the_same_instant_as_its_cancel_order_fires_when_it_was_armed_first()
    {
        // Total order (time, seq): the expiry was scheduled before the cancel message was sent.
        var system = new ActorSystem();
        var owner = new RtoOwner();
        ActorRef actor = system.Spawn(owner);
        actor.Tell(RtoOwner.Command.Arm);
        system.RunUntil(Ms(1));
        actor.Tell(RtoOwner.Command.Cancel, Ms(199));
        system.RunUntilIdle();
        Assert.Equal([(Ms(200), 1)], owner.Fired);
    }

    [Fact]
    public void Timers_of_a_stopped_actor_never_fire_and_their_slots_are_freed()
    {
        var system = new ActorSystem();
        var owner = new RtoOwner();
        ActorRef actor = system.Spawn(owner);
        actor.Tell(RtoOwner.Command.Arm);
        actor.Tell(RtoOwner.Command.StopSelf, Ms(100));
        system.RunUntilIdle();
        Assert.Empty(owner.Fired);
        Assert.Equal(0, system.AllocatedTimers);
        Assert.Equal(0, system.DeadLetters);
    }

    [Fact]
    public void A_freed_timer_slot_reused_by_another_actor_is_not_fired_by_the_old_entry()
    {
        var system = new ActorSystem();
        var first = new RtoOwner { Rto = Ms(100) };
        var second = new RtoOwner { Rto = Ms(300) };
        ActorRef firstRef = system.Spawn(first);
        firstRef.Tell(RtoOwner.Command.Arm);
        system.RunUntil(Ms(10));
        system.Stop(firstRef);
        system.Spawn(second).Tell(RtoOwner.Command.Arm);
        system.RunUntilIdle();
        Assert.Equal(first.RtoTimer, second.RtoTimer);
        Assert.Empty(first.Fired);
        Assert.Equal([(Ms(310), 1)], second.Fired);
    }

    [Fact]
    public void An_rto_timer_re_armed_on_every_ack_keeps_the_event_queue_bounded()
    {
        var system = new ActorSystem();
        var owners = new RtoOwner[10];
        var refs = new ActorRef[owners.Length];
        for (int i = 0; i < owners.Length; i++) refs[i] = system.Spawn(owners[i] = new RtoOwner());

        int maxQueued = 0;
        // 100 000 ACKs per endpoint, one every 10 µs: far faster than the 200 ms RTO expires.
        for (int ack = 0; ack < 100_000; ack++)
        {
            foreach (ActorRef actor in refs) actor.Tell(RtoOwner.Command.Arm);
            system.RunUntil(system.Now + TimeSpan.FromTicks(100));
            maxQueued = Math.Max(maxQueued, system.QueuedEntries);
        }
        system.RunUntilIdle();

        Assert.True(maxQueued <= 2 * owners.Length + 1024 + 1, $"queue grew to {maxQueued}");
        foreach (RtoOwner owner in owners)
        {
            Assert.Equal([(system.Now, 100_000)], owner.Fired);
        }
        Assert.Equal(0, system.QueuedEntries);
    }

    [Fact]
    public void The_next_event_time_skips_expiries_of_cancelled_and_re_armed_timers()
    {
        var system = new ActorSystem();
        var owner = new RtoOwner { Rto = TimeSpan.FromSeconds(1) };
        ActorRef actor = system.Spawn(owner);
        actor.Tell(RtoOwner.Command.Arm);
        system.RunUntil(Ms(1));
        owner.Rto = TimeSpan.FromSeconds(3);
        actor.Tell(RtoOwner.Command.Arm);
        system.RunUntil(Ms(2));

        // The first arming's entry (due at 1.001 s) is still queued but will never fire.
        Assert.Equal(Ms(3001), system.NextEventTime);

        actor.Tell(RtoOwner.Command.Cancel);
        system.RunUntil(Ms(3));
        Assert.Null(system.NextEventTime);
        Assert.Equal(0, system.QueuedEntries);
    }

    [Fact]
    public void A_timer_id_cannot_be_used_by_an_actor_that_does_not_own_it()
    {
        var system = new ActorSystem();
        var owner = new RtoOwner();
        system.Spawn(owner).Tell(RtoOwner.Command.Arm);
        system.RunUntil(Ms(1));
        var thief = new TimerThief(owner.RtoTimer);
        system.Spawn(thief).Tell(0);
        system.RunUntilIdle();
        Assert.IsType<InvalidOperationException>(thief.Caught);
        Assert.Single(owner.Fired);
    }

    private sealed class TimerThief(TimerId stolen) : Actor, IReceive<int>
    {
        public Exception? Caught { get; private set; }

        public void Receive(int message)
        {
            try
            {
                Timers.Cancel(stolen);
            }
            catch (Exception exception)
            {
                Caught = exception;
            }
        }
    }
}
