using TcpActors.Tcp.Host;
using static TcpActors.Tcp.Tests.Host.HostFixtures;

namespace TcpActors.Tcp.Tests.Host;

public class DemuxTests
{
    [Fact]
    public void An_exact_four_tuple_wins_over_the_listener_on_the_same_port()
    {
        var server = LinuxServer();
        var listener = server.Listen(Http, 16);
        server.OfferSyn(ServerTuple(40000), 5);

        var known = server.Demux(Arriving(ServerTuple(40000), TcpFlags.Ack));
        var unknown = server.Demux(Arriving(ServerTuple(40001), TcpFlags.Syn));

        Assert.Equal((DemuxOutcome.Connection, 5), (known.Outcome, known.Handle));
        Assert.Equal(DemuxOutcome.Listener, unknown.Outcome);
        Assert.Same(listener, unknown.Listener);
    }

    [Fact]
    public void A_segment_for_no_connection_and_no_listener_is_left_to_the_caller_to_reset()
    {
        var server = LinuxServer();
        var syn = Arriving(new FourTuple(ServerAddr, 8080, ClientAddr, 40000), TcpFlags.Syn);

        var result = server.Demux(syn);

        Assert.Equal(DemuxOutcome.NoConnection, result.Outcome);
        Assert.Equal(1, server.Counters.NoConnection);
        // The refusal of seed 001: RST-ACK acknowledging the SYN.
        Assert.True(Segment.TryResetFor(syn, out var rst));
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags);
    }

    [Fact]
    public void A_time_wait_tuple_still_receives_its_segments()
    {
        var client = LinuxClient();
        var r = client.Connect(ServerAddr, Http, 3, TimeSpan.Zero);
        client.EnterTimeWait(r.Tuple, 3, Seconds(1));

        var fin = client.Demux(Arriving(r.Tuple, TcpFlags.Fin | TcpFlags.Ack));

        Assert.Equal((DemuxOutcome.Connection, 3), (fin.Outcome, fin.Handle));
    }

    [Fact]
    public void A_segment_for_an_address_the_host_does_not_own_is_not_local()
    {
        var server = LinuxServer();
        server.Listen(Http, 16);
        var misrouted = Arriving(new FourTuple(OtherServerAddr, Http, ClientAddr, 40000), TcpFlags.Syn);

        Assert.Equal(DemuxOutcome.NotLocal, server.Demux(misrouted).Outcome);
    }

    [Fact]
    public void A_host_with_two_addresses_listens_on_both()
    {
        var server = new TcpHost([ServerAddr, OtherServerAddr], Linux);
        server.Listen(Http, 16);

        Assert.Equal(DemuxOutcome.Listener, server.Demux(Arriving(new FourTuple(OtherServerAddr, Http, ClientAddr, 1), TcpFlags.Syn)).Outcome);
        Assert.Equal(DemuxOutcome.Listener, server.Demux(Arriving(new FourTuple(ServerAddr, Http, ClientAddr, 1), TcpFlags.Syn)).Outcome);
    }

    [Fact]
    public void An_explicitly_bound_tuple_is_held_once()
    {
        var client = LinuxClient();
        Assert.True(client.Register(ClientTuple(1234), 1));
        Assert.False(client.Register(ClientTuple(1234), 2));
        Assert.True(client.TryGetConnection(ClientTuple(1234), out var handle));
        Assert.Equal(1, handle);
    }
}
