using System.Text;

namespace TcpActors.Tcp.Tests;

/// <summary>Which endpoint of a couple.</summary>
public enum Side { Client, Server }

/// <summary>A segment as one side put it on the wire, and whether the test dropped it.</summary>
public sealed record SentSegment(TimeSpan At, Side From, Segment Segment, bool Dropped)
{
    public TcpFlags Flags => Segment.Flags;
    public override string ToString() =>
        $"{At.TotalSeconds,9:0.000} {From,-6} [{Segment.Flags.ToWireshark()}] seq={Segment.Seq} ack={Segment.Ack} len={Segment.PayloadLength}{(Dropped ? " (dropped)" : "")}";
}

/// <summary>A change of state as reported through the sink.</summary>
public sealed record StateChange(TimeSpan At, Side Side, TcpState From, TcpState To);

/// <summary>A notification as reported through the sink.</summary>
public sealed record Notification(TimeSpan At, Side Side, TcpEvent What, int Bytes);

/// <summary>
/// Two endpoints, a virtual clock and the segments in flight between them — quinn's <c>Pair</c> for
/// TCP. <see cref="Drive"/> delivers segments and fires timers in time order, jumping the clock to the
/// next thing that happens; loss, delay and injection are done by hand in the test. Everything that
/// happens is recorded for assertions, and <see cref="Ladder"/> prints it when a test fails.
/// </summary>
public sealed class Couple
{
    public static readonly uint ClientAddr = Address.Of(10, 0, 0, 1);
    public static readonly uint ServerAddr = Address.Of(10, 0, 0, 2);
    public const ushort ClientPort = 40000;
    public const ushort ServerPort = 80;
    public static readonly SeqNum ClientIss = new(1000);
    public static readonly SeqNum ServerIss = new(5000);

    public static FourTuple ClientTuple => new(ClientAddr, ClientPort, ServerAddr, ServerPort);
    public static FourTuple ServerTuple => new(ServerAddr, ServerPort, ClientAddr, ClientPort);

    private readonly List<(TimeSpan ArriveAt, long Order, Side To, Segment Segment)> _inFlight = [];
    private long _order;

    public Couple(TcpProfile? profile = null, TimeSpan? oneWayDelay = null,
        EndpointFaults clientFaults = EndpointFaults.None, EndpointFaults serverFaults = EndpointFaults.None,
        TcpProfile? serverProfile = null)
    {
        Profile = profile ?? TcpProfile.Linux;
        Client = new TcpEndpoint(Profile) { Faults = clientFaults };
        Server = new TcpEndpoint(serverProfile ?? Profile) { Faults = serverFaults };
        OneWayDelay = oneWayDelay ?? TimeSpan.FromMilliseconds(10);
        ClientSink = new SideSink(this, Side.Client);
        ServerSink = new SideSink(this, Side.Server);
    }

    public TcpProfile Profile { get; }
    public TcpEndpoint Client { get; private set; }
    public TcpEndpoint Server { get; private set; }
    public SideSink ClientSink { get; }
    public SideSink ServerSink { get; }
    public TimeSpan Now { get; private set; }
    public TimeSpan OneWayDelay { get; set; }

    /// <summary>Decides, for every segment sent, whether the network loses it (by hand, per test).</summary>
    public Func<SentSegment, bool>? Lose { get; set; }

    public List<SentSegment> Sent { get; } = [];
    public List<StateChange> States { get; } = [];
    public List<Notification> Events { get; } = [];

    public TcpEndpoint this[Side side] => side == Side.Client ? Client : Server;
    public SideSink SinkOf(Side side) => side == Side.Client ? ClientSink : ServerSink;

    /// <summary>Replaces the server with a fresh endpoint (e.g. a passive-open child made by a host).</summary>
    public void ReplaceServer(TcpEndpoint server) => Server = server;

    /// <summary>Loses everything <paramref name="from"/> sends from now on.</summary>
    public void LoseAllFrom(Side from) => Lose = s => s.From == from;

    /// <summary>Loses the next <paramref name="count"/> segments from <paramref name="from"/> whose flags are exactly <paramref name="flags"/>.</summary>
    public void LoseNext(Side from, TcpFlags flags, int count = 1)
    {
        int left = count;
        var previous = Lose;
        Lose = s =>
        {
            if (left > 0 && s.From == from && s.Segment.Flags == flags)
            {
                left--;
                return true;
            }
            return previous?.Invoke(s) ?? false;
        };
    }

