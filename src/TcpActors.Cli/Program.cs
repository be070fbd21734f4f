using System.Globalization;
using TcpActors.Tcp;

// Until the simulation lands, `tcpactors run` plays one couple through the TCP endpoint alone:
// handshake, a request and a response, the four-way close and TIME_WAIT — with a
// 10 ms one-way delay and the linux profile — and prints it as a ladder in virtual time.
const string Usage = """
    usage: tcpactors run        play one client/server couple (handshake, request/response,
                                four-way close, TIME_WAIT) and print the ladder in virtual time
           tcpactors --help     show this message
    """;

switch (args)
{
    case ["run"]:
        return CoupleLadder.Play(Console.Out);
    case ["--help"] or ["-h"] or ["help"]:
        Console.Out.WriteLine(Usage);
        return 0;
    default:
        Console.Error.WriteLine(args.Length == 0 ? "tcpactors: missing command" : $"tcpactors: unknown arguments: {string.Join(' ', args)}");
        Console.Error.WriteLine(Usage);
        return 2;
}

/// <summary>A tiny in-process driver for one couple: two endpoints, a clock and the segments in flight.</summary>
internal sealed class CoupleLadder
{
    private static readonly TimeSpan s_oneWayDelay = TimeSpan.FromMilliseconds(10);
    private const int RequestBytes = 100;
    private const int ResponseBytes = 1000;
    private const int Column = 44;
    private static readonly TimeSpan ServerLinger = TimeSpan.FromMilliseconds(100);

    private readonly List<(TimeSpan ArriveAt, long Order, bool ToServer, Segment Segment)> _inFlight = [];
    private readonly TextWriter _out;
    private long _order;
    private TimeSpan _now;

    private CoupleLadder(TextWriter output) => _out = output;

    public static int Play(TextWriter output) => new CoupleLadder(output).Run();

    private int Run()
    {
        var profile = TcpProfile.Linux;
        var client = new TcpEndpoint(profile);
        var server = new TcpEndpoint(profile);
        var clientSink = new LadderSink(this, isClient: true);
        var serverSink = new LadderSink(this, isClient: false);
        var tuple = new FourTuple(Address.Of(10, 0, 0, 1), 40000, Address.Of(10, 0, 0, 2), 80);

        _out.WriteLine($"one couple, profile {profile.Name}, one-way delay {s_oneWayDelay.TotalMilliseconds} ms, virtual time");
        _out.WriteLine($"{"time",9}  {"client " + Address.Format(tuple.LocalAddr) + ":" + tuple.LocalPort,-Column}{"server " + Address.Format(tuple.RemoteAddr) + ":" + tuple.RemotePort}");
        server.Listen(_now, tuple.RemoteAddr, tuple.RemotePort, new SeqNum(5000), serverSink);
        client.Connect(_now, tuple, new SeqNum(1000), clientSink);

        bool requested = false, responded = false, clientClosed = false, serverClosed = false;
        var serverCloseAt = TimeSpan.MaxValue;
        while (true)
        {
            // The applications: request once connected, respond to a whole request, close after the
            // response, and the server closes when it reads end-of-file.
            if (!requested && client.State == TcpState.Established)
            {
                requested = true;
                client.Send(_now, RequestBytes, clientSink);
            }
            if (!responded && server.BytesToRead >= RequestBytes)
            {
                responded = true;
                server.Read(_now, RequestBytes, serverSink);
                server.Send(_now, ResponseBytes, serverSink);
            }
            if (!clientClosed && client.BytesToRead >= ResponseBytes)
            {
                clientClosed = true;
                client.Read(_now, ResponseBytes, clientSink);
                client.Close(_now, clientSink);
            }
            if (serverCloseAt == TimeSpan.MaxValue && server.PeerClosed)
            {
                // The server takes a moment to finish before it closes, longer than the delayed ACK,
                // so the close is the classic four segments (close at once and it would be three).
                serverCloseAt = _now + ServerLinger;
            }
            if (!serverClosed && _now >= serverCloseAt)
            {
                serverClosed = true;
                server.Close(_now, serverSink);
            }
            if (!Step(client, server, clientSink, serverSink, serverClosed ? TimeSpan.MaxValue : serverCloseAt)) break;
        }

        bool ok = client.State == TcpState.Closed && server.State == TcpState.Closed && responded;
        _out.WriteLine(ok
            ? $"done at {_now.TotalSeconds:0.000} s: both endpoints CLOSED"
            : $"unexpected end at {_now.TotalSeconds:0.000} s: client {client.State.ToTraceName()}, server {server.State.ToTraceName()}");
        return ok ? 0 : 1;
    }

    private bool Step(TcpEndpoint client, TcpEndpoint server, LadderSink clientSink, LadderSink serverSink, TimeSpan appAt)
    {
        int next = -1;
        for (int i = 0; i < _inFlight.Count; i++)
        {
            if (next < 0 || _inFlight[i].ArriveAt < _inFlight[next].ArriveAt
                || (_inFlight[i].ArriveAt == _inFlight[next].ArriveAt && _inFlight[i].Order < _inFlight[next].Order))
            {
                next = i;
            }
        }
        var arrival = next >= 0 ? _inFlight[next].ArriveAt : TimeSpan.MaxValue;
        var timer = client.NextDeadline < server.NextDeadline ? client.NextDeadline : server.NextDeadline;
        if (arrival == TimeSpan.MaxValue && timer == TimeSpan.MaxValue && appAt == TimeSpan.MaxValue) return false;
        if (appAt < arrival && appAt < timer)
        {
            _now = appAt; // the application's own moment comes first
            return true;
        }

        if (arrival <= timer)
        {
            var f = _inFlight[next];
            _inFlight.RemoveAt(next);
            _now = f.ArriveAt;
            if (f.ToServer) server.OnSegment(_now, f.Segment, serverSink);
            else client.OnSegment(_now, f.Segment, clientSink);
        }
        else
        {
            _now = timer;
            if (client.NextDeadline <= _now) client.OnTimer(_now, clientSink);
            else server.OnTimer(_now, serverSink);
        }
        return true;
    }

    private void Line(bool isClient, string text)
    {
        string time = _now.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";
        _out.WriteLine(isClient ? $"{time,9}  {text}" : $"{time,9}  {new string(' ', Column)}{text}");
    }

    private sealed class LadderSink(CoupleLadder ladder, bool isClient) : ITcpSink
    {
        public void Transmit(in Segment segment)
        {
            ladder._inFlight.Add((ladder._now + s_oneWayDelay, ladder._order++, isClient, segment));
            string what = $"[{segment.Flags.ToWireshark()}] seq={segment.Seq} ack={segment.Ack} len={segment.PayloadLength}";
            ladder.Line(isClient, isClient ? $"{what} --->" : $"<--- {what}");
        }

        public void StateChanged(TcpEndpoint endpoint, TcpState from, TcpState to) =>
            ladder.Line(isClient, $"{from.ToTraceName()} -> {to.ToTraceName()}");

        public void Notify(TcpEndpoint endpoint, TcpEvent what, int bytes) =>
            ladder.Line(isClient, what == TcpEvent.DataReceived ? $"({what} {bytes} B)" : $"({what})");
    }
}
