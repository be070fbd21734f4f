namespace TcpActors.Simulation.Network;

/// <summary>
/// A link's bandwidth: either packets per second or bytes per second (exactly one is positive),
/// and how many segments may wait for the wire before new ones are tail-dropped. A segment's
/// size on the wire is its payload plus <see cref="HeaderBytes"/>.
/// </summary>
public sealed record RateLimit
{
    /// <summary>IPv4 (20) + TCP (20) header bytes, no options: what a bytes/s limit charges beyond the payload.</summary>
    public const int HeaderBytes = 40;

    /// <summary>Segments per second, or 0 when the limit is in bytes.</summary>
    public double PacketsPerSecond { get; init; }

    /// <summary>Bytes per second, or 0 when the limit is in packets.</summary>
    public double BytesPerSecond { get; init; }

    /// <summary>Segments queued or on the wire at most; default 1000 (netem's default <c>limit</c>).</summary>
    public int QueueLimit { get; init; } = 1000;
}
