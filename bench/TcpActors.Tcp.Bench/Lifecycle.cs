using TcpActors.Tcp;

namespace TcpActors.Tcp.Bench;

/// <summary>
/// The segments in flight between one client and one server, in a preallocated ring: a constant
/// one-way delay keeps arrivals in send order, so the head is always the next to arrive. Used by the
/// benchmark and by the allocation test so that driving a couple allocates nothing itself.
/// </summary>
public sealed class Wire(int capacity)
{
    private readonly Segment[] _segments = new Segment[capacity];
    private readonly bool[] _toServer = new bool[capacity];
    private readonly long[] _arriveAt = new long[capacity];
    private int _head;
    private int _count;

    /// <summary>Current virtual time in ticks.</summary>
    public long Now { get; set; }

    /// <summary>One-way delay in ticks.</summary>
    public long DelayTicks { get; set; } = TimeSpan.FromMilliseconds(10).Ticks;

    /// <summary>Segments delivered to an endpoint since <see cref="Reset"/>.</summary>
    public int Delivered { get; set; }

    /// <summary>State changes reported since <see cref="Reset"/>.</summary>
    public int StateChanges { get; set; }

    public int Count => _count;

    public void Reset()
    {
        _head = 0;
        _count = 0;
        Now = 0;
        Delivered = 0;
        StateChanges = 0;
    }

    public void Push(in Segment segment, bool toServer)
    {
        if (_count == _segments.Length) throw new InvalidOperationException("wire full");
        int i = (_head + _count) % _segments.Length;
        _segments[i] = segment;
        _toServer[i] = toServer;
        _arriveAt[i] = Now + DelayTicks;
        _count++;
    }

    public long HeadArrival => _count == 0 ? long.MaxValue : _arriveAt[_head];

    public void Pop(out Segment segment, out bool toServer)
    {
        segment = _segments[_head];
        toServer = _toServer[_head];
        _head = (_head + 1) % _segments.Length;
        _count--;
    }
}

/// <summary>A struct sink: no boxing, no allocation; it only queues segments and counts reports.</summary>
public readonly struct WireSink(Wire wire, bool fromClient) : ITcpSink
{
    public void Transmit(in Segment segment) => wire.Push(segment, toServer: fromClient);

    public void StateChanged(TcpEndpoint endpoint, TcpState from, TcpState to) => wire.StateChanges++;

    public void Notify(TcpEndpoint endpoint, TcpEvent what, int bytes)
    {
    }
}

/// <summary>
/// One couple's whole life: handshake, a 100-byte request and a 1000-byte response, a four-way close
/// started by the client, and the client's TIME_WAIT expiring — 9 segments and 2 timer expiries
/// (the server's delayed ACK of the FIN and the client's TIME_WAIT) are handled in all.
/// </summary>
public static class LifecycleRunner
{
    private static readonly FourTuple s_client = new(Address.Of(10, 0, 0, 1), 40000, Address.Of(10, 0, 0, 2), 80);

    /// <summary>Runs one lifecycle and returns the number of segments the endpoints handled.</summary>
    public static int Run(TcpProfile profile, Wire wire)
    {
        wire.Reset();
        var client = new TcpEndpoint(profile);
        var server = new TcpEndpoint(profile);
        var toClient = new WireSink(wire, fromClient: false);
        var toServer = new WireSink(wire, fromClient: true);

        server.Listen(TimeSpan.Zero, s_client.RemoteAddr, s_client.RemotePort, new SeqNum(5000), toClient);
        client.Connect(TimeSpan.Zero, s_client, new SeqNum(1000), toServer);
        while (server.State != TcpState.Established) Step(wire, client, server);

        client.Send(Now(wire), 100, toServer);
        while (server.BytesToRead < 100) Step(wire, client, server);
        server.Read(Now(wire), 100, toClient);
        server.Send(Now(wire), 1000, toClient);
        while (client.BytesToRead < 1000) Step(wire, client, server);
        client.Read(Now(wire), 1000, toServer);

        client.Close(Now(wire), toServer);
        // The server closes only after its delayed ACK of the client's FIN went out: a four-way close
        // (closing at once would merge the ACK into its FIN, three segments).
        while (client.State != TcpState.FinWait2) Step(wire, client, server);
        server.Close(Now(wire), toClient);
        while (Step(wire, client, server))
        {
        }
        if (client.State != TcpState.Closed || server.State != TcpState.Closed)
        {
            throw new InvalidOperationException($"lifecycle ended in {client.State}/{server.State}");
        }
        return wire.Delivered;
    }

    private static TimeSpan Now(Wire wire) => TimeSpan.FromTicks(wire.Now);

    /// <summary>Delivers the next segment or fires the next timer; false when nothing is left to do.</summary>
    private static bool Step(Wire wire, TcpEndpoint client, TcpEndpoint server)
    {
        long arrival = wire.HeadArrival;
        long clientAt = client.NextDeadline == TimeSpan.MaxValue ? long.MaxValue : client.NextDeadline.Ticks;
        long serverAt = server.NextDeadline == TimeSpan.MaxValue ? long.MaxValue : server.NextDeadline.Ticks;
        long next = Math.Min(arrival, Math.Min(clientAt, serverAt));
        if (next == long.MaxValue) return false;
        if (next > wire.Now) wire.Now = next;
        var now = TimeSpan.FromTicks(wire.Now);

        if (arrival == next)
        {
            wire.Pop(out var segment, out bool toServerSide);
            wire.Delivered++;
            if (toServerSide) server.OnSegment(now, segment, new WireSink(wire, fromClient: false));
            else client.OnSegment(now, segment, new WireSink(wire, fromClient: true));
        }
        else if (clientAt == next)
        {
            client.OnTimer(now, new WireSink(wire, fromClient: true));
        }
        else
        {
            server.OnTimer(now, new WireSink(wire, fromClient: false));
        }
        return true;
    }
}
