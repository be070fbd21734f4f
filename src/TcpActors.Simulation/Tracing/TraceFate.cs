namespace TcpActors.Simulation.Tracing;

/// <summary>What the network did with a traced segment (DESIGN.md §7 trace field <c>fate</c>).</summary>
public enum TraceFate : byte
{
    /// <summary>Arrived once, intact.</summary>
    Delivered = 0,
    /// <summary>Never arrived (loss, partition, blackhole, full queue, targeted drop).</summary>
    Dropped = 1,
    /// <summary>Arrived with a bad checksum and was discarded by the receiver.</summary>
    Corrupted = 2,
    /// <summary>Arrived twice (the network made a copy).</summary>
    Duplicated = 3,
}
