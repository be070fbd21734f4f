namespace TcpActors.Simulation.Model;

/// <summary>
/// Every random stream of a run, in one table. A stream is (run seed, stream id); each entity
/// draws from its own stream, named by the entity's identity — never by creation order, shard or
/// engine — so adding an event somewhere never shifts another entity's draws (DESIGN.md §3), and
/// a couple or a link draws the same numbers on any split. The ids below are disjoint by their
/// high bits:
/// <code>
/// bits 63..60   id                                            entity
/// 0000          0x5757_0000 + part                            swarm seed draws (SeedDraw)
/// 0000          2^40 + couple                                 a couple's workload decisions (WorkloadPlan.Decide)
/// 001x          2^61 | role·2^62 | (from+1)·2^31 | to         a directed link's impairments (Link)
/// 0011          3·2^60 + event·2^32 + couple                  the rst chaos event's choice of a couple
/// </code>
/// Keys that are not streams: a client host's port key is its index (RFC 6056 F(); a crash draws a
/// new one, EphemeralPorts.NextBootSecret), a server's SYN cookie secret is
/// <see cref="CookieSecret"/>, initial sequence numbers are <see cref="InitialSequenceNumbers"/>
/// keyed by <see cref="IsnSecret"/>.
/// </summary>
internal static class RandomStreams
{
    private const ulong CoupleBase = 1UL << 40;
    private const ulong LinkMark = 1UL << 61;
    private const ulong RstChaosBase = 3UL << 60;
    private const ulong SwarmBase = 0x5757_0000UL;

    /// <summary>The stream of a couple's workload decisions (idle, closer, abort, leak).</summary>
    public static ulong Couple(int couple) => CoupleBase + (ulong)couple;

    /// <summary>The stream of a directed link; <paramref name="key"/> is the link's identity key.</summary>
    public static ulong Link(long key) => (ulong)key | LinkMark;

    /// <summary>The stream a <c>rst</c> chaos event (index <paramref name="chaosEvent"/>) draws from for one couple.</summary>
    public static ulong RstChaos(int chaosEvent, int couple) => RstChaosBase + ((ulong)chaosEvent << 32) + (ulong)couple;

    /// <summary>The stream of one part of a swarm seed's draws.</summary>
    public static ulong Swarm(ulong part) => SwarmBase + part;

    /// <summary>The key of every initial sequence number of a run (Linux: <c>net_secret</c>, drawn per boot).</summary>
    public static ulong IsnSecret(ulong seed) => seed * 0xD6E8FEB86659FD93UL ^ 0x6528UL;

    /// <summary>A server host's SYN cookie secret (Linux keys a SipHash per boot; any keyed hash will do here).</summary>
    public static ulong CookieSecret(ulong seed, int host) => seed * 0x9E3779B97F4A7C15UL ^ (ulong)host;
}
