using TcpActors.Tcp.Host;
using static TcpActors.Tcp.Tests.Host.HostFixtures;

namespace TcpActors.Tcp.Tests.Host;

public class ListenerTests
{
    private static TcpHost Server(int synBacklog, int acceptBacklog, bool syncookies = false, bool abortOnOverflow = false) =>
        new(ServerAddr, Linux with
        {
            SynBacklog = synBacklog,
            AcceptBacklog = acceptBacklog,
            Syncookies = syncookies,
            AbortOnOverflow = abortOnOverflow,
        });

    [Fact]
    public void The_accept_queue_holds_the_smaller_of_the_listen_backlog_and_the_system_cap()
    {
        var server = Server(synBacklog: 8, acceptBacklog: 4);
        Assert.Equal(4, server.Listen(80, 128).AcceptQueueCapacity);
        Assert.Equal(2, server.Listen(81, 2).AcceptQueueCapacity);
        Assert.Equal(8, server.Listen(82, 2).SynQueueCapacity);
    }

    [Fact]
    public void A_syn_takes_a_syn_queue_slot_and_the_final_ack_moves_it_to_the_accept_queue_until_accept()
    {
        var server = Server(synBacklog: 4, acceptBacklog: 4);
        var listener = server.Listen(Http, 4);
        var tuple = ServerTuple(40000);

        Assert.Equal(DemuxOutcome.Listener, server.Demux(Arriving(tuple, TcpFlags.Syn)).Outcome);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(tuple, 7));
        Assert.Equal((1, 0), (listener.SynQueueLength, listener.AcceptQueueLength));
        var ack = server.Demux(Arriving(tuple, TcpFlags.Ack));
        Assert.Equal((DemuxOutcome.Connection, 7), (ack.Outcome, ack.Handle));

        Assert.Equal(AckDecision.Accept, server.CompleteHandshake(tuple));
        Assert.Equal((0, 1), (listener.SynQueueLength, listener.AcceptQueueLength));

