using TcpActors.Tcp.Host;
using static TcpActors.Tcp.Tests.Host.HostFixtures;

namespace TcpActors.Tcp.Tests.Host;

public class CrashTests
{
    /// <summary>A server with one accepted, one accept-queued, one half-open and one TIME_WAIT connection.</summary>
    private static (TcpHost Server, Listener Listener) BusyServer()
    {
        var server = LinuxServer();
        var listener = server.Listen(Http, 16);
        for (ushort i = 0; i < 4; i++)
        {
            server.OfferSyn(ServerTuple((ushort)(40000 + i)), 10 + i);
        }
        server.CompleteHandshake(ServerTuple(40000));
        server.CompleteHandshake(ServerTuple(40001));
        server.CompleteHandshake(ServerTuple(40003));
        Assert.True(listener.TryAccept(out _));
        Assert.True(listener.TryAccept(out _));
        Assert.True(server.EnterTimeWait(ServerTuple(40003), 13, Seconds(1)));
        return (server, listener);
    }

    [Fact]
    public void A_crash_loses_every_connection_silently_and_names_them_for_the_caller_to_destroy()
    {
        var (server, listener) = BusyServer();
        server.CompleteHandshake(ServerTuple(40002));

        var lost = server.Crash();

        Assert.Equal([10, 11, 12, 13], lost);
        Assert.False(server.IsUp);
        Assert.Equal(0, server.ConnectionCount);
        Assert.Equal(0, server.TimeWaitCount);
        Assert.Equal((0, 0), (listener.SynQueueLength, listener.AcceptQueueLength));
        Assert.Equal(1, server.Counters.Crashes);
        Assert.Equal(4, server.Counters.ConnectionsLostInCrashes);
    }

    [Fact]
    public void While_down_a_host_drops_every_segment_and_refuses_to_connect()
    {
        var (server, _) = BusyServer();
        server.Crash();

        Assert.Equal(DemuxOutcome.HostDown, server.Demux(Arriving(ServerTuple(40000), TcpFlags.Ack)).Outcome);
        Assert.Equal(DemuxOutcome.HostDown, server.Demux(Arriving(ServerTuple(50000), TcpFlags.Syn)).Outcome);
        Assert.Equal(2, server.Counters.DroppedWhileDown);
        Assert.Equal(0, server.Counters.NoConnection);
        Assert.Equal(ConnectOutcome.HostDown, server.Connect(ClientAddr, 22, 99, Seconds(2)).Outcome);
        Assert.Empty(server.Crash());
        Assert.Equal(1, server.Counters.Crashes);
    }

    [Fact]
    public void After_restart_an_old_connection_is_unknown_and_its_segments_earn_a_reset()
    {
        var (server, listener) = BusyServer();
        var outgoing = server.Connect(ClientAddr, 22, 50, Seconds(1));
        Assert.True(outgoing.IsBound);
        server.Crash();

        server.Restart();

        // The server's own outgoing connection: nothing on that port, so RST.
        Assert.Equal(DemuxOutcome.NoConnection, server.Demux(Arriving(outgoing.Tuple, TcpFlags.Ack)).Outcome);
        Assert.False(server.TryGetConnection(ServerTuple(40000), out _));
        // An old connection to the listening port reaches the listener, whose LISTEN processing
        // resets any ACK (RFC 9293 §3.10.7.2); the listener is back with empty queues.
        var old = server.Demux(Arriving(ServerTuple(40000), TcpFlags.Ack));
        Assert.Equal(DemuxOutcome.Listener, old.Outcome);
        Assert.Same(listener, old.Listener);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(ServerTuple(40000), 20));
        Assert.Equal(ConnectOutcome.Bound, server.Connect(ClientAddr, 22, 51, Seconds(3)).Outcome);
    }

    [Fact]
    public void A_client_that_reboots_does_not_take_again_the_ports_it_used_before_the_crash()
    {
        // Swarm seed 8171 (rfc9293, rfc1337 on): client-5 crashed at 14 s and came back at 21 s. Its
        // servers still held its old 4-tuples (one in TIME_WAIT for 240 s); had it picked its ports
        // with the same key and a fresh perturbation, its first connect() after the reboot would have
        // taken the same port as its first one ever, and sat in SYN_SENT against that TIME_WAIT. A
        // reboot draws a new key for the port hash, as Linux draws secure_ipv4_port_ephemeral()'s
        // key once per boot. Two runs still give the same ports.
        static List<ushort> PortsAcrossACrash()
        {
            var client = LinuxClient();
            var ports = new List<ushort>();
            for (var i = 0; i < 5; i++) ports.Add(client.Connect(ServerAddr, Http, i, Seconds(1)).LocalPort);
            client.Crash();
            client.Restart();
            for (var i = 0; i < 5; i++) ports.Add(client.Connect(ServerAddr, Http, 10 + i, Seconds(21)).LocalPort);
            return ports;
        }

        var ports = PortsAcrossACrash();

        Assert.Empty(ports.GetRange(5, 5).Intersect(ports.GetRange(0, 5)));
        Assert.Equal(ports, PortsAcrossACrash());
    }
}
