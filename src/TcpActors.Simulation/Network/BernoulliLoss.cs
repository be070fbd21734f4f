using TcpActors.Runtime;

namespace TcpActors.Simulation.Network;

/// <summary>
/// netem's <c>loss random P [CORR]</c>: a segment is lost when the (correlated) uniform draw is
/// below P (<c>loss_event</c> in net/sched/sch_netem.c). A value type kept in its link.
/// </summary>
public struct BernoulliLoss
{
    private CorrelatedUniform _draw;

    /// <summary>Probability that one segment is lost, 0..1.</summary>
    public double Probability { get; }

    /// <summary>Loss with probability <paramref name="probability"/> and netem-style correlation.</summary>
    public BernoulliLoss(double probability, double correlation = 0)
    {
        if (probability is < 0 or > 1 || double.IsNaN(probability))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "must be in 0..1");
        Probability = probability;
        _draw = new CorrelatedUniform(correlation);
    }

    /// <summary>Whether the next segment is lost. Draws nothing when the probability is 0 or 1.</summary>
    public bool NextIsLost(ref RandomStream random)
    {
        if (Probability <= 0) return false;
        if (Probability >= 1) return true;
        return _draw.Next(ref random) < Probability;
    }
}
