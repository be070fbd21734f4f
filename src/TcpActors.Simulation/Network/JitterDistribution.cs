namespace TcpActors.Simulation.Network;

/// <summary>
/// The shape of delay jitter, as netem's <c>distribution</c> option (tc-netem(8)). netem ships
/// the non-uniform shapes as tables of the inverse CDF (iproute2 <c>netem/*.c</c>); here the same
/// inverse CDFs are computed, so there is no table resolution and nothing to load.
/// </summary>
public enum JitterDistribution : byte
{
    /// <summary>Uniform in [delay − jitter, delay + jitter) — netem's default without a table.</summary>
    Uniform = 0,
    /// <summary>Normal with mean <c>delay</c> and standard deviation <c>jitter</c>.</summary>
    Normal = 1,
    /// <summary>netem's Pareto (shape a = 3, centred on zero, scaled by 4/3): heavy right tail.</summary>
    Pareto = 2,
    /// <summary>netem's paretonormal: ¼ normal + ¾ pareto, quantile by quantile (NIST Net).</summary>
    ParetoNormal = 3,
}
