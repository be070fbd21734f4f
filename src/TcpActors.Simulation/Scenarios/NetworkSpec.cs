using TcpActors.Simulation.Network;

namespace TcpActors.Simulation.Scenarios;

/// <summary><c>network:</c> — the impairments of every link, and per-link exceptions.</summary>
public sealed record NetworkSpec
{
    /// <summary>Impairments of every directed link unless a <see cref="Links"/> rule says otherwise.</summary>
    public Impairments Baseline { get; init; } = Impairments.None;

    /// <summary>Per-link overrides, applied in file order on top of the baseline.</summary>
    public ValueList<LinkRule> Links { get; init; } = ValueList<LinkRule>.Empty;
}

/// <summary>
/// <c>links: [{ between: [A, B], direction: ..., &lt;impairments&gt; }]</c> — different
/// impairments on the links between two host groups.
/// </summary>
public sealed record LinkRule
{
    /// <summary>The host groups whose links the rule covers.</summary>
    public required HostPair Between { get; init; }

    /// <summary>Which directions the rule covers; default both.</summary>
    public DirectionSelector Direction { get; init; }

    /// <summary>The impairment keys the rule sets.</summary>
    public ImpairmentOverride Impairments { get; init; } = ImpairmentOverride.Empty;
}
