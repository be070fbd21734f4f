using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// The exact counters of one shard. Every state change of every endpoint adjusts
/// <see cref="States"/> as it happens (never by scanning endpoints); the network and the hosts
/// count segments and resets. Owned by the shard's loop thread: plain fields, no locks.
/// </summary>
internal sealed class ShardTelemetry
{
    /// <summary>Endpoints (and listeners) per state with their exact high-water marks.</summary>
    public readonly StateCensus Census = new();

    /// <summary>Endpoints (and listeners) per state, indexed by <see cref="TcpState"/> (read-only use: change them through <see cref="Enter"/>, <see cref="Leave"/>, <see cref="Move"/>).</summary>
    public long[] States => Census.Counts;

    /// <summary>The shard's clock: every change of a count is judged at its instant of virtual time.</summary>
    public Runtime.ActorSystem? Clock;

    /// <summary>Endpoint actors alive plus listening sockets: what <see cref="States"/> must sum to.</summary>
    public long Live;

    public long Sent, Delivered, Duplicated, Corrupted, Retransmitted, Reordered, InFlight, Unroutable;
    public long DropLoss, DropPartition, DropBlackhole, DropQueueFull, DropTargeted;
    public long ResetsSent, ResetsReceived, ResetsInjected, ChallengeAcks;
    public long ConnectEstablished, ConnectRefused, ConnectTimedOut, ConnectReset, ConnectPortExhausted;
    public long TimeWaitOverflow;
    public readonly long[] Outcomes = new long[CoupleOutcomeNames.Count];

    /// <summary>Samples at which the states did not sum to <see cref="Live"/>, and the first one.</summary>
    public long SumMismatches;
    public string? FirstSumMismatch;

    /// <summary>State changes seen with SND.UNA beyond SND.NXT, and the first one.</summary>
    public long SequenceViolations;
    public string? FirstSequenceViolation;

    /// <summary>Couples given a second outcome (a bug), and the first one.</summary>
    public long DoubleOutcomes;

    public readonly DurationHistogram Handshake = new();
    public readonly DurationHistogram Connection = new();

    private long NowTicks => Clock is { } clock ? clock.Now.Ticks : 0;

    /// <summary>A new endpoint or listener in <paramref name="state"/>.</summary>
    public void Enter(TcpState state) => Census.Enter(NowTicks, state);

    /// <summary>An endpoint or listener in <paramref name="state"/> is gone.</summary>
    public void Leave(TcpState state) => Census.Leave(NowTicks, state);

    public void Move(TcpState from, TcpState to) => Census.Move(NowTicks, from, to);

    public void Dropped(DropCause cause)
    {
        switch (cause)
        {
            case DropCause.Loss: DropLoss++; break;
            case DropCause.Partition: DropPartition++; break;
            case DropCause.Blackhole: DropBlackhole++; break;
            case DropCause.QueueFull: DropQueueFull++; break;
            default: DropTargeted++; break;
        }
    }

    public long DroppedTotal => DropLoss + DropPartition + DropBlackhole + DropQueueFull + DropTargeted;

    public SegmentCounts Segments() => new()
    {
        Sent = Sent, Delivered = Delivered, Dropped = DroppedTotal, Duplicated = Duplicated, Corrupted = Corrupted,
        Retransmitted = Retransmitted, Reordered = Reordered, InFlight = InFlight, Unroutable = Unroutable,
        DroppedByCause = new DropCounts
        {
            Loss = DropLoss, Partition = DropPartition, Blackhole = DropBlackhole, QueueFull = DropQueueFull, Targeted = DropTargeted,
        },
    };

    public ResetCounts Resets() => new() { Sent = ResetsSent, Received = ResetsReceived, Injected = ResetsInjected, ChallengeAcks = ChallengeAcks };

    public ConnectOutcomeCounts Connects() => new()
    {
        Established = ConnectEstablished, Refused = ConnectRefused, TimedOut = ConnectTimedOut,
        Reset = ConnectReset, PortExhausted = ConnectPortExhausted,
    };
}
