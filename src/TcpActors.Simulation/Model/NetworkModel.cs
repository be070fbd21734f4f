using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Model;

/// <summary>The network's verdict on one segment, as a plain value its engine carries out.</summary>
internal readonly struct Route
{
    /// <summary>True when the segment reaches a host at least once (<see cref="DeliverAt"/>, and again at <see cref="DuplicateAt"/> when <see cref="Duplicated"/>).</summary>
    public bool Delivered { get; init; }
    public HostRole ToRole { get; init; }
    public int To { get; init; }
    public TimeSpan DeliverAt { get; init; }
    public bool Duplicated { get; init; }
    public TimeSpan DuplicateAt { get; init; }
}

/// <summary>
/// The unreliable network (DESIGN.md §5), engine-independent: it finds the directed link from
/// the sender's host to the receiver's, lets the link's seeded models decide the segment's fate
/// (drop by cause, corrupt, duplicate, reorder, delay, rate limit), counts it, traces it, and
/// says where and when to deliver it. Chaos windows (impair, partition, blackhole, clog) change
/// the links at their boundaries; targeted drops are installed on each link with their times.
/// </summary>
internal sealed class NetworkModel
{
    private readonly RunModel _world;
    private readonly Func<HostRole, int, bool> _hostExists;
    private readonly AddressPlan _addresses;
    private readonly Dictionary<long, Link> _links = [];
    private readonly List<Link> _linkOrder = [];
    private readonly TargetedDrop[] _drops;
    private readonly int[] _dropEvents;

    // Chaos windows cost O(n log n) for n entries: their boundaries are sorted once, a cursor
    // walks them, the windows in force are a sorted set, and a boundary recomputes only the links
    // its window selects, from the windows in force — never the whole schedule (100,000 entries
    // made that quadratic: docs/performance.md).
    /// <summary>Every window boundary in order of time (a window's start before its end).</summary>
    private readonly (TimeSpan At, int Event, bool IsEnd)[] _boundaries;
    /// <summary>The first boundary not yet applied.</summary>
    private int _nextBoundary;
    /// <summary>The windows in force, by index in the chaos list (ascending = file order, as a link folds them).</summary>
    private readonly SortedSet<int> _inForce = [];
    /// <summary>The windows that began or ended at the boundaries being applied.</summary>
    private readonly List<int> _changed = [];

    /// <param name="hostExists">Whether a host of this shard has that role and index (others are unroutable).</param>
    public NetworkModel(RunModel world, Func<HostRole, int, bool> hostExists)
    {
        _world = world;
        _hostExists = hostExists;
        Scenario scenario = world.Scenario;
        _addresses = new AddressPlan(scenario.Hosts.Clients.Count, scenario.Hosts.Servers.Count);
        var drops = new List<TargetedDrop>();
        var events = new List<int>();
        var boundaries = new List<(TimeSpan At, int Event, bool IsEnd)>();
        for (int i = 0; i < scenario.Chaos.Count; i++)
        {
            ChaosEvent e = scenario.Chaos[i];
            if (e.Kind == ChaosKind.Drop)
            {
                drops.Add(e.ToTargetedDrop());
                events.Add(i);
            }
            else if (e.Kind is ChaosKind.Impair or ChaosKind.Partition or ChaosKind.Blackhole or ChaosKind.Clog)
            {
                boundaries.Add((e.At, i, false));
                if (e.End is { } end) boundaries.Add((end, i, true));
            }
        }
        _drops = [.. drops];
        _dropEvents = [.. events];
        boundaries.Sort();
        _boundaries = [.. boundaries];
    }

