using TcpActors.Runtime;

namespace TcpActors.Simulation.Network;

/// <summary>
/// netem's correlated random number (<c>get_crandom</c> in net/sched/sch_netem.c): each draw is
/// <c>corr·last + (1 − corr)·uniform</c>. With correlation 0 it is a plain uniform draw.
/// Known caveat, as in netem: correlation keeps the mean at ½ but narrows the spread, so a
/// correlated Bernoulli loss below 50 % loses less than its nominal probability; use
/// Gilbert-Elliott for realistic bursts.
/// </summary>
public struct CorrelatedUniform
{
    private double _last;
    private bool _hasLast;

    /// <summary>How much of the previous draw carries into the next, 0..1.</summary>
    public double Correlation { get; }

    /// <summary>A generator with the given correlation (0 = independent draws).</summary>
    public CorrelatedUniform(double correlation)
    {
        if (correlation is < 0 or > 1 || double.IsNaN(correlation))
            throw new ArgumentOutOfRangeException(nameof(correlation), correlation, "must be in 0..1");
        Correlation = correlation;
        _last = 0;
        _hasLast = false;
    }

    /// <summary>The next value in [0, 1); draws exactly one number from the stream.</summary>
    public double Next(ref RandomStream random)
    {
        double u = random.NextDouble();
        if (Correlation == 0) return u;
        // netem seeds `last` with a fresh draw; the first value is therefore uncorrelated.
        double value = _hasLast ? Correlation * _last + (1 - Correlation) * u : u;
        _last = value;
        _hasLast = true;
        return value;
    }
}
