using TcpActors.Simulation.Reporting;

namespace TcpActors.Simulation.Swarm;

/// <summary>One seed of a swarm: the scenario it drew, the report of its run and what failed.</summary>
public sealed record SeedResult
{
    /// <summary>The generated scenario and its liveness bounds.</summary>
    public required SwarmScenario Swarm { get; init; }

    /// <summary>The run's report (digest included: a replay gives the same one); null when the scenario could not be written and loaded back, so it did not run.</summary>
    public required RunReport? Report { get; init; }

    /// <summary>Invariant violations and liveness failures; empty when the seed passed.</summary>
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>The seed.</summary>
    public ulong Seed => Swarm.Seed;

    /// <summary>True when every invariant and every liveness check held.</summary>
    public bool Passed => Failures.Count == 0;
}
