using System.Diagnostics;
using TcpActors.Runtime;

namespace TcpActors.Bench;

/// <summary>The workload on TcpActors.Runtime: one virtual-time system, one thread.</summary>
internal static class RuntimeContender
{
    private sealed class Pinger(ActorRef[] peers, RandomStream random) : Actor, IReceive<Ping>
    {
        private RandomStream _random = random;

        public void Receive(Ping message)
        {
            ActorRef next = peers[_random.NextUInt32((uint)peers.Length)];
            long delayTicks = TimeSpan.TicksPerMillisecond * (PingWorkload.MinDelayMs + _random.NextUInt32(PingWorkload.MaxDelayMs - PingWorkload.MinDelayMs + 1));
            next.Tell(message with { Hops = message.Hops + 1 }, new TimeSpan(delayTicks));
        }
    }

    /// <summary>An actor with no state of its own: what remains is the runtime's overhead.</summary>
    private sealed class Idle : Actor;

    /// <summary>Runs <paramref name="events"/> deliveries and returns events per wall second.</summary>
    public static (double EventsPerSecond, double EventsPerCpuSecond, long Events, TimeSpan VirtualTime) Measure(PingWorkload workload, long events)
    {
        var system = new ActorSystem(workload.Seed);
        var peers = new ActorRef[workload.Actors];
        for (int i = 0; i < peers.Length; i++) peers[i] = system.Spawn(new Pinger(peers, system.CreateRandomStream((ulong)i)));
        for (int i = 0; i < peers.Length; i++) peers[i].Tell(new Ping(i, 0), TimeSpan.FromMilliseconds(1 + i % PingWorkload.MaxDelayMs));

        long start = Stopwatch.GetTimestamp();
        TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        long delivered = 0;
        // In chunks, as a simulation drives its sampler: the loop method gets called often enough
        // to be promoted to fully optimized code, as it would be in a long run.
        while (delivered < events)
        {
            long chunk = system.RunUntilIdle(Math.Min(100_000, events - delivered));
            if (chunk == 0) break;
            delivered += chunk;
        }
        TimeSpan wall = Stopwatch.GetElapsedTime(start);
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
        return (delivered / wall.TotalSeconds, delivered / cpu.TotalSeconds, delivered, system.Now);
    }

    /// <summary>Heap bytes per idle spawned actor.</summary>
    public static double BytesPerIdleActor(int actors)
    {
        var system = new ActorSystem();
        var refs = new ActorRef[actors];
        system.Spawn(new Idle()); // let the system allocate its first-use structures
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < actors; i++) refs[i] = system.Spawn(new Idle());
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(refs);
        GC.KeepAlive(system);
        return (after - before) / (double)actors;
    }
}
