using TcpActors.Runtime;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// The unreliable network of one shard (DESIGN.md §5): every segment goes through it. It finds
/// the directed link from the sender's host to the receiver's, lets the link's seeded models
/// decide the segment's fate (drop by cause, corrupt, duplicate, reorder, delay, rate limit),
/// counts it, traces it, and delivers it to the receiving host actor after its delay.
/// </summary>
internal sealed class NetworkActor : Actor, IReceive<Transmission>, IReceive<RecomputeLinks>, IReceive<LiveWindow>
{
    private readonly Shard _shard;
    private readonly AddressPlan _addresses;
    private readonly Dictionary<long, Link> _links = [];
    private readonly List<Link> _linkOrder = [];
    private readonly TargetedDrop[] _drops;
    private readonly int[] _dropEvents;

    // Chaos windows (impair, partition, blackhole, clog) cost O(n log n) for n entries: their
    // boundaries are sorted once, a cursor walks them, the windows in force are a sorted set, and
    // a boundary recomputes only the links its window selects, from the windows in force — never
    // the whole schedule (100,000 entries made that quadratic: docs/performance.md).
    /// <summary>Every window boundary in order of time (a window's start before its end).</summary>
    private readonly (TimeSpan At, int Event, bool IsEnd)[] _boundaries;
    /// <summary>The first boundary not yet applied.</summary>
    private int _nextBoundary;
    /// <summary>The windows in force, by index in the chaos list (ascending = file order, as a link folds them).</summary>
    private readonly SortedSet<int> _inForce = [];
    /// <summary>The windows that began or ended at the boundaries being applied.</summary>
    private readonly List<int> _changed = [];

    public NetworkActor(Shard shard)
    {
        _shard = shard;
        _addresses = new AddressPlan(shard.Scenario.Hosts.Clients.Count, shard.Scenario.Hosts.Servers.Count);
        var drops = new List<TargetedDrop>();
        var events = new List<int>();
        for (int i = 0; i < shard.Scenario.Chaos.Count; i++)
        {
            ChaosEvent e = shard.Scenario.Chaos[i];
            if (e.Kind != ChaosKind.Drop) continue;
            drops.Add(e.ToTargetedDrop());
            events.Add(i);
        }
        _drops = [.. drops];
        _dropEvents = [.. events];

        var boundaries = new List<(TimeSpan At, int Event, bool IsEnd)>();
        for (int i = 0; i < shard.Scenario.Chaos.Count; i++)
        {
            ChaosEvent e = shard.Scenario.Chaos[i];
            if (e.Kind is not (ChaosKind.Impair or ChaosKind.Partition or ChaosKind.Blackhole or ChaosKind.Clog)) continue;
            boundaries.Add((e.At, i, false));
            if (e.End is { } end) boundaries.Add((end, i, true));
        }
        boundaries.Sort();
        _boundaries = [.. boundaries];
    }

    public void Receive(Transmission message)
    {
        ShardTelemetry telemetry = _shard.Telemetry;
        Segment segment = message.Segment;
        telemetry.Sent++;
        if (message.Forged) telemetry.ResetsInjected++;
        else if ((segment.Flags & TcpFlags.Rst) != 0) telemetry.ResetsSent++;

        if (!_addresses.TryResolve(segment.DstAddr, out HostRole toRole, out int to)
            || _shard.HostOf(toRole, to) is not { } receiver)
        {
            // SYN-ACKs to spoofed flood sources go nowhere: no simulated host owns the address.
            telemetry.Unroutable++;
            return;
        }
        HostRole fromRole;
        int from;
        if (!_addresses.TryResolve(segment.SrcAddr, out fromRole, out from))
        {
            fromRole = toRole == HostRole.Server ? HostRole.Client : HostRole.Server;
            from = -1;
        }

        Link link = LinkFor(fromRole, from, toRole, to);
        LinkDecision decision = link.Impairments.Decide(Now, segment, ref link.Random);
        TraceFate fate;
        if (decision.IsDropped)
        {
            telemetry.Dropped(decision.Cause);
            fate = TraceFate.Dropped;
        }
        else
        {
            fate = TraceFate.Delivered;
            if (decision.Fate == SegmentFate.Corrupt)
            {
                // The receiver's checksum discards it: counted as corrupted, never delivered.
                telemetry.Corrupted++;
                fate = TraceFate.Corrupted;
            }
            else
            {
                Deliver(receiver, message, decision.DeliverAt);
            }
            if (decision.Reordered) telemetry.Reordered++;
            if (decision.Duplicates != 0)
            {
                telemetry.Duplicated++;
                Deliver(receiver, message, decision.DuplicateDeliverAt);
                fate = TraceFate.Duplicated;
            }
        }
        if (message.Couple >= 0 && _shard.IsTraced(message.Couple))
            _shard.Trace!.Segment(Now, _shard.GlobalIndex(message.Couple), link.Id.Direction, segment, fate);
    }

