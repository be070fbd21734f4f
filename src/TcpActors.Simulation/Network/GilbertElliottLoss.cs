using TcpActors.Runtime;

namespace TcpActors.Simulation.Network;

/// <summary>
/// Gilbert-Elliott loss, as netem's <c>loss gemodel p r 1-h 1-k</c> (<c>loss_4state</c>'s sibling
/// <c>loss_gilb_ell</c> in net/sched/sch_netem.c; Salsano et al., "Definition of a general and
/// intuitive loss model for packet networks", 2012). Two states: in Good a segment is lost with
/// probability 1−k, in Bad with 1−h; each segment first moves Good→Bad with p or Bad→Good with r,
/// and is then lost according to the state it was in. With 1−h = 1 and 1−k = 0 loss bursts are
/// geometric with mean length 1/r and the mean loss rate is p / (p + r).
/// </summary>
public struct GilbertElliottLoss
{
    /// <summary>Good → bad transition probability per segment.</summary>
    public double P { get; }
    /// <summary>Bad → good transition probability per segment.</summary>
    public double R { get; }
    /// <summary>Loss probability in the bad state.</summary>
    public double OneMinusH { get; }
    /// <summary>Loss probability in the good state.</summary>
    public double OneMinusK { get; }

    /// <summary>True while the chain is in the bad state.</summary>
    public bool InBadState { get; private set; }

    /// <summary>A chain that starts in the good state, as netem's does.</summary>
    public GilbertElliottLoss(double p, double r, double oneMinusH = 1, double oneMinusK = 0)
    {
        Check(p, nameof(p));
        Check(r, nameof(r));
        Check(oneMinusH, nameof(oneMinusH));
        Check(oneMinusK, nameof(oneMinusK));
        P = p;
        R = r;
        OneMinusH = oneMinusH;
        OneMinusK = oneMinusK;
        InBadState = false;
    }

    /// <summary>Whether the next segment is lost. Probabilities of 0 or 1 draw nothing.</summary>
    public bool NextIsLost(ref RandomStream random)
    {
        if (InBadState)
        {
            if (random.Chance(R)) InBadState = false;
            return random.Chance(OneMinusH);
        }
        if (random.Chance(P)) InBadState = true;
        return random.Chance(OneMinusK);
    }

    private static void Check(double value, string name)
    {
        if (value is < 0 or > 1 || double.IsNaN(value))
            throw new ArgumentOutOfRangeException(name, value, "must be in 0..1");
    }
}
