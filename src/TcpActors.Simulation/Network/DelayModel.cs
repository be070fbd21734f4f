using TcpActors.Runtime;

namespace TcpActors.Simulation.Network;

/// <summary>
/// One-way delay of a link: a constant plus jitter drawn from a <see cref="JitterDistribution"/>,
/// optionally correlated with the previous draw — netem's <c>delay TIME JITTER CORR distribution
/// D</c> (<c>tabledist</c> in net/sched/sch_netem.c). Like netem, the correlation is applied to
/// the uniform draw, which is then mapped through the distribution's inverse CDF; like netem's
/// 16-bit tables, a non-uniform draw is clamped to ±4 standard units. No draw is below
/// <see cref="Floor"/> (the link's named minimum delay, never negative: a segment never arrives
/// before it was sent).
/// </summary>
public struct DelayModel
{
    private CorrelatedUniform _draw;

    /// <summary>The constant part (mean of the distribution).</summary>
    public TimeSpan Delay { get; }
    /// <summary>The jitter: half-width for uniform, the scale (σ) for the others.</summary>
    public TimeSpan Jitter { get; }
    /// <summary>The jitter's shape.</summary>
    public JitterDistribution Distribution { get; }

    /// <summary>A delay model; <paramref name="correlation"/> in 0..1.</summary>
    public DelayModel(TimeSpan delay, TimeSpan jitter, JitterDistribution distribution = JitterDistribution.Uniform, double correlation = 0)
    {
        if (delay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay), delay, "must not be negative");
        if (jitter < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "must not be negative");
        Delay = delay;
        Jitter = jitter;
        Distribution = distribution;
        _draw = new CorrelatedUniform(correlation);
        _floorTicks = Floor(delay, jitter, distribution).Ticks;
    }

    private readonly long _floorTicks;

    /// <summary>The least delay a draw can give: <paramref name="delay"/> less the jitter's widest reach below it, at least zero.</summary>
    public static TimeSpan Floor(TimeSpan delay, TimeSpan jitter, JitterDistribution distribution)
    {
        double reach = distribution == JitterDistribution.Uniform ? 1 : JitterQuantile.Limit;
        long ticks = delay.Ticks - (long)Math.Ceiling(reach * jitter.Ticks);
        return ticks <= 0 ? TimeSpan.Zero : new TimeSpan(ticks);
    }

    /// <summary>The next one-way delay. Draws nothing when there is no jitter.</summary>
    public TimeSpan Next(ref RandomStream random)
    {
        if (Jitter == TimeSpan.Zero) return Delay;
        double q = _draw.Next(ref random);
        double standard = JitterQuantile.Of(Distribution, q);
        long ticks = Delay.Ticks + (long)Math.Round(standard * Jitter.Ticks);
        return ticks <= _floorTicks ? new TimeSpan(_floorTicks) : new TimeSpan(ticks);
    }
}
