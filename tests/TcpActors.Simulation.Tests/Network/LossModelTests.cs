using TcpActors.Runtime;
using TcpActors.Simulation.Network;

namespace TcpActors.Simulation.Tests.Network;

public class LossModelTests
{
    private const int Draws = 100_000;

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.1)]
    [InlineData(0.3)]
    public void Bernoulli_loss_loses_about_p_of_100k_segments(double p)
    {
        var random = new RandomStream(42, 1);
        var loss = new BernoulliLoss(p);
        int lost = 0;
        for (int i = 0; i < Draws; i++) if (loss.NextIsLost(ref random)) lost++;

        double sigma = Math.Sqrt(p * (1 - p) / Draws);
        Assert.InRange(lost / (double)Draws, p - 5 * sigma, p + 5 * sigma);
    }

    [Fact]
    public void Correlated_bernoulli_loss_makes_longer_runs_than_independent_loss()
    {
        // A 50 % loss keeps its rate under netem's correlation (the mean of the draw stays ½),
        // but successive decisions agree more often: runs of losses get longer.
        static double MeanRun(double correlation)
        {
            var random = new RandomStream(7, 3);
            var loss = new BernoulliLoss(0.5, correlation);
            int runs = 0, lostTotal = 0;
            bool previous = false;
            for (int i = 0; i < Draws; i++)
            {
                bool lost = loss.NextIsLost(ref random);
                if (lost) { lostTotal++; if (!previous) runs++; }
                previous = lost;
            }
            return lostTotal / (double)runs;
        }

        double independent = MeanRun(0), correlated = MeanRun(0.75);
        Assert.InRange(independent, 1.9, 2.1);
        Assert.True(correlated > 1.5 * independent, $"correlated mean run {correlated} vs {independent}");
    }

    [Fact]
    public void Gilbert_elliott_loss_bursts_last_one_over_r_segments_and_lose_p_over_p_plus_r()
    {
        const double p = 0.01, r = 0.25;
        var random = new RandomStream(42, 9);
        var loss = new GilbertElliottLoss(p, r);
        int lost = 0, bursts = 0;
        bool previous = false;
        for (int i = 0; i < 1_000_000; i++)
        {
            bool isLost = loss.NextIsLost(ref random);
            if (isLost) { lost++; if (!previous) bursts++; }
            previous = isLost;
        }

        Assert.InRange(lost / (double)bursts, 1 / r * 0.93, 1 / r * 1.07);
        double expectedRate = LossSpec.GilbertElliott(p, r).MeanLossRate;
        Assert.Equal(p / (p + r), expectedRate, 12);
        Assert.InRange(lost / 1_000_000.0, expectedRate * 0.9, expectedRate * 1.1);
    }

    [Fact]
    public void Gilbert_elliott_with_partial_loss_in_each_state_matches_its_stationary_rate()
    {
        var spec = LossSpec.GilbertElliott(p: 0.05, r: 0.2, oneMinusH: 0.6, oneMinusK: 0.02);
        var random = new RandomStream(5, 5);
        var loss = new GilbertElliottLoss(spec.P, spec.R, spec.OneMinusH, spec.OneMinusK);
        int lost = 0;
        for (int i = 0; i < 1_000_000; i++) if (loss.NextIsLost(ref random)) lost++;

        Assert.Equal(0.05 / 0.25 * 0.6 + 0.2 / 0.25 * 0.02, spec.MeanLossRate, 12);
        Assert.InRange(lost / 1_000_000.0, spec.MeanLossRate * 0.95, spec.MeanLossRate * 1.05);
    }

    [Fact]
    public void Same_seed_gives_the_same_loss_decisions()
    {
        var a = new RandomStream(123, 4);
        var b = new RandomStream(123, 4);
        var lossA = new GilbertElliottLoss(0.1, 0.3, 0.9, 0.01);
        var lossB = new GilbertElliottLoss(0.1, 0.3, 0.9, 0.01);
        for (int i = 0; i < 10_000; i++) Assert.Equal(lossA.NextIsLost(ref a), lossB.NextIsLost(ref b));
    }

    [Fact]
    public void Zero_loss_draws_nothing_from_the_stream()
    {
        var random = new RandomStream(1, 1);
        var untouched = random;
        var bernoulli = new BernoulliLoss(0);
        var ge = new GilbertElliottLoss(0, 0, 0, 0);
        for (int i = 0; i < 100; i++)
        {
            Assert.False(bernoulli.NextIsLost(ref random));
            Assert.False(ge.NextIsLost(ref random));
        }
        Assert.Equal(untouched.NextUInt64(), random.NextUInt64());
    }

    [Fact]
    public void Loss_probability_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BernoulliLoss(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GilbertElliottLoss(0.1, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CorrelatedUniform(2));
    }
}
