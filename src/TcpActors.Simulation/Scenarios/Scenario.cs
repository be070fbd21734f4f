using TcpActors.Tcp;

namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// A validated scenario (DESIGN.md §6, schema v1): who talks to whom, over which network, doing
/// what, under which chaos, for how long. Every value is resolved: defaults are filled in and the
/// TCP profile carries the scenario's overrides. Load one with <see cref="ScenarioLoader"/>, write
/// one with <see cref="ScenarioWriter"/>. Two scenarios with the same content are equal.
/// </summary>
public sealed record Scenario
{
    /// <summary>The scenario's name (report, metrics attribute <c>scenario</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What the scenario shows, in a sentence or two.</summary>
    public string Description { get; init; } = "";

    /// <summary>The seed every random stream of the run derives from; default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The TCP stack: the named profile (<c>profile:</c>) with the <c>tcp:</c> overrides applied.</summary>
    public TcpProfile Tcp { get; init; } = TcpProfile.Linux;

    /// <summary>The client and server hosts.</summary>
    public HostsSpec Hosts { get; init; } = new();

    /// <summary>Baseline impairments and per-link overrides.</summary>
    public NetworkSpec Network { get; init; } = new();

    /// <summary>What the couples do.</summary>
    public WorkloadSpec Workload { get; init; } = new();

    /// <summary>Scheduled faults, in file order.</summary>
    public ValueList<ChaosEvent> Chaos { get; init; } = ValueList<ChaosEvent>.Empty;

    /// <summary>How long to run and how to sample and shard.</summary>
    public RunSpec Run { get; init; } = new();
}

/// <summary><c>run:</c> — how long the run lasts, how often state counts are sampled, how many shards.</summary>
public sealed record RunSpec
{
    /// <summary>Virtual time the run lasts; default 120 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Interval between samples of the per-state counts; default 1 s.</summary>
    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Independent cells the scenario is cut into (DESIGN.md §3); default 1.</summary>
    public int Shards { get; init; } = 1;
}
