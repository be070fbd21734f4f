using TcpActors.Runtime;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// Plays the scenario's chaos schedule on one shard: at every window boundary it tells the
/// network to recompute its links (impairments, partitions, blackholes, clogs); it crashes and
/// restarts hosts; and at a <c>rst</c> event it asks every client host to sweep its endpoints
/// (each couple then chooses from its own stream, <see cref="Model.RstChaos"/>).
/// Targeted drops need no timing: the network installs them with their start time.
/// </summary>
internal sealed class ChaosActor : Actor, IReceive<ChaosDue>
{
    private readonly ShardRefs _refs;
    private readonly List<(TimeSpan At, int Event, bool IsEnd)> _boundaries = [];

    public ChaosActor(ShardRefs refs)
    {
        _refs = refs;
        var chaos = refs.World.Scenario.Chaos;
        for (int i = 0; i < chaos.Count; i++)
        {
            ChaosEvent e = chaos[i];
            if (e.Kind == ChaosKind.Drop) continue;
            _boundaries.Add((e.At, i, false));
            if (e.End is { } end && e.Kind is not ChaosKind.Crash and not ChaosKind.Rst) _boundaries.Add((end, i, true));
        }
        _boundaries.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Event != b.Event ? a.Event.CompareTo(b.Event) : a.IsEnd.CompareTo(b.IsEnd));
    }

    protected override void PreStart()
    {
        for (int i = 0; i < _boundaries.Count; i++) System.Tell(Self, new ChaosDue(i), _boundaries[i].At);
    }

    public void Receive(ChaosDue message)
    {
        var (_, index, isEnd) = _boundaries[message.Boundary];
        ChaosEvent e = _refs.World.Scenario.Chaos[index];
        switch (e.Kind)
        {
            case ChaosKind.Crash:
                Crash(e);
                break;
            case ChaosKind.Rst:
                if (!isEnd)
                {
                    foreach (ActorRef client in _refs.Clients) System.Handoff(client, new RstSweep(index));
                }
                break;
            default:
                System.Tell(_refs.Network, default(RecomputeLinks));
                break;
        }
    }

    private void Crash(ChaosEvent e)
    {
        HostSelector hosts = e.Crash!;
        Scenario scenario = _refs.World.Scenario;
        int count = hosts.Role == HostRole.Client ? scenario.Hosts.Clients.Count : scenario.Hosts.Servers.Count;
        var (first, last) = hosts.Resolve(count);
        for (int h = first; h <= last && h < count; h++)
        {
            ActorRef host = _refs.Host(hosts.Role, h);
            if (host.IsNobody) continue;
            System.Tell(host, new HostCommand(HostAction.Crash));
            if (e.RestartAfter is { } after) System.Tell(host, new HostCommand(HostAction.Restart), after);
        }
    }
}
