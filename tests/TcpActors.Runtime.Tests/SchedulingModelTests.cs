namespace TcpActors.Runtime.Tests;

/// <summary>
/// Checks the calendar queues against the specification they implement: whatever the mix of
/// delays (none, sub-bucket, within the wheel, far beyond it), message types and clock jumps,
/// every message is delivered exactly once, at its due time, in (due time, send order) order.
/// </summary>
public class SchedulingModelTests
{
    private readonly record struct Small(int Id);

    private sealed record Big(int Id);

    /// <summary>Forwards with random delays drawn from a wide mix and logs every delivery.</summary>
    private sealed class Chaotic(Model model, int index) : Actor, IReceive<Small>, IReceive<Big>, IReceive<long>
    {
        private RandomStream _random = new(7, (ulong)index);
        private TimerId _timer;

        public void Receive(Small message) => model.Delivered(message.Id, Now, this);

        public void Receive(Big message) => model.Delivered(message.Id, Now, this);

        public void Receive(long message) => model.Delivered((int)message, Now, this);

        public void Fanout()
        {
            int sends = 1 + (int)_random.NextUInt32(3);
            for (int i = 0; i < sends && model.Budget > 0; i++)
            {
                ActorRef target = model.Actors[_random.NextUInt32((uint)model.Actors.Length)];
                TimeSpan delay = _random.NextUInt32(6) switch
                {
                    0 => TimeSpan.Zero,
                    1 => TimeSpan.FromTicks(_random.NextUInt32(300)),
                    2 => TimeSpan.FromMilliseconds(_random.NextUInt32(20)),
                    3 => TimeSpan.FromMilliseconds(_random.NextUInt32(3000)),
                    4 => TimeSpan.FromSeconds(_random.NextUInt32(120)),
                    _ => TimeSpan.FromTicks(1024 * _random.NextUInt32(40)),
                };
                int id = model.Sent(Now + delay);
                switch (_random.NextUInt32(3))
                {
                    case 0: target.Tell(new Small(id), delay); break;
                    case 1: target.Tell(new Big(id), delay); break;
                    default: target.Tell((long)id, delay); break;
                }
            }
            if (_random.Chance(0.3) && model.Budget > 0)
            {
                // A timer that is re-armed or cancelled now and then; only its last arming counts.
                if (!_timer.IsNone && Timers.IsTimerActive(_timer)) model.Cancelled(Timers.DueAt(_timer)!.Value, this);
                if (_random.Chance(0.2))
                {
                    Timers.Cancel(_timer);
                }
                else
                {
                    TimeSpan delay = TimeSpan.FromMilliseconds(_random.NextUInt32(2500));
                    int id = model.Sent(Now + delay, timerOf: this);
                    Timers.StartSingleTimer(ref _timer, new Small(id), delay);
                }
            }
        }
    }

    private sealed class Model
    {
        private readonly List<(TimeSpan Due, int Id)> _expected = new();
        private readonly List<(TimeSpan At, int Id)> _delivered = new();
        private readonly Dictionary<Chaotic, int> _pendingTimer = new();
        private readonly HashSet<int> _cancelled = new();

        public ActorRef[] Actors = [];
        public int Budget = 20_000;

        public int Sent(TimeSpan due, Chaotic? timerOf = null)
        {
            Budget--;
            int id = _expected.Count;
            _expected.Add((due, id));
            if (timerOf is not null) _pendingTimer[timerOf] = id;
            return id;
        }

        public void Cancelled(TimeSpan due, Chaotic owner)
        {
            if (_pendingTimer.Remove(owner, out int id)) _cancelled.Add(id);
        }

        public void Delivered(int id, TimeSpan at, Chaotic by)
        {
            _delivered.Add((at, id));
            if (_pendingTimer.TryGetValue(by, out int timer) && timer == id) _pendingTimer.Remove(by);
            by.Fanout();
        }

        public void Check()
        {
            // Ids are handed out in send order, which is the order the system numbers sends in.
            var expected = _expected.Where(e => !_cancelled.Contains(e.Id)).OrderBy(e => e.Due).ThenBy(e => e.Id).ToList();
            Assert.Equal(expected.Count, _delivered.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Id, _delivered[i].Id);
                Assert.Equal(expected[i].Due, _delivered[i].At);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_message_arrives_once_at_its_due_time_in_due_time_then_send_order(bool jumpTheClock)
    {
        var system = new ActorSystem();
        var model = new Model();
        var actors = new Chaotic[40];
        model.Actors = new ActorRef[actors.Length];
        for (int i = 0; i < actors.Length; i++) model.Actors[i] = system.Spawn(actors[i] = new Chaotic(model, i));
        for (int i = 0; i < actors.Length; i++) actors[i].Fanout();

        if (jumpTheClock)
        {
            // Drive in uneven strides, sometimes far past the last event, as a sampler and a
            // real-time driver do; the queues must follow without reordering anything.
            var strides = new RandomStream(9, 9);
            while (system.NextEventTime is not null) system.RunUntil(system.Now + TimeSpan.FromTicks(1 + strides.NextUInt32(40_000_000)));
        }
        else
        {
            system.RunUntilIdle();
        }

        model.Check();
        Assert.Equal(0, system.QueuedEntries);
    }
}
