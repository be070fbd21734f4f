using TcpActors.Simulation.Model;
using TcpActors.Simulation.Network;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// The exact counters of one shard, for an engine that runs the shard on one thread: plain fields,
/// no locks. Every state change of every endpoint adjusts <see cref="States"/> as it happens
/// (never by scanning endpoints); the network and the hosts count segments and resets.
/// </summary>
internal sealed class ShardTelemetry : ITelemetrySink
{
    private readonly long[] _counters = new long[(int)RunCounter.PendingTimers + 1];

    /// <summary>Endpoints (and listeners) per state with their exact high-water marks.</summary>
    public readonly StateCensus Census = new();

    /// <summary>Endpoints (and listeners) per state, indexed by <see cref="TcpState"/> (read-only use).</summary>
    public long[] States => Census.Counts;

    /// <summary>Endpoints plus listening sockets alive: what <see cref="States"/> must sum to.</summary>
    public long Live { get; private set; }

    /// <summary>State changes seen with SND.UNA beyond SND.NXT, and the first one.</summary>
    public long SequenceViolations { get; private set; }
    public string? FirstSequenceViolation { get; private set; }

    public readonly DurationHistogram HandshakeDurations = new();
    public readonly DurationHistogram ConnectionDurations = new();

    public long this[RunCounter counter] => _counters[(int)counter];

    public void Enter(TimeSpan now, TcpState state)
    {
        Census.Enter(now.Ticks, state);
        Live++;
    }

    public void Leave(TimeSpan now, TcpState state, bool passed = false)
    {
        Census.Leave(now.Ticks, state, passed);
        Live--;
    }

    public void Move(TimeSpan now, TcpState from, TcpState to, bool passed = false) => Census.Move(now.Ticks, from, to, passed);

    public void Add(RunCounter counter, long delta = 1) => _counters[(int)counter] += delta;

    public void Handshake(TimeSpan duration) => HandshakeDurations.Record(duration);

    public void Connection(TimeSpan duration) => ConnectionDurations.Record(duration);

    public void SequenceViolation(Func<string> describe)
    {
        if (SequenceViolations++ == 0) FirstSequenceViolation = describe();
    }

    public long DroppedTotal =>
        this[RunCounter.DropLoss] + this[RunCounter.DropPartition] + this[RunCounter.DropBlackhole]
        + this[RunCounter.DropQueueFull] + this[RunCounter.DropTargeted];

    public SegmentCounts Segments() => new()
    {
        Sent = this[RunCounter.Sent], Delivered = this[RunCounter.Delivered], Dropped = DroppedTotal,
        Duplicated = this[RunCounter.Duplicated], Corrupted = this[RunCounter.Corrupted],
        Retransmitted = this[RunCounter.Retransmitted], Reordered = this[RunCounter.Reordered],
        InFlight = this[RunCounter.InFlight], Unroutable = this[RunCounter.Unroutable],
        DroppedByCause = new DropCounts
        {
            Loss = this[RunCounter.DropLoss], Partition = this[RunCounter.DropPartition], Blackhole = this[RunCounter.DropBlackhole],
            QueueFull = this[RunCounter.DropQueueFull], Targeted = this[RunCounter.DropTargeted],
        },
    };

    public ResetCounts Resets() => new()
    {
        Sent = this[RunCounter.ResetsSent], Received = this[RunCounter.ResetsReceived],
        Injected = this[RunCounter.ResetsInjected], ChallengeAcks = this[RunCounter.ChallengeAcks],
    };

    public ConnectOutcomeCounts Connects() => new()
    {
        Established = this[RunCounter.ConnectEstablished], Refused = this[RunCounter.ConnectRefused],
        TimedOut = this[RunCounter.ConnectTimedOut], Reset = this[RunCounter.ConnectReset],
        PortExhausted = this[RunCounter.ConnectPortExhausted],
    };

    /// <summary>The counter a dropped segment's cause adds to.</summary>
    public static RunCounter DropCounter(DropCause cause) => cause switch
    {
        DropCause.Loss => RunCounter.DropLoss,
        DropCause.Partition => RunCounter.DropPartition,
        DropCause.Blackhole => RunCounter.DropBlackhole,
        DropCause.QueueFull => RunCounter.DropQueueFull,
        _ => RunCounter.DropTargeted,
    };
}
