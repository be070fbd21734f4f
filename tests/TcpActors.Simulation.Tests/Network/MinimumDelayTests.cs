using TcpActors.Runtime;
using TcpActors.Simulation.Network;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Network;

/// <summary>
/// Every link has a named minimum delay, <see cref="Impairments.MinDelay"/>: the lookahead that
/// conservative windows between shards will take (DESIGN.md §3.1). Jitter never goes below it.
/// </summary>
public class MinimumDelayTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Theory]
    [InlineData(JitterDistribution.Uniform, 100, 10, 90)]
    [InlineData(JitterDistribution.Normal, 100, 10, 100 - 10 * 32767.0 / 8192.0)]
    [InlineData(JitterDistribution.Pareto, 100, 10, 100 - 10 * 32767.0 / 8192.0)]
    [InlineData(JitterDistribution.ParetoNormal, 100, 10, 100 - 10 * 32767.0 / 8192.0)]
    [InlineData(JitterDistribution.Normal, 10, 5, 0)]
    [InlineData(JitterDistribution.Uniform, 10, 0, 10)]
    public void A_link_never_delivers_faster_than_its_named_minimum_delay(JitterDistribution shape, double delayMs, double jitterMs, double minimumMs)
    {
        var settings = Impairments.None with { Delay = Ms(delayMs), Jitter = Ms(jitterMs), JitterDistribution = shape, DelayCorrelation = 0.25 };
        Assert.InRange(settings.MinDelay.TotalMilliseconds, minimumMs - 1e-4, minimumMs + 1e-4);

        var model = new DelayModel(settings.Delay, settings.Jitter, settings.JitterDistribution, settings.DelayCorrelation);
        var random = new RandomStream(9, 1);
        TimeSpan least = TimeSpan.MaxValue;
        for (int i = 0; i < 200_000; i++)
        {
            TimeSpan d = model.Next(ref random);
            if (d < least) least = d;
        }
        Assert.True(least >= settings.MinDelay, $"drew {least.TotalMilliseconds} ms, below the named minimum {settings.MinDelay.TotalMilliseconds} ms");
    }

    [Fact]
    public void Reordering_makes_a_link_s_minimum_delay_zero_because_netem_sends_a_reordered_segment_at_once()
    {
        var settings = Impairments.None with { Delay = Ms(50), Reorder = 0.5 };
        Assert.Equal(TimeSpan.Zero, settings.MinDelay);

        var link = new LinkImpairments(settings, LinkDirection.ClientToServer);
        var random = new RandomStream(3, 3);
        var segment = new Segment { Flags = TcpFlags.Ack };
        bool sawReordered = false;
        for (int i = 0; i < 100; i++)
        {
            LinkDecision decision = link.Decide(TimeSpan.FromSeconds(1), segment, ref random);
            if (!decision.Reordered) continue;
            sawReordered = true;
            Assert.Equal(TimeSpan.FromSeconds(1), decision.DeliverAt);
        }
        Assert.True(sawReordered);
    }
}
