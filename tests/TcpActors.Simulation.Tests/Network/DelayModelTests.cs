using TcpActors.Runtime;
using TcpActors.Simulation.Network;

namespace TcpActors.Simulation.Tests.Network;

public class DelayModelTests
{
    private static (double Mean, double Variance, double Min, double Max) Sample(JitterDistribution distribution, double correlation = 0)
    {
        var random = new RandomStream(42, 2);
        var model = new DelayModel(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10), distribution, correlation);
        const int n = 100_000;
        double sum = 0, sumSq = 0, min = double.MaxValue, max = double.MinValue;
        for (int i = 0; i < n; i++)
        {
            double ms = model.Next(ref random).TotalMilliseconds;
            sum += ms;
            sumSq += ms * ms;
            min = Math.Min(min, ms);
            max = Math.Max(max, ms);
        }
        double mean = sum / n;
        return (mean, sumSq / n - mean * mean, min, max);
    }

    [Fact]
    public void Uniform_jitter_spreads_evenly_over_delay_plus_or_minus_jitter()
    {
        var s = Sample(JitterDistribution.Uniform);
        Assert.InRange(s.Mean, 99.9, 100.1);
        Assert.InRange(s.Variance, 100.0 / 3 * 0.97, 100.0 / 3 * 1.03); // (2·10)²/12
        Assert.True(s.Min >= 90 && s.Max < 110);
    }

    [Fact]
    public void Normal_jitter_has_mean_delay_and_standard_deviation_jitter()
    {
        var s = Sample(JitterDistribution.Normal);
        Assert.InRange(s.Mean, 99.9, 100.1);
        Assert.InRange(Math.Sqrt(s.Variance), 9.8, 10.2);
        Assert.True(s.Min >= 100 - 40 && s.Max <= 100 + 40, "clamped to ±4σ as netem's tables");
    }

    [Fact]
    public void Pareto_jitter_is_centred_on_the_delay_with_a_long_right_tail()
    {
        var s = Sample(JitterDistribution.Pareto);
        // netem's table: (x − 1.5)·4/3 with x Pareto(a=3, P(x > y) = y⁻³), clamped at 4 so
        // x ≤ c = 4.5: E[min(x,c)] = 1.5 − 1/(2c²), E[min(x,c)²] = 3 − 2/c.
        const double c = 4.5;
        double ex = 1.5 - 1 / (2 * c * c), ex2 = 3 - 2 / c;
        double mean = 100 + 10 * (4.0 / 3) * (ex - 1.5), variance = 100 * (16.0 / 9) * (ex2 - ex * ex);
        Assert.InRange(s.Mean, mean - 0.1, mean + 0.1);
        Assert.InRange(s.Variance, variance * 0.95, variance * 1.05);
        Assert.True(s.Min >= 100 - 10 * 2.0 / 3 - 0.01, $"left tail ends at −2/3 σ, got {s.Min}");
        Assert.True(s.Max - 100 > 3 * (100 - s.Min), "right tail far longer than the left");
    }

    [Fact]
    public void Paretonormal_jitter_mixes_a_quarter_normal_and_three_quarters_pareto()
    {
        Assert.Equal((JitterQuantile.Normal(0.9) + 3 * JitterQuantile.Pareto(0.9)) / 4,
            JitterQuantile.Of(JitterDistribution.ParetoNormal, 0.9), 12);
        var s = Sample(JitterDistribution.ParetoNormal);
        Assert.InRange(s.Mean, 99.0, 100.2);
        Assert.True(s.Variance > 50 && s.Variance < 134, $"variance {s.Variance}");
    }

    [Fact]
    public void Normal_quantile_matches_known_values()
    {
        Assert.Equal(0, JitterQuantile.Normal(0.5), 9);
        Assert.Equal(1.959963985, JitterQuantile.Normal(0.975), 6);
        Assert.Equal(-2.326347874, JitterQuantile.Normal(0.01), 6);
    }

    [Fact]
    public void Delay_correlation_keeps_the_mean_and_makes_successive_delays_alike()
    {
        var random = new RandomStream(9, 9);
        var model = new DelayModel(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10), JitterDistribution.Uniform, 0.9);
        double previous = model.Next(ref random).TotalMilliseconds, sumDiff = 0;
        for (int i = 0; i < 10_000; i++)
        {
            double ms = model.Next(ref random).TotalMilliseconds;
            sumDiff += Math.Abs(ms - previous);
            previous = ms;
        }
        // Independent uniform draws on a 20 ms span differ by 20/3 ≈ 6.7 ms on average.
        Assert.True(sumDiff / 10_000 < 2, $"mean step {sumDiff / 10_000} ms");
    }

    [Fact]
    public void Delay_without_jitter_is_constant_and_draws_nothing()
    {
        var random = new RandomStream(3, 3);
        var untouched = random;
        var model = new DelayModel(TimeSpan.FromMilliseconds(10), TimeSpan.Zero, JitterDistribution.Normal, 0.5);
        for (int i = 0; i < 100; i++) Assert.Equal(TimeSpan.FromMilliseconds(10), model.Next(ref random));
        Assert.Equal(untouched.NextUInt64(), random.NextUInt64());
    }

    [Fact]
    public void Jitter_larger_than_the_delay_never_makes_a_negative_delay()
    {
        var random = new RandomStream(3, 4);
        var model = new DelayModel(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10), JitterDistribution.Normal);
        for (int i = 0; i < 10_000; i++) Assert.True(model.Next(ref random) >= TimeSpan.Zero);
    }
}
