using TcpActors.Tcp.Host;
using static TcpActors.Tcp.Tests.Host.HostFixtures;

namespace TcpActors.Tcp.Tests.Host;

public class TimeWaitTests
{
    private static readonly TcpHostOptions SmallRange = Linux with { EphemeralPortMin = 50000, EphemeralPortMax = 50099 };

    /// <summary>
    /// Fills every port to the server with TIME_WAIT: handles 0-49 enter it at 0 s, 50-99 at
    /// 0.5 s (less than the 1 s tw_reuse needs, so none is reused while filling).
    /// </summary>
    private static TcpHost ClientWithEveryPortInTimeWait(TcpHostOptions options, uint clientAddr, uint serverAddr)
    {
        var client = new TcpHost(clientAddr, options);
        for (var i = 0; i < 100; i++)
        {
            var since = i < 50 ? TimeSpan.Zero : Seconds(0.5);
            var r = client.Connect(serverAddr, Http, i, since);
            Assert.Equal(ConnectOutcome.Bound, r.Outcome);
            Assert.True(client.EnterTimeWait(r.Tuple, i, since));
        }
        return client;
    }

    [Fact]
    public void Tw_reuse_takes_over_only_time_wait_tuples_older_than_one_second()
    {
        var client = ClientWithEveryPortInTimeWait(SmallRange with { TwReuse = 1 }, ClientAddr, ServerAddr);

        // At 1.2 s the 50 TIME_WAITs from 0 s are reusable, the 50 from 0.5 s are not.
        var evicted = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            var r = client.Connect(ServerAddr, Http, 1000 + i, Seconds(1.2));
            Assert.Equal(ConnectOutcome.Bound, r.Outcome);
            Assert.True(r.Evicted);
            Assert.True(client.TryGetConnection(r.Tuple, out var holder));
            Assert.Equal(1000 + i, holder);
            Assert.False(client.IsTimeWait(r.Tuple));
            evicted.Add(r.EvictedHandle);
        }
        evicted.Sort();
        Assert.Equal(Enumerable.Range(0, 50), evicted);
        Assert.Equal(50, client.TimeWaitCount);
        Assert.Equal(50, client.Counters.TimeWaitRecycled);

        Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, 2000, Seconds(1.2)).Outcome);
        // Exactly 1 s is not "more than" 1 s.
        Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, 2001, Seconds(1.5)).Outcome);
        var later = client.Connect(ServerAddr, Http, 2002, Seconds(1.5) + TimeSpan.FromTicks(1));
        Assert.True(later.Evicted);
        Assert.InRange(later.EvictedHandle, 50, 99);
    }

    [Fact]
    public void A_release_from_an_endpoint_whose_tuple_was_taken_over_changes_nothing()
    {
        var client = ClientWithEveryPortInTimeWait(SmallRange with { TwReuse = 1 }, ClientAddr, ServerAddr);
        var r = client.Connect(ServerAddr, Http, 1000, Seconds(10));
        Assert.True(r.Evicted);

        Assert.False(client.Release(r.Tuple, r.EvictedHandle));
        Assert.True(client.TryGetConnection(r.Tuple, out var holder));
        Assert.Equal(1000, holder);
    }

    [Fact]
    public void Without_tw_reuse_old_time_wait_tuples_still_exhaust_the_range()
    {
        var client = ClientWithEveryPortInTimeWait(SmallRange with { TwReuse = 0 }, ClientAddr, ServerAddr);

        Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, 1000, Seconds(59)).Outcome);
        Assert.Equal(0, client.Counters.TimeWaitRecycled);
    }

    [Fact]
    public void Tw_reuse_2_reuses_on_loopback_only()
    {
        var options = SmallRange with { TwReuse = 2 };
        var loopback = ClientWithEveryPortInTimeWait(options, Address.Of(127, 0, 0, 1), Address.Of(127, 0, 0, 2));
        var network = ClientWithEveryPortInTimeWait(options, ClientAddr, ServerAddr);

        var onLoopback = loopback.Connect(Address.Of(127, 0, 0, 2), Http, 1000, Seconds(30));
        var overTheNetwork = network.Connect(ServerAddr, Http, 1000, Seconds(30));

        Assert.Equal(ConnectOutcome.Bound, onLoopback.Outcome);
        Assert.True(onLoopback.Evicted);
        Assert.Equal(ConnectOutcome.PortExhausted, overTheNetwork.Outcome);
    }

    [Fact]
    public void An_exhausted_destination_with_only_young_time_waits_fails_in_constant_time_even_with_tw_reuse()
    {
        var client = ClientWithEveryPortInTimeWait(SmallRange with { TwReuse = 1 }, ClientAddr, ServerAddr);
        // The first attempt must look (handles 0-49 are old enough); take them all.
        for (var i = 0; i < 50; i++)
        {
            Assert.True(client.Connect(ServerAddr, Http, 1000 + i, Seconds(1.2)).Evicted);
        }
        // This attempt scans once and learns that the oldest TIME_WAIT left started at 0.5 s.
        Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, 2000, Seconds(1.3)).Outcome);
        var probes = client.Counters.EphemeralPortProbes;

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, 3000 + i, Seconds(1.4)).Outcome);
        }

        Assert.Equal(probes, client.Counters.EphemeralPortProbes);
    }

    [Fact]
    public void Time_wait_beyond_max_tw_buckets_is_refused_counted_and_its_tuple_freed()
    {
        var client = new TcpHost(ClientAddr, Linux with { MaxTwBuckets = 2 });
        var a = client.Connect(ServerAddr, Http, 1, TimeSpan.Zero);
        var b = client.Connect(ServerAddr, Http, 2, TimeSpan.Zero);
        var c = client.Connect(ServerAddr, Http, 3, TimeSpan.Zero);

        Assert.True(client.EnterTimeWait(a.Tuple, 1, Seconds(1)));
        Assert.True(client.EnterTimeWait(b.Tuple, 2, Seconds(1)));
        Assert.False(client.EnterTimeWait(c.Tuple, 3, Seconds(1)));

        Assert.Equal(1, client.Counters.TimeWaitOverflow);
        Assert.Equal(2, client.TimeWaitCount);
        Assert.False(client.TryGetConnection(c.Tuple, out _));
        Assert.Equal(2, client.ConnectionCount);

        // When one TIME_WAIT ends, the next socket to close gets its bucket.
        Assert.True(client.Release(a.Tuple, 1));
        var d = client.Connect(ServerAddr, Http, 4, Seconds(61));
        Assert.True(client.EnterTimeWait(d.Tuple, 4, Seconds(61)));
        Assert.Equal(2, client.TimeWaitCount);
        Assert.Equal(1, client.Counters.TimeWaitOverflow);
    }

    [Fact]
    public void A_retransmitted_fin_restarts_the_time_wait_clock_without_taking_a_second_bucket()
    {
        var client = new TcpHost(ClientAddr, SmallRange with { EphemeralPortMin = 50000, EphemeralPortMax = 50000, TwReuse = 1 });
        var r = client.Connect(ServerAddr, Http, 1, TimeSpan.Zero);
        Assert.True(client.EnterTimeWait(r.Tuple, 1, TimeSpan.Zero));
        Assert.True(client.EnterTimeWait(r.Tuple, 1, Seconds(10)));

        Assert.Equal(1, client.TimeWaitCount);
        Assert.Equal(ConnectOutcome.PortExhausted, client.Connect(ServerAddr, Http, 2, Seconds(10.5)).Outcome);
        Assert.True(client.Connect(ServerAddr, Http, 3, Seconds(11.5)).Evicted);
    }

    [Fact]
    public void Entering_time_wait_for_a_tuple_held_by_another_handle_is_a_bug_of_the_caller()
    {
        var client = LinuxClient();
        var r = client.Connect(ServerAddr, Http, 1, TimeSpan.Zero);

        Assert.Throws<InvalidOperationException>(() => client.EnterTimeWait(r.Tuple, 2, TimeSpan.Zero));
        Assert.Throws<InvalidOperationException>(() => client.EnterTimeWait(ClientTuple(1234), 1, TimeSpan.Zero));
    }

    [Fact]
    public void A_client_that_reconnects_after_its_passive_close_takes_the_next_port_not_the_one_the_server_holds_in_time_wait()
    {
        // Swarm seed 59717 (rfc9293, rfc1337 on): the server closed first and sits in TIME_WAIT for
        // 240 s; the client's side ended in LAST_ACK → CLOSED, so nothing was left on the client for
        // that server. Its next connect() there must not start over at the port it just freed: that
        // SYN would land on the server's TIME_WAIT, be answered with an ACK, the client's RST would be
        // ignored (RFC 1337) and connect() would time out after 183 s. Linux keeps table_perturb[]
        // for good (RFC 6056 §3.3.4), so the scan starts two ports further on.
        var options = TcpHostOptions.FromProfile(TcpProfile.Rfc9293 with { Rfc1337 = true });
        var client = new TcpHost(ClientAddr, options);
        var server = new TcpHost(ServerAddr, options);
        var listener = server.Listen(Http, 128);

        var first = client.Connect(ServerAddr, Http, 1, Seconds(1.6));
        Assert.Equal(DemuxOutcome.Listener, server.Demux(Arriving(Mirror(first.Tuple), TcpFlags.Syn)).Outcome);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(Mirror(first.Tuple), 101));
        Assert.Equal(AckDecision.Accept, server.CompleteHandshake(Mirror(first.Tuple)));
        Assert.True(listener.TryAccept(out _));

        // 3.3 s: the server's FIN was ACKed and the client's FIN arrived: server TIME_WAIT, client CLOSED.
        Assert.True(server.EnterTimeWait(Mirror(first.Tuple), 101, Seconds(3.3)));
        Assert.True(client.Release(first.Tuple, 1));
        Assert.Equal(0, client.ConnectionCount);

        // 4.125 s: the same client connects to the same server again.
        var second = client.Connect(ServerAddr, Http, 2, Seconds(4.125));
        Assert.Equal(ConnectOutcome.Bound, second.Outcome);
        Assert.NotEqual(first.LocalPort, second.LocalPort);
        Assert.Equal(first.LocalPort + 2, second.LocalPort);
        Assert.True(server.IsTimeWait(Mirror(first.Tuple)));
        Assert.Equal(DemuxOutcome.Listener, server.Demux(Arriving(Mirror(second.Tuple), TcpFlags.Syn)).Outcome);
    }
}