    /// <summary>Puts a segment on the wire towards <paramref name="to"/>, arriving after the one-way delay (or <paramref name="delay"/>).</summary>
    public void Inject(Side to, Segment segment, TimeSpan? delay = null) =>
        _inFlight.Add((Now + (delay ?? OneWayDelay), _order++, to, segment));

    /// <summary>Client connects and server listens (the RFC model), as in every story.</summary>
    public Couple Open()
    {
        Assert.Equal(TcpError.None, Server.Listen(Now, ServerAddr, ServerPort, ServerIss, ServerSink));
        Assert.Equal(TcpError.None, Client.Connect(Now, ClientTuple, ClientIss, ClientSink));
        return this;
    }

    /// <summary>Fixture: a couple in ESTABLISHED on both sides, everything quiet.</summary>
    public static Couple Established(TcpProfile? profile = null, EndpointFaults clientFaults = EndpointFaults.None,
        EndpointFaults serverFaults = EndpointFaults.None)
    {
        var couple = new Couple(profile, clientFaults: clientFaults, serverFaults: serverFaults).Open();
        couple.DriveFor(TimeSpan.FromSeconds(1));
        Assert.Equal(TcpState.Established, couple.Client.State);
        Assert.Equal(TcpState.Established, couple.Server.State);
        return couple;
    }

