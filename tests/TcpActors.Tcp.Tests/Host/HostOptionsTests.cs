using TcpActors.Tcp.Host;
using static TcpActors.Tcp.Tests.Host.HostFixtures;

namespace TcpActors.Tcp.Tests.Host;

public class HostOptionsTests
{
    public static TheoryData<string, TcpHostOptions, string> BadOptions => new()
    {
        { "port 0 at the bottom", Linux with { EphemeralPortMin = 0 }, "port 0" },
        { "port 0 at the top", Linux with { EphemeralPortMax = 0 }, "port 0" },
        { "first above last", Linux with { EphemeralPortMin = 61000, EphemeralPortMax = 60999 }, "empty" },
        { "tw_reuse 3", Linux with { TwReuse = 3 }, "tw_reuse" },
        { "negative tw_reuse delay", Linux with { TwReuseDelay = TimeSpan.FromSeconds(-1) }, "delay" },
        { "negative max_tw_buckets", Linux with { MaxTwBuckets = -1 }, "max_tw_buckets" },
        { "negative syn backlog", Linux with { SynBacklog = -1 }, "syn backlog" },
        { "negative accept backlog", Linux with { AcceptBacklog = -5 }, "accept backlog" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Impossible_host_knobs_are_refused_with_a_message_that_names_them(string story, TcpHostOptions options, string named)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new TcpHost(ClientAddr, options));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.NotNull(story);
    }

    [Fact]
    public void Listening_on_port_0_or_with_a_negative_backlog_is_refused()
    {
        var server = LinuxServer();
        Assert.Throws<ArgumentException>(() => server.Listen(0, 16));
        var error = Assert.Throws<ArgumentException>(() => server.Listen(Http, -1));
        Assert.Contains("backlog", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_needs_real_distinct_addresses_of_its_own()
    {
        Assert.Throws<ArgumentException>(() => new TcpHost([], Linux));
        Assert.Throws<ArgumentException>(() => new TcpHost(0u, Linux));
        Assert.Throws<ArgumentException>(() => new TcpHost([ClientAddr, ClientAddr], Linux));
        var client = LinuxClient();
        Assert.Throws<ArgumentException>(() => client.Connect(OtherClientAddr, ServerAddr, Http, 1, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => client.Connect(ServerAddr, 0, 1, TimeSpan.Zero));
    }

    [Fact]
    public void The_host_knobs_of_each_profile_are_the_ones_the_profile_documents()
    {
        var linux = TcpHostOptions.FromProfile(TcpProfile.Linux);
        Assert.Equal((32768, 60999, 28232), (linux.EphemeralPortMin, linux.EphemeralPortMax, linux.EphemeralPortCount));
        Assert.Equal((2, 131072, 2048, 4096, true, false), (linux.TwReuse, linux.MaxTwBuckets, linux.SynBacklog, linux.AcceptBacklog, linux.Syncookies, linux.AbortOnOverflow));

        var rfc = TcpHostOptions.FromProfile(TcpProfile.Rfc9293);
        Assert.Equal((49152, 65535, 16384), (rfc.EphemeralPortMin, rfc.EphemeralPortMax, rfc.EphemeralPortCount));
        Assert.Equal((0, int.MaxValue, 128, 128, false), (rfc.TwReuse, rfc.MaxTwBuckets, rfc.SynBacklog, rfc.AcceptBacklog, rfc.Syncookies));
        foreach (var profile in TcpProfile.BuiltIn)
        {
            TcpHostOptions.FromProfile(profile).Validate();
        }
    }
}
