namespace TcpActors.Simulation.Network;

/// <summary>
/// Everything that happens to segments on one directed link (DESIGN.md §5): delay and jitter,
/// random loss, duplication, reordering, corruption and a rate limit. An immutable value; the
/// scenario's <c>network</c> section builds the baseline, <c>links</c> and <c>chaos</c> apply
/// <see cref="ImpairmentOverride"/>s to it, and <see cref="LinkImpairments"/> runs it.
/// </summary>
public sealed record Impairments
{
    /// <summary>Constant one-way delay.</summary>
    public TimeSpan Delay { get; init; }
    /// <summary>Jitter around <see cref="Delay"/> (half-width for uniform, σ otherwise).</summary>
    public TimeSpan Jitter { get; init; }
    /// <summary>Shape of the jitter.</summary>
    public JitterDistribution JitterDistribution { get; init; }
    /// <summary>netem-style correlation of successive delay draws, 0..1.</summary>
    public double DelayCorrelation { get; init; }
    /// <summary>Random loss process.</summary>
    public LossSpec Loss { get; init; } = LossSpec.None;
    /// <summary>Probability that a segment is sent twice, 0..1.</summary>
    public double Duplicate { get; init; }
    /// <summary>Probability that a segment skips the delay and overtakes those in flight, 0..1.</summary>
    public double Reorder { get; init; }
    /// <summary>Probability that a segment arrives with a bad checksum, 0..1.</summary>
    public double Corrupt { get; init; }
    /// <summary>Bandwidth limit, or null for an unlimited link.</summary>
    public RateLimit? Rate { get; init; }

    /// <summary>
    /// The least one-way delay any segment on the link can have, named because conservative
    /// windows take their lookahead from it (DESIGN.md §3.1): the delay less the jitter's widest
    /// reach below it — one jitter for uniform, <see cref="JitterQuantile.Limit"/> σ for the other
    /// shapes (netem's tables stop there too) — and never below zero; zero when segments may be
    /// reordered, which netem sends on with no delay. <see cref="DelayModel"/> never draws less.
    /// A clog or a rate limit only adds to it.
    /// </summary>
    public TimeSpan MinDelay => Reorder > 0 ? TimeSpan.Zero : DelayModel.Floor(Delay, Jitter, JitterDistribution);

    /// <summary>A perfect link: no delay, no loss, nothing.</summary>
    public static Impairments None { get; } = new();
}

/// <summary>
/// A partial <see cref="Impairments"/>: the keys a per-link rule or a chaos event sets; null
/// means "keep the value underneath".
/// </summary>
public sealed record ImpairmentOverride
{
    /// <summary>Overrides <see cref="Impairments.Delay"/>.</summary>
    public TimeSpan? Delay { get; init; }
    /// <summary>Overrides <see cref="Impairments.Jitter"/>.</summary>
    public TimeSpan? Jitter { get; init; }
    /// <summary>Overrides <see cref="Impairments.JitterDistribution"/>.</summary>
    public JitterDistribution? JitterDistribution { get; init; }
    /// <summary>Overrides <see cref="Impairments.DelayCorrelation"/>.</summary>
    public double? DelayCorrelation { get; init; }
    /// <summary>Overrides <see cref="Impairments.Loss"/>.</summary>
    public LossSpec? Loss { get; init; }
    /// <summary>Overrides <see cref="Impairments.Duplicate"/>.</summary>
    public double? Duplicate { get; init; }
    /// <summary>Overrides <see cref="Impairments.Reorder"/>.</summary>
    public double? Reorder { get; init; }
    /// <summary>Overrides <see cref="Impairments.Corrupt"/>.</summary>
    public double? Corrupt { get; init; }
    /// <summary>Overrides <see cref="Impairments.Rate"/>.</summary>
    public RateLimit? Rate { get; init; }

    /// <summary>True when the override sets nothing.</summary>
    public bool IsEmpty => this == Empty;

    /// <summary>An override that changes nothing.</summary>
    public static ImpairmentOverride Empty { get; } = new();

    /// <summary>The impairments underneath with this override's keys replaced.</summary>
    public Impairments ApplyTo(Impairments baseline) => baseline with
    {
        Delay = Delay ?? baseline.Delay,
        Jitter = Jitter ?? baseline.Jitter,
        JitterDistribution = JitterDistribution ?? baseline.JitterDistribution,
        DelayCorrelation = DelayCorrelation ?? baseline.DelayCorrelation,
        Loss = Loss ?? baseline.Loss,
        Duplicate = Duplicate ?? baseline.Duplicate,
        Reorder = Reorder ?? baseline.Reorder,
        Corrupt = Corrupt ?? baseline.Corrupt,
        Rate = Rate ?? baseline.Rate,
    };
}
