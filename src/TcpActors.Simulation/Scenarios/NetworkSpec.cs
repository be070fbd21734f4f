using TcpActors.Simulation.Network;

namespace TcpActors.Simulation.Scenarios;

/// <summary><c>network:</c> — the impairments of every link, and per-link exceptions.</summary>
public sealed record NetworkSpec
{
    /// <summary>Impairments of every directed link unless a <see cref="Links"/> rule says otherwise.</summary>
    public Impairments Baseline { get; init; } = Impairments.None;

    /// <summary>Per-link overrides, applied in file order on top of the baseline.</summary>
    public ValueList<LinkRule> Links { get; init; } = ValueList<LinkRule>.Empty;

    /// <summary>
    /// The impairments of <paramref name="link"/> outside chaos windows: the baseline with every
    /// matching <see cref="Links"/> rule applied in file order (a later rule wins on the keys it sets).
    /// </summary>
    public Impairments For(LinkId link)
    {
        var result = Baseline;
        foreach (var rule in Links)
        {
            if (link.IsSelectedBy(rule.Between, rule.Direction)) result = rule.Impairments.ApplyTo(result);
        }
        return result;
    }

    /// <summary>
    /// The impairments of <paramref name="link"/> at virtual time <paramref name="now"/>: those of
    /// <see cref="For"/> with every impair-kind chaos event that is active then and selects the link
    /// applied in file order (a later event wins on the keys it sets).
    /// </summary>
    public Impairments At(LinkId link, TimeSpan now, IReadOnlyList<ChaosEvent> chaos)
    {
        var result = For(link);
        for (int i = 0; i < chaos.Count; i++)
        {
            var e = chaos[i];
            if (e.Kind == ChaosKind.Impair && e.IsActiveAt(now) && e.Selects(link)) result = e.Impairments.ApplyTo(result);
        }
        return result;
    }
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
