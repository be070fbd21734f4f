using TcpActors.Simulation.Network;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Scenarios;

/// <summary>What a chaos event does; exactly one per event.</summary>
public enum ChaosKind : byte
{
    /// <summary>Override impairment keys (loss, delay, …) for the window.</summary>
    Impair = 0,
    /// <summary>Cut the links between two host groups (one- or two-way).</summary>
    Partition = 1,
    /// <summary>Silently drop everything on the selected links.</summary>
    Blackhole = 2,
    /// <summary>Hold all traffic on the selected links, then release it at the end of the window.</summary>
    Clog = 3,
    /// <summary>Crash hosts: they lose every endpoint without sending anything.</summary>
    Crash = 4,
    /// <summary>Drop the next segments with an exact flag set.</summary>
    Drop = 5,
    /// <summary>Inject forged RSTs into established connections.</summary>
    Rst = 6,
}

/// <summary>Where a forged RST's sequence number lies in the receiver's window (RFC 5961 §3.2).</summary>
public enum RstSequence : byte
{
    /// <summary>SEG.SEQ = RCV.NXT: the RST is accepted and the connection is reset.</summary>
    Exact = 0,
    /// <summary>Inside the window but not RCV.NXT: the receiver sends a challenge ACK and stays up.</summary>
    InWindow = 1,
    /// <summary>Outside the window: the receiver drops it silently.</summary>
    OutOfWindow = 2,
}

/// <summary>
/// One entry of <c>chaos:</c>. Every event has <see cref="At"/>; window events (impair, partition,
/// blackhole, clog, rst) last <see cref="For"/> (null = until the end of the run).
/// <see cref="Between"/> and <see cref="Direction"/> select the links (default: all links between
/// clients and servers, both directions).
/// </summary>
public sealed record ChaosEvent
{
    /// <summary>When the event fires.</summary>
    public TimeSpan At { get; init; }

    /// <summary>How long the window lasts; null = until the end of the run (or instantaneous).</summary>
    public TimeSpan? For { get; init; }

    /// <summary>What the event does.</summary>
    public ChaosKind Kind { get; init; }

    /// <summary>The links affected.</summary>
    public HostPair Between { get; init; } = HostPair.ClientsAndServers;

    /// <summary>The directions affected; default both.</summary>
    public DirectionSelector Direction { get; init; }

    /// <summary>For <see cref="ChaosKind.Impair"/>: the impairment keys set during the window.</summary>
    public ImpairmentOverride Impairments { get; init; } = ImpairmentOverride.Empty;

    /// <summary>For <see cref="ChaosKind.Partition"/>: cut only traffic from <c>Between.A</c> to <c>Between.B</c>.</summary>
    public bool OneWay { get; init; }

    /// <summary>For <see cref="ChaosKind.Crash"/>: the hosts that crash.</summary>
    public HostSelector? Crash { get; init; }

    /// <summary>For <see cref="ChaosKind.Crash"/>: restart this long after the crash; null = stay down.</summary>
    public TimeSpan? RestartAfter { get; init; }

    /// <summary>For <see cref="ChaosKind.Drop"/>: the exact flag set to drop.</summary>
    public TcpFlags DropFlags { get; init; }

    /// <summary>For <see cref="ChaosKind.Drop"/>: how many segments to drop; default 1.</summary>
    public int DropCount { get; init; } = 1;

    /// <summary>For <see cref="ChaosKind.Rst"/>: fraction of established couples on the links that get a RST.</summary>
    public double RstFraction { get; init; } = 1;

    /// <summary>For <see cref="ChaosKind.Rst"/>: where the forged RST's sequence number falls; default exact.</summary>
    public RstSequence RstSequence { get; init; }

    /// <summary>The end of the window, or null when it lasts to the end of the run.</summary>
    public TimeSpan? End => For is { } f ? At + f : null;

    /// <summary>True when a window event is in force at <paramref name="now"/>: [At, End).</summary>
    public bool IsActiveAt(TimeSpan now) => now >= At && (End is not { } end || now < end);

    /// <summary>
    /// True when the event acts on <paramref name="link"/>. A one-way partition selects only links
    /// from <c>Between.A</c> to <c>Between.B</c>.
    /// </summary>
    public bool Selects(LinkId link)
    {
        if (Kind == ChaosKind.Partition && OneWay)
            return Between.A.Contains(link.FromRole, link.From) && Between.B.Contains(link.ToRole, link.To) && Direction.Matches(link.Direction);
        return link.IsSelectedBy(Between, Direction);
    }

    /// <summary>For a <see cref="ChaosKind.Drop"/> event, the rule the network applies (one per shard).</summary>
    public TargetedDrop ToTargetedDrop() => Kind == ChaosKind.Drop
        ? new TargetedDrop(DropFlags, Direction, DropCount, At)
        : throw new InvalidOperationException($"a {Kind} event is not a targeted drop");
}
