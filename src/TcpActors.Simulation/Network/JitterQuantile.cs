namespace TcpActors.Simulation.Network;

/// <summary>
/// The inverse CDFs behind netem's distribution tables, in standard units (delay = mean + jitter
/// × value). Sources: iproute2 <c>netem/normal.c</c>, <c>netem/pareto.c</c>,
/// <c>netem/paretonormal.c</c>.
/// </summary>
public static class JitterQuantile
{
    /// <summary>netem tables hold 16-bit values scaled by NETEM_DIST_SCALE = 8192: at most ±32767/8192.</summary>
    public const double Limit = 32767.0 / 8192.0;

    /// <summary>The standardized jitter for uniform quantile <paramref name="q"/> in [0, 1).</summary>
    public static double Of(JitterDistribution distribution, double q) => distribution switch
    {
        // netem without a table: (rnd % 2σ) + μ − σ, i.e. uniform on [−1, 1) in σ units.
        JitterDistribution.Uniform => 2 * q - 1,
        JitterDistribution.Normal => Clamp(Normal(q)),
        JitterDistribution.Pareto => Clamp(Pareto(q)),
        // paretonormal.c: value = (normal + 3·pareto) / 4 at the same table index.
        _ => Clamp((Clamp(Normal(q)) + 3 * Clamp(Pareto(q))) / 4),
    };

    /// <summary>
    /// netem's Pareto: shape a = 3, x = (1 − q)^(−1/a), shifted by its mean 1.5 and scaled by 4/3
    /// (pareto.c). Mean 0 before clamping; a heavy right tail, a short left one (≥ −2/3).
    /// </summary>
    public static double Pareto(double q)
    {
        double u = 1 - q;
        if (u <= 0) return Limit;
        return (1.0 / Math.Cbrt(u) - 1.5) * (4.0 / 3.0);
    }

    /// <summary>
    /// Standard normal quantile Φ⁻¹(q), Acklam's rational approximation (relative error below
    /// 1.15e−9), which is far finer than netem's 4096-entry table.
    /// </summary>
    public static double Normal(double q)
    {
        if (q <= 0) return -Limit;
        if (q >= 1) return Limit;
        const double pLow = 0.02425, pHigh = 1 - pLow;
        if (q < pLow)
        {
            double t = Math.Sqrt(-2 * Math.Log(q));
            return (((((C1 * t + C2) * t + C3) * t + C4) * t + C5) * t + C6) /
                   ((((D1 * t + D2) * t + D3) * t + D4) * t + 1);
        }
        if (q <= pHigh)
        {
            double s = q - 0.5, r = s * s;
            return (((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * s /
                   (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
        }
        double u = Math.Sqrt(-2 * Math.Log(1 - q));
        return -(((((C1 * u + C2) * u + C3) * u + C4) * u + C5) * u + C6) /
               ((((D1 * u + D2) * u + D3) * u + D4) * u + 1);
    }

    private static double Clamp(double x) => x > Limit ? Limit : x < -Limit ? -Limit : x;

    private const double A1 = -3.969683028665376e+01, A2 = 2.209460984245205e+02, A3 = -2.759285104469687e+02,
        A4 = 1.383577518672690e+02, A5 = -3.066479806614716e+01, A6 = 2.506628277459239e+00;
    private const double B1 = -5.447609879822406e+01, B2 = 1.615858368580409e+02, B3 = -1.556989798598866e+02,
        B4 = 6.680131188771972e+01, B5 = -1.328068155288572e+01;
    private const double C1 = -7.784894002430293e-03, C2 = -3.223964580411365e-01, C3 = -2.400758277161838e+00,
        C4 = -2.549732539343734e+00, C5 = 4.374664141464968e+00, C6 = 2.938163982699381e+00;
    private const double D1 = 7.784695709041462e-03, D2 = 3.224671290700398e-01, D3 = 2.445134137142996e+00,
        D4 = 3.754408661907416e+00;
}
