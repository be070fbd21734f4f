using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation;

/// <summary>
/// What runs the model (DESIGN.md §2, "two engines"): the simulation engine on the project's own
/// virtual-time runtime (<see cref="Engine.SimEngine"/>), or one on Akka.NET. Every engine drives
/// the same <c>Model/</c> and must end a scenario with the same simulated world; only the report's
/// <c>engine</c> section, wall time and pacing may differ.
/// </summary>
public interface ISimulationEngine
{
    /// <summary>The engine's name in the report and on the command line (<c>sim</c>, <c>akka</c>).</summary>
    string Name { get; }

    /// <summary>Runs <paramref name="scenario"/> with options already checked by <see cref="SimulationRunner"/>.</summary>
    RunReport Run(Scenario scenario, SimulationOptions options, CancellationToken cancellation);
}
