namespace TcpActors.Bench;

/// <summary>
/// The workload both contenders run: <see cref="Actors"/> actors, each starting with one ping in
/// flight; on every ping an actor picks a random peer and a random delay of 1–10 ms from its own
/// seeded stream and sends the ping on. So there are always <see cref="Actors"/> delayed messages
/// pending, spread over 10 ms — the shape of segments crossing a network with latency.
/// </summary>
internal readonly record struct PingWorkload(int Actors, ulong Seed)
{
    public const int MinDelayMs = 1;
    public const int MaxDelayMs = 10;
}

/// <summary>The message: a small struct, as a TCP segment is.</summary>
internal readonly record struct Ping(int Origin, int Hops);