    private void Deliver(HostActor receiver, in Transmission message, TimeSpan at)
    {
        _shard.Telemetry.InFlight++;
        TimeSpan delay = at > Now ? at - Now : TimeSpan.Zero;
        receiver.Self.Tell(new Arrival(message.Segment, message.Couple), delay);
    }

    public void Receive(RecomputeLinks message)
    {
        // Every boundary due by now at once: a segment sent at this instant sees all of them.
        _changed.Clear();
        while (_nextBoundary < _boundaries.Length && _boundaries[_nextBoundary].At <= Now)
        {
            var (_, index, isEnd) = _boundaries[_nextBoundary++];
            if (isEnd) _inForce.Remove(index);
            else _inForce.Add(index);
            _changed.Add(index);
        }
        Recompute();
    }

    public void Receive(LiveWindow message)
    {
        if (message.IsEnd) _inForce.Remove(message.Event);
        else _inForce.Add(message.Event);
        _changed.Clear();
        _changed.Add(message.Event);
        Recompute();
    }

    /// <summary>Recomputes the links that a window of <see cref="_changed"/> selects.</summary>
    private void Recompute()
    {
        if (_changed.Count == 0) return;
        var chaos = _shard.Scenario.Chaos;
        foreach (Link link in _linkOrder)
        {
            foreach (int index in _changed)
            {
                if (!chaos[index].Selects(link.Id)) continue;
                link.Apply(chaos, _inForce);
                break;
            }
        }
    }

    /// <summary>
    /// The windows in force at this instant for a link made now: those applied, and those due by
    /// now whose boundary message has not come yet (a link made now must not miss them).
    /// </summary>
    private SortedSet<int> InForceNow()
    {
        if (_nextBoundary >= _boundaries.Length || _boundaries[_nextBoundary].At > Now) return _inForce;
        var inForce = new SortedSet<int>(_inForce);
        for (int b = _nextBoundary; b < _boundaries.Length && _boundaries[b].At <= Now; b++)
        {
            if (_boundaries[b].IsEnd) inForce.Remove(_boundaries[b].Event);
            else inForce.Add(_boundaries[b].Event);
        }
        return inForce;
    }

    private Link LinkFor(HostRole fromRole, int from, HostRole toRole, int to)
    {
        long key = ((long)fromRole << 62) | ((long)(from + 1) << 31) | (uint)to;
        if (_links.TryGetValue(key, out Link? link)) return link;

        var id = new LinkId(fromRole, from, toRole, to);
        link = new Link(id, _shard.Scenario.Seed, (ulong)key | (1UL << 61), _shard.Scenario.Network.For(id));
        link.Apply(_shard.Scenario.Chaos, InForceNow());
        var rules = new List<TargetedDrop>();
        for (int i = 0; i < _drops.Length; i++)
        {
            if (_shard.Scenario.Chaos[_dropEvents[i]].Selects(id)) rules.Add(_drops[i]);
        }
        link.Impairments.TargetedDrops = [.. rules];
        _links.Add(key, link);
        _linkOrder.Add(link);
        return link;
    }
}
