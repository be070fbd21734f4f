using System.Text;

namespace TcpActors.Runtime.Tests;

/// <summary>
/// A randomized ping workload: every actor forwards each ping to a random peer after a random
/// delay, drawing from its own seeded stream, and re-arms a random watchdog timer. Returns the
/// log of every delivery, which must be a pure function of the seed.
/// </summary>
internal static class PingWorkload
{
    public readonly record struct Ping(int Origin, int Hop);

    private readonly record struct Watchdog(int Arming);

    private sealed class Pinger : Actor, IReceive<Ping>, IReceive<Watchdog>
    {
        private readonly ActorRef[] _peers;
        private readonly StringBuilder _log;
        private RandomStream _random;
        private TimerId _watchdog;
        private int _armings;

        public Pinger(ActorRef[] peers, StringBuilder log, RandomStream random)
        {
            _peers = peers;
            _log = log;
            _random = random;
        }

        public void Receive(Ping message)
        {
            _log.Append(Now.Ticks).Append(' ').Append(Self.Id).Append(" <- ").Append(Sender.Id)
                .Append(" ping ").Append(message.Origin).Append('/').Append(message.Hop).Append('\n');
            if (message.Hop >= 20) return;
            ActorRef next = _peers[_random.NextUInt32((uint)_peers.Length)];
            // Some pings go out at once, most after a delay; many land on the same instant.
            TimeSpan delay = _random.Chance(0.2) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(_random.NextUInt32(5));
            next.Tell(message with { Hop = message.Hop + 1 }, delay);
            if (_random.Chance(0.5)) Timers.StartSingleTimer(ref _watchdog, new Watchdog(++_armings), TimeSpan.FromMilliseconds(_random.NextUInt32(10)));
        }

        public void Receive(Watchdog message) =>
            _log.Append(Now.Ticks).Append(' ').Append(Self.Id).Append(" watchdog ").Append(message.Arming).Append('\n');
    }

    public static string Run(ulong seed, int actors = 50, int pings = 100)
    {
        string? result = null;
        RunWith(seed, system => system.RunUntilIdle(), log => result = log, actors, pings);
        return result!;
    }

    /// <summary>Sets the workload up, lets <paramref name="drive"/> run the system to the end, and
    /// hands the log (without the final clock, which a driver may move past the last event) to
    /// <paramref name="report"/>.</summary>
    public static void RunWith(ulong seed, Action<ActorSystem> drive, Action<string> report, int actors = 50, int pings = 100)
    {
        var system = new ActorSystem(seed);
        var log = new StringBuilder();
        var peers = new ActorRef[actors];
        for (int i = 0; i < actors; i++) peers[i] = system.Spawn(new Pinger(peers, log, system.CreateRandomStream((ulong)i)));
        RandomStream starter = system.CreateRandomStream(ulong.MaxValue);
        for (int i = 0; i < pings; i++)
        {
            peers[starter.NextUInt32((uint)actors)].Tell(new Ping(i, 0), TimeSpan.FromMilliseconds(starter.NextUInt32(3)));
        }
        drive(system);
        log.Append("events ").Append(system.EventsProcessed);
        report(log.ToString());
    }
}
