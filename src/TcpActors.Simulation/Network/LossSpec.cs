namespace TcpActors.Simulation.Network;

/// <summary>Which random loss process a link uses.</summary>
public enum LossKind : byte
{
    /// <summary>No random loss.</summary>
    None = 0,
    /// <summary>Each segment is lost with a fixed probability, optionally correlated (netem <c>loss random</c>).</summary>
    Bernoulli = 1,
    /// <summary>A two-state good/bad Markov chain (netem <c>loss gemodel p r 1-h 1-k</c>).</summary>
    GilbertElliott = 2,
}

/// <summary>
/// How a link loses segments at random. Bernoulli uses <see cref="Probability"/> and
/// <see cref="Correlation"/>; Gilbert-Elliott uses <see cref="P"/>, <see cref="R"/>,
/// <see cref="OneMinusH"/> and <see cref="OneMinusK"/> with netem's meanings and defaults
/// (tc-netem(8): r = 1 − p, 1−h = 1, 1−k = 0 when omitted).
/// </summary>
public sealed record LossSpec
{
    /// <summary>The loss process.</summary>
    public LossKind Kind { get; init; }

    /// <summary>Bernoulli: probability that one segment is lost, 0..1.</summary>
    public double Probability { get; init; }

    /// <summary>Bernoulli: netem-style correlation with the previous draw, 0..1.</summary>
    public double Correlation { get; init; }

    /// <summary>Gilbert-Elliott: probability of moving good → bad per segment.</summary>
    public double P { get; init; }

    /// <summary>Gilbert-Elliott: probability of moving bad → good per segment; mean bad burst 1/r.</summary>
    public double R { get; init; }

    /// <summary>Gilbert-Elliott: loss probability in the bad state (1 − h).</summary>
    public double OneMinusH { get; init; } = 1;

    /// <summary>Gilbert-Elliott: loss probability in the good state (1 − k).</summary>
    public double OneMinusK { get; init; }

    /// <summary>No loss at all.</summary>
    public static LossSpec None { get; } = new();

    /// <summary>Independent (or correlated) loss with probability <paramref name="probability"/>.</summary>
    public static LossSpec Bernoulli(double probability, double correlation = 0) =>
        probability <= 0 ? None : new() { Kind = LossKind.Bernoulli, Probability = probability, Correlation = correlation };

    /// <summary>Gilbert-Elliott loss with netem's four parameters.</summary>
    public static LossSpec GilbertElliott(double p, double r, double oneMinusH = 1, double oneMinusK = 0) =>
        new() { Kind = LossKind.GilbertElliott, P = p, R = r, OneMinusH = oneMinusH, OneMinusK = oneMinusK };

    /// <summary>
    /// The long-run loss rate: p for Bernoulli (without correlation); for Gilbert-Elliott the
    /// stationary mix π_bad·(1−h) + π_good·(1−k) with π_bad = p / (p + r).
    /// </summary>
    public double MeanLossRate => Kind switch
    {
        LossKind.Bernoulli => Probability,
        LossKind.GilbertElliott when P + R > 0 => P / (P + R) * OneMinusH + R / (P + R) * OneMinusK,
        LossKind.GilbertElliott => OneMinusK,
        _ => 0,
    };
}