    /// <summary>Fixture: the client closed first and its FIN is ACKed — client FIN_WAIT_2, server CLOSE_WAIT.</summary>
    public static Couple ClientInFinWait2(TcpProfile? profile = null, bool shutdownOnly = false)
    {
        var couple = Established(profile);
        if (shutdownOnly) couple.Client.ShutdownWrite(couple.Now, couple.ClientSink);
        else couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1)); // past the server's delayed ACK
        Assert.Equal(TcpState.FinWait2, couple.Client.State);
        Assert.Equal(TcpState.CloseWait, couple.Server.State);
        return couple;
    }

    /// <summary>Fixture: the server closed too, its FIN not yet arrived — server LAST_ACK, client FIN_WAIT_2.</summary>
    public static Couple ServerInLastAck(TcpProfile? profile = null)
    {
        var couple = ClientInFinWait2(profile);
        couple.Server.Close(couple.Now, couple.ServerSink);
        Assert.Equal(TcpState.LastAck, couple.Server.State);
        return couple;
    }

    /// <summary>Fixture: a finished four-way close — client TIME_WAIT, server CLOSED, nothing in flight.</summary>
    public static Couple ClientInTimeWait(TcpProfile? profile = null)
    {
        var couple = ServerInLastAck(profile);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        Assert.Equal(TcpState.TimeWait, couple.Client.State);
        Assert.Equal(TcpState.Closed, couple.Server.State);
        return couple;
    }

    /// <summary>Fixture: both closed at once and the FINs crossed — both CLOSING, the ACKs in flight.</summary>
    public static Couple BothClosing(EndpointFaults faults = EndpointFaults.None)
    {
        var couple = Established(clientFaults: faults, serverFaults: faults);
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.DriveFor(TimeSpan.FromMilliseconds(10));
        Assert.Equal(TcpState.Closing, couple.Client.State);
        Assert.Equal(TcpState.Closing, couple.Server.State);
        return couple;
    }

    /// <summary>Steps both sides in time order until nothing is due before <paramref name="until"/>; the clock ends at <paramref name="until"/>.</summary>
    public void Drive(TimeSpan until)
    {
        for (int steps = 0; ; steps++)
        {
            // Put a limit on everything: a TCP that never stops talking is a bug, not a slow test.
            Assert.True(steps < 200_000, $"livelock: still busy at {Now}\n{string.Join("\n", Sent.TakeLast(20))}");
            TimeSpan next = TimeSpan.MaxValue;
            int nextIndex = -1;
            for (int i = 0; i < _inFlight.Count; i++)
            {
                var f = _inFlight[i];
                if (f.ArriveAt < next || (f.ArriveAt == next && f.Order < _inFlight[nextIndex].Order))
                {
                    next = f.ArriveAt;
                    nextIndex = i;
                }
            }
            TimeSpan clientAt = Client.NextDeadline, serverAt = Server.NextDeadline;
            TimeSpan timerAt = clientAt < serverAt ? clientAt : serverAt;
            if (timerAt < next)
            {
                next = timerAt;
                nextIndex = -1;
            }
            if (next > until) break;
            if (next > Now) Now = next;

            if (nextIndex >= 0)
            {
                var f = _inFlight[nextIndex];
                _inFlight.RemoveAt(nextIndex);
                int sentBefore = Sent.Count;
                this[f.To].OnSegment(Now, f.Segment, SinkOf(f.To));
                if (f.Segment.Has(TcpFlags.Rst))
                {
                    // RFC 9293 §3.10.7: a RST is never answered with a RST — checked on every delivery.
                    for (int i = sentBefore; i < Sent.Count; i++)
                    {
                        Assert.False(Sent[i].From == f.To && Sent[i].Segment.Has(TcpFlags.Rst),
                            $"{f.To} answered a RST with a RST at {Now}:\n{Ladder()}");
                    }
                }
            }
            else if (clientAt <= serverAt)
            {
                Client.OnTimer(Now, ClientSink);
            }
            else
            {
                Server.OnTimer(Now, ServerSink);
            }
        }
        if (until != TimeSpan.MaxValue && until > Now) Now = until;
    }

    public void DriveFor(TimeSpan span) => Drive(Now + span);

    /// <summary>Drives until nothing is in flight and no timer is set (or a generous limit).</summary>
    public void DriveUntilIdle() => Drive(Now + TimeSpan.FromDays(1));

    public IEnumerable<SentSegment> SentBy(Side side) => Sent.Where(s => s.From == side);

    public IEnumerable<TcpState> StatesOf(Side side) =>
        States.Where(s => s.Side == side).Select(s => s.To);

    public IEnumerable<TcpEvent> EventsOf(Side side) => Events.Where(e => e.Side == side).Select(e => e.What);

    /// <summary>Everything that happened, in time order, like a ladder diagram.</summary>
    public string Ladder()
    {
        var lines = new List<(TimeSpan At, int Order, string Text)>();
        int i = 0;
        foreach (var s in Sent) lines.Add((s.At, i++, s.ToString()));
        foreach (var s in States) lines.Add((s.At, i++, $"{s.At.TotalSeconds,9:0.000} {s.Side,-6} {s.From.ToTraceName()} -> {s.To.ToTraceName()}"));
        foreach (var e in Events) lines.Add((e.At, i++, $"{e.At.TotalSeconds,9:0.000} {e.Side,-6} ! {e.What} {e.Bytes}"));
        var sb = new StringBuilder();
        foreach (var l in lines.OrderBy(l => l.At).ThenBy(l => l.Order)) sb.AppendLine(l.Text);
        return sb.ToString();
    }

    /// <summary>The sink of one side: records outputs and puts segments in flight.</summary>
    public sealed class SideSink(Couple couple, Side side) : ITcpSink
    {
        public void Transmit(in Segment segment)
        {
            var sent = new SentSegment(couple.Now, side, segment, false);
            bool lost = couple.Lose?.Invoke(sent) ?? false;
            couple.Sent.Add(sent with { Dropped = lost });
            if (!lost)
            {
                var to = side == Side.Client ? Side.Server : Side.Client;
                couple._inFlight.Add((couple.Now + couple.OneWayDelay, couple._order++, to, segment));
            }
        }

        private TcpState _last = TcpState.Closed;

        public void StateChanged(TcpEndpoint endpoint, TcpState from, TcpState to)
        {
            // Telemetry counts states from these reports, so they must chain without gaps.
            Assert.True(from == _last, $"{side} reported {from}->{to} but was last seen in {_last}");
            Assert.NotEqual(from, to);
            Assert.True(endpoint.SndUna <= endpoint.SndNxt, $"{side}: SND.UNA {endpoint.SndUna} > SND.NXT {endpoint.SndNxt}");
            _last = to;
            couple.States.Add(new StateChange(couple.Now, side, from, to));
        }

        /// <summary>Forget the chain (when the test swaps in a fresh endpoint for this side).</summary>
        public void Restart() => _last = TcpState.Closed;

        public void Notify(TcpEndpoint endpoint, TcpEvent what, int bytes) =>
            couple.Events.Add(new Notification(couple.Now, side, what, bytes));
    }
}
