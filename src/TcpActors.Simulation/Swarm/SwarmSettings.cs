using TcpActors.Tcp;

namespace TcpActors.Simulation.Swarm;

/// <summary>
/// What every seed of a swarm shares (<c>tcpactors swarm</c> options); everything else is drawn
/// from the seed. The same settings and seed always give the same scenario.
/// </summary>
public sealed record SwarmSettings
{
    /// <summary>The engine every seed runs on; null for the simulation engine.</summary>
    public ISimulationEngine? Engine { get; init; }

    /// <summary>Couples per seed (<c>--couples</c>); default 200.</summary>
    public int Couples { get; init; } = 200;

    /// <summary>
    /// The active phase (<c>--duration</c>): workload and chaos happen inside it; the run then adds a
    /// quiet tail long enough for the profile's longest timers. Default 60 s.
    /// </summary>
    public TimeSpan ActiveDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The profile of every seed (<c>--profile</c>), or null to draw one per seed (<c>random</c>).</summary>
    public TcpProfile? Profile { get; init; }
}
