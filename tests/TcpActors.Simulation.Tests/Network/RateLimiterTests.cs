using TcpActors.Simulation.Network;

namespace TcpActors.Simulation.Tests.Network;

public class RateLimiterTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void A_burst_at_100_packets_per_second_leaves_every_10ms()
    {
        var limiter = new RateLimiter(new RateLimit { PacketsPerSecond = 100, QueueLimit = 10 });
        for (int i = 1; i <= 3; i++)
        {
            Assert.True(limiter.TryEnqueue(TimeSpan.Zero, 0, out var departure));
            Assert.Equal(Ms(10 * i), departure);
        }
    }

    [Fact]
    public void A_bytes_per_second_limit_charges_payload_plus_40_header_bytes()
    {
        // 1000 B/s: a 960-byte payload is 1000 bytes on the wire, one second.
        var limiter = new RateLimiter(new RateLimit { BytesPerSecond = 1000 });
        Assert.True(limiter.TryEnqueue(TimeSpan.Zero, 960, out var first));
        Assert.Equal(TimeSpan.FromSeconds(1), first);
        Assert.True(limiter.TryEnqueue(Ms(100), 0, out var pureAck));
        Assert.Equal(Ms(1040), pureAck);
    }

    [Fact]
    public void An_idle_link_sends_at_once_and_a_full_queue_tail_drops()
    {
        var limiter = new RateLimiter(new RateLimit { PacketsPerSecond = 10, QueueLimit = 2 });
        Assert.True(limiter.TryEnqueue(Ms(0), 0, out var a));
        Assert.True(limiter.TryEnqueue(Ms(0), 0, out var b));
        Assert.False(limiter.TryEnqueue(Ms(50), 0, out _));
        Assert.Equal((Ms(100), Ms(200)), (a, b));

        // At 100 ms the first has left: room for one, which queues behind the second.
        Assert.True(limiter.TryEnqueue(Ms(100), 0, out var c));
        Assert.Equal(Ms(300), c);

        // Long after, the link is idle again: departure is now + one transmission time.
        Assert.True(limiter.TryEnqueue(Ms(5000), 0, out var d));
        Assert.Equal(Ms(5100), d);
        Assert.Equal(1, limiter.QueueLength);
    }

    [Fact]
    public void A_limit_must_name_exactly_one_rate_and_a_positive_queue()
    {
        Assert.Throws<ArgumentException>(() => new RateLimiter(new RateLimit()));
        Assert.Throws<ArgumentException>(() => new RateLimiter(new RateLimit { PacketsPerSecond = 1, BytesPerSecond = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimiter(new RateLimit { PacketsPerSecond = 1, QueueLimit = 0 }));
    }
}