        Assert.True(listener.TryAccept(out var handle, out var accepted));
        Assert.Equal((7, tuple), (handle, accepted));
        Assert.Equal((0, 0), (listener.SynQueueLength, listener.AcceptQueueLength));
        Assert.False(listener.TryAccept(out _));
        Assert.True(server.TryGetConnection(tuple, out _));
    }

    [Fact]
    public void A_full_syn_queue_drops_syns_when_syncookies_are_off()
    {
        var server = Server(synBacklog: 2, acceptBacklog: 8);
        server.Listen(Http, 8);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(ServerTuple(40000), 0));
        Assert.Equal(SynDecision.Admit, server.OfferSyn(ServerTuple(40001), 1));

        Assert.Equal(SynDecision.Drop, server.OfferSyn(ServerTuple(40002), 2));

        Assert.False(server.TryGetConnection(ServerTuple(40002), out _));
        Assert.Equal(1, server.Counters.SynQueueFullDrops);
        Assert.Equal(1, server.Counters.ListenDrops);
        Assert.Equal(0, server.Counters.SyncookiesSent);
    }

    [Fact]
    public void A_full_syn_queue_answers_with_a_syn_cookie_that_holds_no_slot_until_its_ack_returns()
    {
        var server = Server(synBacklog: 1, acceptBacklog: 8, syncookies: true);
        var listener = server.Listen(Http, 8);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(ServerTuple(40000), 0));

        Assert.Equal(SynDecision.SynCookie, server.OfferSyn(ServerTuple(40001), 1));
        Assert.Equal(1, server.Counters.SyncookiesSent);
        Assert.False(server.TryGetConnection(ServerTuple(40001), out _));
        Assert.Equal(1, listener.SynQueueLength);

        // The client's ACK finds no connection and reaches the listener, which checks the cookie.
        Assert.Equal(DemuxOutcome.Listener, server.Demux(Arriving(ServerTuple(40001), TcpFlags.Ack)).Outcome);
        Assert.Equal(AckDecision.Accept, server.CompleteCookieHandshake(ServerTuple(40001), 1));
        Assert.Equal(1, server.Counters.SyncookiesRecv);
        Assert.Equal((1, 1), (listener.SynQueueLength, listener.AcceptQueueLength));
        Assert.True(listener.TryAccept(out var handle));
        Assert.Equal(1, handle);
    }

    [Fact]
    public void A_full_accept_queue_drops_the_final_ack_and_the_connection_stays_half_open()
    {
        var server = Server(synBacklog: 8, acceptBacklog: 1);
        var listener = server.Listen(Http, 1);
        server.OfferSyn(ServerTuple(40000), 0);
        server.OfferSyn(ServerTuple(40001), 1);
        Assert.Equal(AckDecision.Accept, server.CompleteHandshake(ServerTuple(40000)));

        Assert.Equal(AckDecision.Drop, server.CompleteHandshake(ServerTuple(40001)));

        Assert.Equal((1, 1), (listener.SynQueueLength, listener.AcceptQueueLength));
        Assert.True(server.TryGetConnection(ServerTuple(40001), out _));
        Assert.Equal(1, server.Counters.ListenOverflows);
        Assert.Equal(1, server.Counters.ListenDrops);

        // accept() frees the slot: the retransmitted SYN-ACK's ACK now completes the handshake.
        Assert.True(listener.TryAccept(out var first));
        Assert.Equal(0, first);
        Assert.Equal(AckDecision.Accept, server.CompleteHandshake(ServerTuple(40001)));
        Assert.Equal((0, 1), (listener.SynQueueLength, listener.AcceptQueueLength));
    }

    [Fact]
    public void With_abort_on_overflow_a_full_accept_queue_resets_the_connection_and_frees_its_tuple()
    {
        var server = Server(synBacklog: 8, acceptBacklog: 1, abortOnOverflow: true);
        var listener = server.Listen(Http, 1);
        server.OfferSyn(ServerTuple(40000), 0);
        server.OfferSyn(ServerTuple(40001), 1);
        server.CompleteHandshake(ServerTuple(40000));

        Assert.Equal(AckDecision.Reset, server.CompleteHandshake(ServerTuple(40001)));

        Assert.False(server.TryGetConnection(ServerTuple(40001), out _));
        Assert.Equal((0, 1), (listener.SynQueueLength, listener.AcceptQueueLength));
        Assert.Equal(1, server.Counters.AbortOnOverflowResets);
        Assert.Equal(1, server.Counters.ListenOverflows);
    }

    [Fact]
    public void A_full_accept_queue_drops_new_syns_too_even_with_syncookies()
    {
        var server = Server(synBacklog: 8, acceptBacklog: 1, syncookies: true);
        server.Listen(Http, 1);
        server.OfferSyn(ServerTuple(40000), 0);
        server.CompleteHandshake(ServerTuple(40000));

        Assert.Equal(SynDecision.Drop, server.OfferSyn(ServerTuple(40001), 1));

        Assert.Equal(1, server.Counters.ListenOverflows);
        Assert.Equal(1, server.Counters.ListenDrops);
    }

    [Fact]
    public void A_half_open_connection_that_times_out_or_is_reset_frees_its_syn_queue_slot()
    {
        var server = Server(synBacklog: 1, acceptBacklog: 8);
        var listener = server.Listen(Http, 8);
        server.OfferSyn(ServerTuple(40000), 0);
        Assert.Equal(SynDecision.Drop, server.OfferSyn(ServerTuple(40001), 1));

        // Seed 003: the client did not send that old duplicate SYN and answers the SYN-ACK with RST.
        Assert.True(server.Release(ServerTuple(40000), 0));

        Assert.Equal(0, listener.SynQueueLength);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(ServerTuple(40001), 1));
    }

    [Fact]
    public void A_connection_reset_while_waiting_in_the_accept_queue_is_skipped_by_accept()
    {
        var server = Server(synBacklog: 8, acceptBacklog: 2);
        var listener = server.Listen(Http, 2);
        server.OfferSyn(ServerTuple(40000), 0);
        server.OfferSyn(ServerTuple(40001), 1);
        server.CompleteHandshake(ServerTuple(40000));
        server.CompleteHandshake(ServerTuple(40001));

        Assert.True(server.Release(ServerTuple(40000), 0));
        Assert.Equal(1, listener.AcceptQueueLength);

        Assert.True(listener.TryAccept(out var handle));
        Assert.Equal(1, handle);
        Assert.False(listener.TryAccept(out _));
    }

    [Fact]
    public void Accept_skips_a_thousand_connections_that_died_in_the_queue_and_returns_the_live_one()
    {
        var server = Server(synBacklog: 8, acceptBacklog: 1);
        var listener = server.Listen(Http, 1);
        for (var i = 0; i < 1000; i++)
        {
            var tuple = ServerTuple((ushort)(40000 + i));
            Assert.Equal(SynDecision.Admit, server.OfferSyn(tuple, i));
            Assert.Equal(AckDecision.Accept, server.CompleteHandshake(tuple));
            Assert.True(server.Release(tuple, i));
        }
        server.OfferSyn(ServerTuple(39999), -1);
        server.CompleteHandshake(ServerTuple(39999));

        Assert.True(listener.TryAccept(out var handle));
        Assert.Equal(-1, handle);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public void Listening_twice_on_one_port_is_refused_like_eaddrinuse()
    {
        var server = LinuxServer();
        server.Listen(Http, 16);
        Assert.Throws<InvalidOperationException>(() => server.Listen(Http, 16));
    }

    [Fact]
    public void A_syn_for_a_tuple_that_already_has_a_connection_or_a_port_without_listener_is_a_bug_of_the_caller()
    {
        var server = LinuxServer();
        server.Listen(Http, 16);
        server.OfferSyn(ServerTuple(40000), 0);

        Assert.Throws<InvalidOperationException>(() => server.OfferSyn(ServerTuple(40000), 1));
        Assert.Throws<InvalidOperationException>(() => server.OfferSyn(new FourTuple(ServerAddr, 8080, ClientAddr, 40000), 1));
        Assert.Throws<InvalidOperationException>(() => server.CompleteHandshake(ServerTuple(40001)));
    }
}
