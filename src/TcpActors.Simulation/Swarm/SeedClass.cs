namespace TcpActors.Simulation.Swarm;

/// <summary>
/// The row of the swarm's outcome table a seed falls in: its profile, its workload shape and the
/// kind of chaos it drew (<c>none</c>, one kind such as <c>partition</c>, or <c>mixed</c>).
/// </summary>
public readonly record struct SeedClass(string Profile, WorkloadShape Shape, string Chaos)
{
    /// <summary>The class as the table prints it, e.g. <c>linux/storm/partition</c>.</summary>
    public override string ToString() => $"{Profile}/{Shape.ToString().ToLowerInvariant()}/{Chaos}";
}
