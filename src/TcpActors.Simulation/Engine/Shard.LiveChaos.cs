using TcpActors.Simulation.Live;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Engine;

internal sealed partial class Shard
{
    /// <summary>Live chaos id → its index in the model's chaos list.</summary>
    private readonly Dictionary<int, int> _liveEvents = [];

    /// <summary>
    /// Applies the live changes due at boundary <paramref name="t"/>: between two runs of the
    /// event loop, so they are sent at virtual time t after everything due at t, in the order
    /// the control recorded them — the same in every shard and in a replay.
    /// </summary>
    private void ApplyLive(LiveControl live, int slot, TimeSpan t, List<LiveChange> due)
    {
        live.TakeDue(slot, t, due);
        foreach (LiveChange change in due)
        {
            LiveChaos chaos = change.Chaos;
            Scenario scenario = _world.Scenario;
            if (change.Apply)
            {
                ChaosEvent e = chaos.Kind switch
                {
                    LiveChaosKind.Loss => new ChaosEvent { At = t, Kind = ChaosKind.Impair, Impairments = new ImpairmentOverride { Loss = LossSpec.Bernoulli(chaos.Loss ?? 0) } },
                    LiveChaosKind.Delay => new ChaosEvent { At = t, Kind = ChaosKind.Impair, Impairments = new ImpairmentOverride { Delay = TimeSpan.FromMilliseconds(chaos.DelayMs ?? 0) } },
                    LiveChaosKind.Partition => new ChaosEvent { At = t, Kind = ChaosKind.Partition },
                    _ => new ChaosEvent { At = t, Kind = ChaosKind.Crash, Crash = HostSelector.One(HostRole.Server, chaos.Host ?? 0) },
                };
                _liveEvents[change.Id] = scenario.Chaos.Count;
                _world.Scenario = scenario with { Chaos = new ValueList<ChaosEvent>([.. scenario.Chaos, e]) };
                if (chaos.Kind == LiveChaosKind.Crash) System.Tell(_refs.Host(HostRole.Server, chaos.Host ?? 0), new HostCommand(HostAction.Crash));
                else System.Tell(_refs.Network, new LiveWindow(_liveEvents[change.Id], IsEnd: false));
            }
            else if (_liveEvents.Remove(change.Id, out int index))
            {
                ChaosEvent e = scenario.Chaos[index];
                var chaosList = new ChaosEvent[scenario.Chaos.Count];
                for (int i = 0; i < chaosList.Length; i++) chaosList[i] = scenario.Chaos[i];
                // The window closes now: [At, t) no longer holds t, so the links heal at once.
                chaosList[index] = e with { For = t - e.At };
                _world.Scenario = scenario with { Chaos = new ValueList<ChaosEvent>(chaosList) };
                if (chaos.Kind == LiveChaosKind.Crash) System.Tell(_refs.Host(HostRole.Server, chaos.Host ?? 0), new HostCommand(HostAction.Restart));
                else System.Tell(_refs.Network, new LiveWindow(index, IsEnd: true));
            }
        }
    }
}