    /// <summary>A segment sent at <paramref name="now"/> (by an endpoint, a host, the SYN flood, or forged by chaos).</summary>
    public Route Send(TimeSpan now, in Segment segment, int couple, bool forged)
    {
        ITelemetrySink telemetry = _world.Telemetry;
        telemetry.Add(RunCounter.Sent);
        if (forged) telemetry.Add(RunCounter.ResetsInjected);
        else if ((segment.Flags & TcpFlags.Rst) != 0) telemetry.Add(RunCounter.ResetsSent);

        if (!_addresses.TryResolve(segment.DstAddr, out HostRole toRole, out int to) || !_hostExists(toRole, to))
        {
            // SYN-ACKs to spoofed flood sources go nowhere: no simulated host owns the address.
            telemetry.Add(RunCounter.Unroutable);
            return default;
        }
        if (!_addresses.TryResolve(segment.SrcAddr, out HostRole fromRole, out int from))
        {
            fromRole = toRole == HostRole.Server ? HostRole.Client : HostRole.Server;
            from = -1;
        }

        Link link = LinkFor(now, fromRole, from, toRole, to);
        LinkDecision decision = link.Decide(now, segment);
        TraceFate fate;
        var route = new Route { ToRole = toRole, To = to };
        if (decision.IsDropped)
        {
            telemetry.Add(Telemetry.ShardTelemetry.DropCounter(decision.Cause));
            fate = TraceFate.Dropped;
        }
        else
        {
            fate = TraceFate.Delivered;
            if (decision.Fate == SegmentFate.Corrupt)
            {
                // The receiver's checksum discards it: counted as corrupted, never delivered.
                telemetry.Add(RunCounter.Corrupted);
                fate = TraceFate.Corrupted;
            }
            else
            {
                telemetry.Add(RunCounter.InFlight);
                route = route with { Delivered = true, DeliverAt = decision.DeliverAt };
            }
            if (decision.Reordered) telemetry.Add(RunCounter.Reordered);
            if (decision.Duplicates != 0)
            {
                telemetry.Add(RunCounter.Duplicated);
                telemetry.Add(RunCounter.InFlight);
                route = route.Delivered
                    ? route with { Duplicated = true, DuplicateAt = decision.DuplicateDeliverAt }
                    : route with { Delivered = true, DeliverAt = decision.DuplicateDeliverAt };
                fate = TraceFate.Duplicated;
            }
        }
        if (_world.Ledger.IsTraced(couple)) _world.Ledger.Trace!.Segment(now, couple, link.Id.Direction, segment, fate);
        return route;
    }

    /// <summary>Applies every window boundary due by <paramref name="now"/> at once: a segment sent at this instant sees all of them.</summary>
    public void ApplyBoundaries(TimeSpan now)
    {
        _changed.Clear();
        while (_nextBoundary < _boundaries.Length && _boundaries[_nextBoundary].At <= now)
        {
            var (_, index, isEnd) = _boundaries[_nextBoundary++];
            if (isEnd) _inForce.Remove(index);
            else _inForce.Add(index);
            _changed.Add(index);
        }
        Recompute();
    }

    /// <summary>A live chaos window (event <paramref name="chaosEvent"/> of the scenario's chaos list) begins, or ends.</summary>
    public void ApplyLive(int chaosEvent, bool isEnd)
    {
        if (isEnd) _inForce.Remove(chaosEvent);
        else _inForce.Add(chaosEvent);
        _changed.Clear();
        _changed.Add(chaosEvent);
        Recompute();
    }

    /// <summary>Recomputes the links that a window of <see cref="_changed"/> selects.</summary>
    private void Recompute()
    {
        if (_changed.Count == 0) return;
        var chaos = _world.Scenario.Chaos;
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
    /// now whose boundary has not been applied yet (a link made now must not miss them).
    /// </summary>
    private SortedSet<int> InForceAt(TimeSpan now)
    {
        if (_nextBoundary >= _boundaries.Length || _boundaries[_nextBoundary].At > now) return _inForce;
        var inForce = new SortedSet<int>(_inForce);
        for (int b = _nextBoundary; b < _boundaries.Length && _boundaries[b].At <= now; b++)
        {
            if (_boundaries[b].IsEnd) inForce.Remove(_boundaries[b].Event);
            else inForce.Add(_boundaries[b].Event);
        }
        return inForce;
    }

    private Link LinkFor(TimeSpan now, HostRole fromRole, int from, HostRole toRole, int to)
    {
        long key = ((long)fromRole << 62) | ((long)(from + 1) << 31) | (uint)to;
        if (_links.TryGetValue(key, out Link? link)) return link;

        var id = new LinkId(fromRole, from, toRole, to);
        Scenario scenario = _world.Scenario;
        link = new Link(id, scenario.Seed, RandomStreams.Link(key), scenario.Network.For(id));
        link.Apply(scenario.Chaos, InForceAt(now));
        var rules = new List<TargetedDrop>();
        for (int i = 0; i < _drops.Length; i++)
        {
            if (scenario.Chaos[_dropEvents[i]].Selects(id)) rules.Add(_drops[i]);
        }
        link.Impairments.TargetedDrops = [.. rules];
        _links.Add(key, link);
        _linkOrder.Add(link);
        return link;
    }
}
