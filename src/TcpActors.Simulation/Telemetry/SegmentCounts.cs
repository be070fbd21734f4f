using System.Text.Json.Serialization;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// What happened to segments (DESIGN.md §5, §7 <c>tcpactors.segments</c>): every segment sent is
/// delivered, dropped (by cause), corrupted, or still in flight at the end; duplicates are extra
/// copies made by the network, each of which is delivered or in flight too.
/// </summary>
public sealed record SegmentCounts
{
    /// <summary>Segments handed to the network by endpoints and hosts (forged RSTs included).</summary>
    [JsonPropertyName("sent")] public long Sent { get; init; }
    /// <summary>Segments (and duplicates) that reached their destination host intact.</summary>
    [JsonPropertyName("delivered")] public long Delivered { get; init; }
    /// <summary>Segments the network dropped, all causes.</summary>
    [JsonPropertyName("dropped")] public long Dropped { get; init; }
    /// <summary>Extra copies made by <c>duplicate</c>.</summary>
    [JsonPropertyName("duplicated")] public long Duplicated { get; init; }
    /// <summary>Segments that arrived with a bad checksum and were discarded by the receiver.</summary>
    [JsonPropertyName("corrupted")] public long Corrupted { get; init; }
    /// <summary>Segments that repeat sequence space already sent (SYN, SYN-ACK, data, FIN).</summary>
    [JsonPropertyName("retransmitted")] public long Retransmitted { get; init; }
    /// <summary>Segments that skipped the delay queue (<c>reorder</c>).</summary>
    [JsonPropertyName("reordered")] public long Reordered { get; init; }
    /// <summary>Segments (and copies) still on the wire when the run ended.</summary>
    [JsonPropertyName("in_flight")] public long InFlight { get; init; }
    /// <summary>Segments addressed to no simulated host (SYN-ACKs to spoofed flood sources).</summary>
    [JsonPropertyName("unroutable")] public long Unroutable { get; init; }
    /// <summary>Drops by cause: loss, partition, blackhole, queue_full, targeted.</summary>
    [JsonPropertyName("dropped_by_cause")] public DropCounts DroppedByCause { get; init; } = new();

    /// <summary>Plain sum (shard merge).</summary>
    public static SegmentCounts operator +(SegmentCounts a, SegmentCounts b) => new()
    {
        Sent = a.Sent + b.Sent, Delivered = a.Delivered + b.Delivered, Dropped = a.Dropped + b.Dropped,
        Duplicated = a.Duplicated + b.Duplicated, Corrupted = a.Corrupted + b.Corrupted,
        Retransmitted = a.Retransmitted + b.Retransmitted, Reordered = a.Reordered + b.Reordered,
        InFlight = a.InFlight + b.InFlight, Unroutable = a.Unroutable + b.Unroutable,
        DroppedByCause = a.DroppedByCause + b.DroppedByCause,
    };
}

/// <summary>Segments dropped by the network, by <see cref="Network.DropCause"/>.</summary>
public sealed record DropCounts
{
    /// <summary>Random loss.</summary>
    [JsonPropertyName("loss")] public long Loss { get; init; }
    /// <summary>A partition cut the link.</summary>
    [JsonPropertyName("partition")] public long Partition { get; init; }
    /// <summary>A blackhole swallowed it.</summary>
    [JsonPropertyName("blackhole")] public long Blackhole { get; init; }
    /// <summary>The rate limiter's queue was full.</summary>
    [JsonPropertyName("queue_full")] public long QueueFull { get; init; }
    /// <summary>A targeted (packetdrill-style) drop.</summary>
    [JsonPropertyName("targeted")] public long Targeted { get; init; }

    /// <summary>Plain sum (shard merge).</summary>
    public static DropCounts operator +(DropCounts a, DropCounts b) => new()
    {
        Loss = a.Loss + b.Loss, Partition = a.Partition + b.Partition, Blackhole = a.Blackhole + b.Blackhole,
        QueueFull = a.QueueFull + b.QueueFull, Targeted = a.Targeted + b.Targeted,
    };
}

/// <summary>RST segments (<c>tcpactors.resets</c>).</summary>
public sealed record ResetCounts
{
    /// <summary>RSTs sent by endpoints and hosts.</summary>
    [JsonPropertyName("sent")] public long Sent { get; init; }
    /// <summary>RSTs that reached a host.</summary>
    [JsonPropertyName("received")] public long Received { get; init; }
    /// <summary>RSTs forged by the <c>rst</c> chaos event (not counted in <see cref="Sent"/>).</summary>
    [JsonPropertyName("injected")] public long Injected { get; init; }
    /// <summary>Challenge ACKs sent in answer to in-window but inexact RSTs (RFC 5961 §3.2).</summary>
    [JsonPropertyName("challenge_acks")] public long ChallengeAcks { get; init; }

    /// <summary>Plain sum (shard merge).</summary>
    public static ResetCounts operator +(ResetCounts a, ResetCounts b) => new()
    {
        Sent = a.Sent + b.Sent, Received = a.Received + b.Received, Injected = a.Injected + b.Injected, ChallengeAcks = a.ChallengeAcks + b.ChallengeAcks,
    };
}

/// <summary>How connect() attempts ended (<c>tcpactors.connect.outcomes</c>).</summary>
public sealed record ConnectOutcomeCounts
{
    /// <summary>The handshake completed on the client.</summary>
    [JsonPropertyName("established")] public long Established { get; init; }
    /// <summary>The server answered RST (ECONNREFUSED).</summary>
    [JsonPropertyName("refused")] public long Refused { get; init; }
    /// <summary>SYN retries ran out (ETIMEDOUT).</summary>
    [JsonPropertyName("timed_out")] public long TimedOut { get; init; }
    /// <summary>Reset before the handshake completed.</summary>
    [JsonPropertyName("reset")] public long Reset { get; init; }
    /// <summary>No ephemeral port was free (EADDRNOTAVAIL).</summary>
    [JsonPropertyName("port_exhausted")] public long PortExhausted { get; init; }

    /// <summary>Plain sum (shard merge).</summary>
    public static ConnectOutcomeCounts operator +(ConnectOutcomeCounts a, ConnectOutcomeCounts b) => new()
    {
        Established = a.Established + b.Established, Refused = a.Refused + b.Refused,
        TimedOut = a.TimedOut + b.TimedOut, Reset = a.Reset + b.Reset, PortExhausted = a.PortExhausted + b.PortExhausted,
    };
}
