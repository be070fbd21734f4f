using System.Globalization;
using System.Text;
using TcpActors.Tcp.Host;
using TcpActors.Tcp.Headers;

namespace TcpActors.Tcp.Packetdrill;

/// <summary>
/// Runs one packetdrill script against the sans-IO model: one <see cref="TcpHost"/> (address
/// 192.168.0.1, port table, listener, TIME_WAIT) with its <see cref="TcpEndpoint"/>s, in virtual time.
/// Script lines happen at their script times; system calls become user calls on the endpoint;
/// <c>&lt;</c> segments are delivered through the host's demultiplexer; <c>&gt;</c> lines are checked
/// against what the model transmitted: flags, relative sequence and acknowledgment numbers, payload
/// length, window and options when written, and the time within the tolerance.
/// <para>
/// What happens at the edges, like a real kernel under packetdrill: sequence numbers are relative to
/// each side's ISN; SYN and SYN-ACK segments carry the options and initial window of the profile's
/// kernel (<see cref="KernelSynOptions"/>), which the model itself never carries; when both SYNs
/// offered window scaling, windows are scaled on the wire (inbound windows saturate at the model's
/// 65535); data segments the model sends at one instant back to back are seen as one, as packetdrill
/// sees a kernel's TSO/GSO segments. Timestamps agreed by both SYNs make a script unsupported: the
/// model does not stamp segments.
/// </para>
/// </summary>
public sealed class PacketdrillRunner
{
    public static readonly uint LocalAddr = Address.Of(192, 168, 0, 1);
    public static readonly uint RemoteAddr = Address.Of(192, 0, 2, 1);
    public const ushort ServerPort = 8080;
    public const ushort RemoteClientPort = 48000;

    /// <summary>The model's ISN for every connection it opens (packetdrill numbers relative to it).</summary>
    public static readonly SeqNum LocalIss = new(0x9A000000);

    /// <summary>The injected peer's ISN: relative sequence 0 of inbound segments.</summary>
    public static readonly SeqNum RemoteIsn = new(1_000_000);

    private readonly PacketdrillScript _script;
    private TcpProfile _profile;
    private KernelSynOptions _kernel;
    private TcpHost _host;
    private readonly Sink _sink;
    private TimeSpan _now;
    private TimeSpan _tolerance = PacketdrillScript.DefaultTolerance;

    private readonly List<Conn> _conns = [];
    private readonly Dictionary<int, Sock> _fds = [];
    private readonly List<(TimeSpan At, Segment Segment)> _out = [];
    private int _nextOut;
    private readonly Dictionary<FourTuple, SeqNum> _issOf = [];
    private readonly Dictionary<FourTuple, SynOffer> _peerOffer = [];
    private readonly HashSet<FourTuple> _ourSynSent = [];
    private readonly Dictionary<FourTuple, int> _peerMss = [];
    private int _nextHandle = 1;
    private bool _listenerClosed;
    private Listener? _listener;
    private Sock? _listenerSock;

    /// <summary>Where inbound segments come from and go to: the current connection as the peer sees it.</summary>
    private FourTuple _peer = new(RemoteAddr, RemoteClientPort, LocalAddr, ServerPort);

    private Blocked? _blocked;
    private TimeSpan _lastScriptTime;

    private PacketdrillRunner(PacketdrillScript script, TcpProfile profile)
    {
        _script = script;
        _profile = profile;
        _kernel = KernelSynOptions.For(profile);
        _host = new TcpHost(LocalAddr, profile);
        _sink = new Sink(this);
    }

    /// <summary>Runs <paramref name="script"/> under <paramref name="profile"/>.</summary>
    public static PacketdrillResult Run(PacketdrillScript script, TcpProfile profile)
    {
        var runner = new PacketdrillRunner(script, profile);
        try
        {
            runner.RunAll();
            return new PacketdrillResult(script.Path, profile.Name, PacketdrillOutcome.Passed, 0, "");
        }
        catch (Stop stop)
        {
            return new PacketdrillResult(script.Path, profile.Name, stop.Outcome, stop.Line, stop.Message);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            // An argument written in a way the runner does not read (a struct, a symbolic value).
            return new PacketdrillResult(script.Path, profile.Name, PacketdrillOutcome.Unsupported, runner._line, $"an argument the runner does not read ({e.Message})");
        }
    }

    // ------------------------------------------------------------------ script options and events

    private void RunAll()
    {
        foreach (var (name, value) in _script.Options)
        {
            switch (name)
            {
                case "ip_version" when value == "ipv4":
                    break;
                case "ip_version":
                    throw Unsupported(0, $"--ip_version={value} (the model is IPv4 only)");
                case "tolerance_usecs" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long us):
                    _tolerance = TimeSpan.FromTicks(us * 10);
                    break;
                case "tolerance_percent":
                    break; // only ever widens the window; the model is exact
                default:
                    throw Unsupported(0, $"script option --{name}");
            }
        }

        foreach (var e in _script.Events)
        {
            _line = e.Line;
            if (e is UnsupportedEvent u) throw Unsupported(u.Line, u.Reason);
            var (start, end) = Resolve(e.Time);
            switch (e)
            {
                case PacketEvent { Direction: PacketDirection.Inbound } p:
                    AdvanceTo(start, p.Line);
                    Inject(p);
                    break;
                case PacketEvent p:
                    Expect(p, start, end);
                    break;
                case SyscallEvent s:
                    AdvanceTo(start, s.Line);
                    if (_blocked is not null) throw Unsupported(s.Line, $"{s.Name}() while {_blocked.Call.Name}() of line {_blocked.Call.Line} is still blocked (one thread only)");
                    Call(s, BlockingEnd(s, start));
                    break;
                case ShellEvent sh:
                    AdvanceTo(start, sh.Line);
                    Shell(sh);
                    break;
            }
        }

        if (_blocked is { } b)
        {
            AdvanceTo(b.ReturnsAt + _tolerance, b.Call.Line);
            if (_blocked is not null)
            {
                throw Failed(b.Call.Line, $"expected {b.Call.Name}() to return at {Format(b.ReturnsAt)}, it was still blocked at {Format(_now)}");
            }
        }
    }

    /// <summary>Script times: relative ones count from the previous line's script time (packetdrill's rule).</summary>
    private (TimeSpan Start, TimeSpan End) Resolve(ScriptTime time)
    {
        TimeSpan start, end;
        switch (time.Kind)
        {
            case ScriptTimeKind.Any:
                return (TimeSpan.MinValue, TimeSpan.MaxValue);
            case ScriptTimeKind.Relative:
                start = end = _lastScriptTime + time.Start;
                break;
            case ScriptTimeKind.RelativeRange:
                start = _lastScriptTime + time.Start;
                end = _lastScriptTime + time.End;
                break;
            case ScriptTimeKind.AbsoluteRange:
                start = time.Start;
                end = time.End;
                break;
            default:
                start = end = time.Start;
                break;
        }
        _blockOffset = time.IsRelative ? _lastScriptTime : TimeSpan.Zero;
        _lastScriptTime = start;
        return (start, end);
    }

    private TimeSpan _blockOffset;
    private int _line;

    private TimeSpan? BlockingEnd(SyscallEvent s, TimeSpan start) =>
        s.Time.BlockingEnd is { } end ? end + _blockOffset : null;

    // ------------------------------------------------------------------ virtual time

    /// <summary>Fires every timer due up to <paramref name="until"/>, in time order, then sets the clock there.</summary>
    private void AdvanceTo(TimeSpan until, int line)
    {
        if (until == TimeSpan.MinValue) return;
        for (int steps = 0; ; steps++)
        {
            if (steps > 100_000) throw Failed(line, $"the model is still busy at {Format(_now)} (livelock)");
            var (conn, at) = NextTimer();
            if (conn is null || at > until) break;
            if (at > _now) _now = at;
            conn.Endpoint.OnTimer(_now, _sink);
            CheckBlocked();
        }
        if (until > _now) _now = until;
        CheckBlocked();
    }

    /// <summary>Fires timers until the model has sent something not yet matched, or the next timer is after <paramref name="limit"/>.</summary>
    private void AdvanceUntilOutput(TimeSpan limit)
    {
        for (int steps = 0; steps < 100_000 && _nextOut >= _out.Count; steps++)
        {
            var (conn, at) = NextTimer();
            if (conn is null || at > limit) return;
            if (at > _now) _now = at;
            conn.Endpoint.OnTimer(_now, _sink);
            CheckBlocked();
        }
    }

    private (Conn? Conn, TimeSpan At) NextTimer()
    {
        Conn? next = null;
        TimeSpan at = TimeSpan.MaxValue;
        foreach (var c in _conns)
        {
            if (c.Gone) continue;
            TimeSpan d = c.Endpoint.NextDeadline;
            if (d < at)
            {
                at = d;
                next = c;
            }
        }
        return (next, at);
    }

    // ------------------------------------------------------------------ inbound segments

    private void Inject(PacketEvent p)
    {
        FourTuple peer = _peer;
        // Sequence numbers of the peer count from its ISN; our acknowledgment numbers from ours.
        FourTuple local = new(peer.RemoteAddr, peer.RemotePort, peer.LocalAddr, peer.LocalPort);
        SeqNum ourBase = _issOf.TryGetValue(local, out var iss) ? iss : new SeqNum(0);
        bool syn = (p.Flags & TcpFlags.Syn) != 0;
        int window = p.Window ?? 0;
        if (p.Options is { Count: > 0 } options)
        {
            if (!syn)
            {
                foreach (var o in options)
                {
                    if (o.Kind == TcpOptionKind.Timestamp) throw Unsupported(p.Line, "timestamps on a segment (the model does not stamp segments)");
                }
            }
            else
            {
                var offer = OfferOf(options);
                _peerOffer[local] = offer;
                foreach (var o in options)
                {
                    if (o.Kind == TcpOptionKind.Mss && o.Value > 0) _peerMss[local] = (int)Math.Min(o.Value, 65495u);
                }
                bool answered = (p.Flags & TcpFlags.Ack) != 0;
                if (_kernel.AgreesTimestamps(offer) && (!answered || _ourSynSent.Contains(local)))
                {
                    throw Unsupported(p.Line, "TCP timestamps agreed by both SYNs (the model does not stamp segments)");
                }
            }
        }
        else if (syn)
        {
            _peerOffer[local] = default;
        }
        if (!syn && _peerOffer.TryGetValue(local, out var agreed) && _kernel.AgreedShift(agreed) is not null)
        {
            // RFC 7323 §2.3: the window field of a non-SYN segment is shifted by the sender's scale.
            window = (int)Math.Min(65535L, (long)window << agreed.WindowShift);
        }
        var seg = new Segment
        {
            SrcAddr = peer.LocalAddr, SrcPort = peer.LocalPort, DstAddr = peer.RemoteAddr, DstPort = peer.RemotePort,
            Seq = RemoteIsn + p.Seq, Ack = (p.Flags & TcpFlags.Ack) != 0 ? ourBase + (p.Ack ?? 0) : default,
            Flags = p.Flags, Window = (ushort)window, PayloadLength = checked((ushort)p.Length),
        };
        Deliver(seg, p.Line);
    }

    private static SynOffer OfferOf(IReadOnlyList<TcpOption> options)
    {
        bool ws = false, sack = false, ts = false;
        int shift = 0;
        foreach (var o in options)
        {
            switch (o.Kind)
            {
                case TcpOptionKind.WindowScale: ws = true; shift = (int)Math.Min(14u, o.Value); break;
                case TcpOptionKind.SackPermitted: sack = true; break;
                case TcpOptionKind.Timestamp: ts = true; break;
            }
        }
        return new SynOffer(ws, shift, sack, ts);
    }

    /// <summary>What a host does with an arriving segment: connection, listener or "no connection" (RST).</summary>
    private void Deliver(in Segment seg, int line)
    {
        Demultiplexed found = _host.Demux(seg);
        switch (found.Outcome)
        {
            case DemuxOutcome.Connection:
                var conn = _conns.Find(c => c.Handle == found.Handle && !c.Gone)!;
                ToConnection(conn, seg, line);
                break;
            case DemuxOutcome.Listener when !_listenerClosed:
                AtListener(seg, found.Listener!, iss: null);
                break;
            case DemuxOutcome.Listener:
            case DemuxOutcome.NoConnection:
                // RFC 9293 §3.10.7.1: no connection, so RST (never for a RST).
                if (Segment.TryResetFor(seg, out var rst)) Emit(rst);
                break;
        }
        CheckBlocked();
    }

    private void ToConnection(Conn conn, in Segment seg, int line)
    {
        var ep = conn.Endpoint;
        if (ep.State == TcpState.TimeWait && seg.Flags == TcpFlags.Syn && !_listenerClosed && _listener is not null
            && ep.AcceptsNewSynInTimeWait(seg, out var newIss))
        {
            // RFC 1122 §4.2.2.13: a new SYN may take over a TIME_WAIT tuple; the host ends the old one.
            ep.Abort(_now, _sink);
            Release(conn);
            AtListener(seg, _listener, newIss);
            return;
        }
        if (ep.IsPassiveChild && ep.State == TcpState.SynReceived
            && (seg.Flags & (TcpFlags.Ack | TcpFlags.Syn | TcpFlags.Rst)) == TcpFlags.Ack && seg.Ack == ep.SndNxt
            && ep.IsAcceptableSequence(seg))
        {
            // The final ACK of a handshake: the listener's accept queue decides first (docs/tcp-host.md).
            switch (_host.CompleteHandshake(ep.Tuple))
            {
                case AckDecision.Drop:
                    return;
                case AckDecision.Reset:
                    conn.Released = true;
                    if (Segment.TryResetFor(seg, out var rst)) Emit(rst);
                    ep.Abort(_now, _sink);
                    return;
            }
        }
        ep.OnSegment(_now, seg, _sink);
        _ = line;
    }

    private void AtListener(in Segment seg, Listener listener, SeqNum? iss)
    {
        FourTuple tuple = seg.ReceiverTuple;
        if (seg.Flags == TcpFlags.Syn)
        {
            int handle = _nextHandle++;
            switch (_host.OfferSyn(tuple, handle))
            {
                case SynDecision.Admit:
                    var profile = _listenerSock?.Profile ?? _profile;
                    if (_peerMss.TryGetValue(tuple, out int peerMss) && peerMss < profile.Mss)
                    {
                        // RFC 9293 §3.7.1: send no segment larger than the peer's MSS. The model fixes
                        // MSS per endpoint, so the child is made with the smaller one.
                        profile = profile with { Mss = peerMss };
                    }
                    var ep = new TcpEndpoint(profile);
                    var conn = new Conn(ep, handle) { Passive = true };
                    _conns.Add(conn);
                    var childIss = iss ?? LocalIss;
                    _issOf[tuple] = childIss;
                    ep.AcceptSyn(_now, seg, childIss, _sink);
                    break;
                case SynDecision.SynCookie:
                    _issOf[tuple] = LocalIss;
                    Emit(TcpEndpoint.SynAckFor(seg, LocalIss, _profile));
                    break;
            }
            return;
        }
        if ((seg.Flags & (TcpFlags.Rst | TcpFlags.Syn)) != 0) return; // RST to a listener is ignored
        // RFC 9293 §3.10.7.2: in LISTEN any acknowledgment is bad and gets <SEQ=SEG.ACK><CTL=RST>.
        if ((seg.Flags & TcpFlags.Ack) != 0 && Segment.TryResetFor(seg, out var rst)) Emit(rst);
        _ = listener;
    }

    private void Emit(in Segment segment) => _out.Add((_now, segment));

    private void Release(Conn conn)
    {
        if (conn.Released) return;
        conn.Released = true;
        _host.Release(conn.Endpoint.Tuple, conn.Handle);
    }

    // ------------------------------------------------------------------ outbound segments

    private void Expect(PacketEvent p, TimeSpan start, TimeSpan end)
    {
        bool any = start == TimeSpan.MinValue;
        TimeSpan from = any ? TimeSpan.MinValue : start - _tolerance;
        TimeSpan to = any ? _now + TimeSpan.FromDays(1) : end + _tolerance;
        AdvanceUntilOutput(to);
        if (_nextOut >= _out.Count)
        {
            throw Failed(p.Line, $"expected {Describe(p)} at {Window(start, end)}; the model sent nothing by {Format(to)}");
        }
        var (at, seg) = TakeOutput(p);
        if (at > _now) _now = at;
        string actual = DescribeActual(seg, out var actualOptions, out int actualWindow, out uint relSeq, out uint relAck);
        string? difference = null;
        if (seg.Flags != p.Flags) difference = "flags";
        else if (relSeq != p.Seq || seg.PayloadLength != p.Length) difference = "sequence range";
        else if (p.Ack is { } ack && ((seg.Flags & TcpFlags.Ack) == 0 || relAck != ack)) difference = "ack";
        else if (p.Window is { } win && win != actualWindow) difference = "window";
        else if (!p.AnyOptions && !SameOptions(p.Options ?? [], actualOptions)) difference = "options";
        if (difference is not null)
        {
            throw Failed(p.Line, $"{difference} differ at {Format(at)}: expected {Describe(p)}, the model sent {actual}");
        }
        if (!any && (at < from || at > to))
        {
            throw Failed(p.Line, $"timing: expected {Describe(p)} at {Window(start, end)} (tolerance {_tolerance.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms), the model sent it at {Format(at)}");
        }
    }

    /// <summary>
    /// The next segment the model sent; data segments sent back to back at the same instant are joined
    /// while the script expects more bytes, as packetdrill sees one TSO/GSO segment from a kernel.
    /// </summary>
    private (TimeSpan At, Segment Segment) TakeOutput(PacketEvent p)
    {
        var (at, seg) = _out[_nextOut++];
        while (seg.PayloadLength < p.Length && _nextOut < _out.Count)
        {
            var (nextAt, next) = _out[_nextOut];
            bool joins = nextAt == at && next.SenderTuple == seg.SenderTuple && next.Seq == seg.Seq + (uint)seg.PayloadLength
                && (seg.Flags & (TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Fin)) == 0
                && (next.Flags & (TcpFlags.Syn | TcpFlags.Rst)) == 0 && next.Ack == seg.Ack
                && seg.PayloadLength + next.PayloadLength <= p.Length;
            if (!joins) break;
            seg = seg with
            {
                PayloadLength = (ushort)(seg.PayloadLength + next.PayloadLength),
                Flags = seg.Flags | next.Flags, Window = next.Window,
            };
            _nextOut++;
        }
        return (at, seg);
    }

    private string DescribeActual(in Segment seg, out IReadOnlyList<TcpOption> options, out int window, out uint relSeq, out uint relAck)
    {
        FourTuple tuple = seg.SenderTuple;
        SeqNum ourBase = _issOf.TryGetValue(tuple, out var iss) ? iss : new SeqNum(0);
        relSeq = unchecked(seg.Seq.Value - ourBase.Value);
        relAck = unchecked(seg.Ack.Value - RemoteIsn.Value);
        window = seg.Window;
        options = [];
        _peerOffer.TryGetValue(tuple, out var offer);
        if ((seg.Flags & TcpFlags.Syn) != 0)
        {
            // The SYN as the profile's kernel writes it: its options and its initial window.
            if ((seg.Flags & TcpFlags.Ack) != 0)
            {
                options = _kernel.SynAck(offer, 100, 0);
                window = _kernel.SynAckWindowFor(offer);
            }
            else
            {
                _ourSynSent.Add(tuple);
                options = _kernel.Syn(100);
                window = _kernel.SynWindow;
            }
        }
        else if (_kernel.AgreedShift(offer) is { } shift)
        {
            window = seg.Window >> shift;
        }
        return Format(seg.Flags, relSeq, seg.PayloadLength, (seg.Flags & TcpFlags.Ack) != 0 ? relAck : null, window, options);
    }

    private static bool SameOptions(IReadOnlyList<TcpOption> expected, IReadOnlyList<TcpOption> actual)
    {
        if (expected.Count != actual.Count) return false;
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (e.Kind != a.Kind) return false;
            // The timestamp clock is the kernel's own: packetdrill does not pin TSval either.
            if (e.Kind == TcpOptionKind.Timestamp ? e.Echo != a.Echo : e.Value != a.Value) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ system calls

    private void Call(SyscallEvent s, TimeSpan? returnsAt)
    {
        var a = s.Args;
        switch (s.Name)
        {
            case "socket":
            {
                if (a.Count < 2 || !a[1].Contains("SOCK_STREAM", StringComparison.Ordinal)) throw Unsupported(s.Line, $"socket type {(a.Count > 1 ? a[1] : "?")} (TCP only)");
                int fd = LowestFreeFd();
                var sock = new Sock(fd) { Profile = _profile, NonBlocking = a[1].Contains("SOCK_NONBLOCK", StringComparison.Ordinal) };
                _fds[fd] = sock;
                Returns(s, fd, null);
                return;
            }
            case "bind":
                SockOf(s).Bound = true;
                Returns(s, 0, null);
                return;
            case "listen":
            {
                var sock = SockOf(s);
                int backlog = int.Parse(a[1], CultureInfo.InvariantCulture);
                if (_listener is not null) throw Unsupported(s.Line, "a second listening socket");
                _listener = _host.Listen(ServerPort, Math.Max(1, backlog));
                _listenerSock = sock;
                sock.IsListener = true;
                Returns(s, 0, null);
                return;
            }
            case "accept":
            case "accept4":
            {
                var sock = SockOf(s);
                if (!sock.IsListener) { Returns(s, -1, "EINVAL"); return; }
                if (TryAccept(out int fd)) { Returns(s, fd, null); return; }
                if (sock.NonBlocking) { Returns(s, -1, "EAGAIN"); return; }
                Block(s, sock, returnsAt);
                return;
            }
            case "connect":
                Connect(s, SockOf(s), returnsAt);
                return;
            case "write":
            case "send":
            {
                var sock = SockOf(s);
                int bytes = int.Parse(a[2], CultureInfo.InvariantCulture);
                if (a.Count > 3 && a[3] != "0") throw Unsupported(s.Line, $"send flags {a[3]}");
                if (TakeError(sock) is { } err) { Returns(s, -1, err); return; }
                if (sock.Conn is not { } conn) { Returns(s, -1, sock.IsListener ? "ENOTCONN" : "EPIPE"); return; }
                if (conn.Endpoint.State is TcpState.SynSent or TcpState.SynReceived)
                {
                    if (sock.NonBlocking) { Returns(s, -1, "EAGAIN"); return; }
                    throw Unsupported(s.Line, "a write that blocks until the handshake ends");
                }
                var error = conn.Endpoint.Send(_now, bytes, _sink);
                if (error == TcpError.None) Returns(s, bytes, null);
                else Returns(s, -1, error == TcpError.BufferFull ? "ENOBUFS" : "EPIPE");
                return;
            }
            case "read":
            case "recv":
            {
                var sock = SockOf(s);
                if (a.Count > 3 && a[3] != "0") throw Unsupported(s.Line, $"recv flags {a[3]}");
                int max = int.Parse(a[2], CultureInfo.InvariantCulture);
                if (TryRead(sock, max, out long result, out string? errno)) { Returns(s, result, errno); return; }
                if (sock.NonBlocking) { Returns(s, -1, "EAGAIN"); return; }
                Block(s, sock, returnsAt);
                return;
            }
            case "close":
                Close(s, SockOf(s));
                return;
            case "shutdown":
            {
                var sock = SockOf(s);
                string how = a[1];
                if (sock.Conn is not { } conn || conn.Endpoint.State is TcpState.Closed or TcpState.Listen) { Returns(s, -1, "ENOTCONN"); return; }
                if (how is "SHUT_RD" or "SHUT_RDWR") sock.ShutRead = true;
                if (how is "SHUT_WR" or "SHUT_RDWR") conn.Endpoint.ShutdownWrite(_now, _sink);
                if (how is not ("SHUT_RD" or "SHUT_WR" or "SHUT_RDWR")) throw Unsupported(s.Line, $"shutdown how {how}");
                Returns(s, 0, null);
                return;
            }
            case "setsockopt":
                SetOption(s, SockOf(s));
                return;
            case "getsockopt":
                GetOption(s, SockOf(s));
                return;
            case "fcntl":
            {
                var sock = SockOf(s);
                bool bsd = _kernel.Layout == OptionLayout.Bsd;
                long nonblock = bsd ? 0x4 : 0x800;
                if (a[1] == "F_GETFL") { Returns(s, 0x2 | (sock.NonBlocking ? nonblock : 0), null); return; }
                if (a[1] == "F_SETFL")
                {
                    sock.NonBlocking = a.Count > 2 && a[2].Contains("O_NONBLOCK", StringComparison.Ordinal);
                    Returns(s, 0, null);
                    return;
                }
                throw Unsupported(s.Line, $"fcntl {a[1]}");
            }
            default:
                throw Unsupported(s.Line, $"system call {s.Name}()");
        }
    }

    private void Connect(SyscallEvent s, Sock sock, TimeSpan? returnsAt)
    {
        if (sock.IsListener) { Returns(s, -1, "EISCONN"); return; }
        if (sock.Conn is { } existing)
        {
            if (TakeError(sock) is { } err) { Returns(s, -1, err); return; }
            if (existing.Endpoint.State == TcpState.SynSent) { Returns(s, -1, "EALREADY"); return; }
            Returns(s, -1, "EISCONN");
            return;
        }
        int handle = _nextHandle++;
        var bound = _host.Connect(LocalAddr, RemoteAddr, ServerPort, handle, _now);
        if (!bound.IsBound) { Returns(s, -1, "EADDRNOTAVAIL"); return; }
        var ep = new TcpEndpoint(sock.Profile);
        var conn = new Conn(ep, handle) { Socket = sock };
        sock.Conn = conn;
        _conns.Add(conn);
        _issOf[bound.Tuple] = LocalIss;
        _peer = new FourTuple(RemoteAddr, ServerPort, LocalAddr, bound.LocalPort);
        ep.Connect(_now, bound.Tuple, LocalIss, _sink);
        if (sock.NonBlocking) { Returns(s, -1, "EINPROGRESS"); return; }
        Block(s, sock, returnsAt);
    }

    private void Close(SyscallEvent s, Sock sock)
    {
        _fds.Remove(sock.Fd);
        if (sock.IsListener)
        {
            // Linux inet_csk_listen_stop(): connections not yet accepted are reset.
            _listenerClosed = true;
            foreach (var c in _conns.ToArray())
            {
                if (c.Passive && c.Socket is null && !c.Gone) c.Endpoint.Abort(_now, _sink);
            }
        }
        else if (sock.Conn is { } conn && !conn.Gone)
        {
            if (sock.LingerAbort) conn.Endpoint.Abort(_now, _sink);
            else conn.Endpoint.Close(_now, _sink);
        }
        Returns(s, 0, null);
    }

    private bool TryAccept(out int fd)
    {
        fd = 0;
        if (_listener is null) return false;
        while (_listener.TryAccept(out int handle))
        {
            var conn = _conns.Find(c => c.Handle == handle);
            if (conn is null) continue;
            fd = LowestFreeFd();
            var sock = new Sock(fd) { Profile = conn.Endpoint.Profile, Conn = conn };
            conn.Socket = sock;
            _fds[fd] = sock;
            _peer = new FourTuple(conn.Endpoint.Tuple.RemoteAddr, conn.Endpoint.Tuple.RemotePort, conn.Endpoint.Tuple.LocalAddr, conn.Endpoint.Tuple.LocalPort);
            return true;
        }
        return false;
    }

    private bool TryRead(Sock sock, int max, out long result, out string? errno)
    {
        errno = null;
        result = 0;
        if (TakeError(sock) is { } err) { result = -1; errno = err; return true; }
        if (sock.Conn is not { } conn) { result = -1; errno = "ENOTCONN"; return true; }
        int read = conn.Endpoint.Read(_now, max, _sink);
        if (read > 0) { result = read; return true; }
        if (conn.Endpoint.PeerClosed || sock.ShutRead || conn.Gone) return true;
        return false;
    }

    private static string? TakeError(Sock sock)
    {
        if (sock.Conn is not { Error: { } err } conn) return null;
        conn.Error = null;
        return err;
    }

    private void Returns(SyscallEvent s, long result, string? errno)
    {
        if (result != s.Result || (result < 0 && errno != s.Errno))
        {
            throw Failed(s.Line, $"{s.Name}() at {Format(_now)}: expected {ResultText(s.Result, s.Errno)}, the model returned {ResultText(result, errno)}");
        }
    }

    private static string ResultText(long result, string? errno) => result < 0 && errno is not null ? $"{result} {errno}" : result.ToString(CultureInfo.InvariantCulture);

    private void Block(SyscallEvent s, Sock sock, TimeSpan? returnsAt)
    {
        _blocked = new Blocked(s, sock, returnsAt ?? _now);
        CheckBlocked();
    }

    /// <summary>Completes a blocked call once the model lets it return, checking its value and time.</summary>
    private void CheckBlocked()
    {
        if (_blocked is not { } b) return;
        long result;
        string? errno = null;
        var sock = b.Socket;
        switch (b.Call.Name)
        {
            case "connect":
                var conn = sock.Conn!;
                if (TakeError(sock) is { } err) { result = -1; errno = err; }
                else if (conn.Established) result = 0;
                else if (conn.Gone) { result = -1; errno = "ECONNREFUSED"; }
                else return;
                break;
            case "accept":
            case "accept4":
                if (!TryAccept(out int fd)) return;
                result = fd;
                break;
            default:
                if (!TryRead(sock, int.Parse(b.Call.Args[2], CultureInfo.InvariantCulture), out result, out errno)) return;
                break;
        }
        _blocked = null;
        Returns(b.Call, result, errno);
        if (_now < b.ReturnsAt - _tolerance || _now > b.ReturnsAt + _tolerance)
        {
            throw Failed(b.Call.Line, $"timing: expected {b.Call.Name}() to return at {Format(b.ReturnsAt)}, it returned at {Format(_now)}");
        }
    }

    private void SetOption(SyscallEvent s, Sock sock)
    {
        var a = s.Args;
        string name = a.Count > 2 ? a[2] : "?";
        string value = a.Count > 3 ? a[3].Trim('[', ']', ' ') : "";
        bool created = sock.Conn is not null || sock.IsListener;
        int Int() => int.Parse(value, CultureInfo.InvariantCulture);
        switch (name)
        {
            case "SO_REUSEADDR":
            case "SO_REUSEPORT":
            case "TCP_NODELAY": // the model has no Nagle: it always sends at once
                break;
            case "SO_LINGER":
                var linger = a[3].Replace(" ", "", StringComparison.Ordinal);
                if (linger.Contains("onoff=0", StringComparison.Ordinal)) sock.LingerAbort = false;
                else if (linger.Contains("linger=0", StringComparison.Ordinal)) sock.LingerAbort = true;
                else throw Unsupported(s.Line, "SO_LINGER with a timeout (only 0, abort, is modelled)");
                break;
            case "SO_KEEPALIVE" when !created:
                sock.Profile = sock.Profile with { KeepaliveEnabled = Int() != 0 };
                break;
            case "TCP_KEEPIDLE" when !created:
                sock.Profile = sock.Profile with { KeepaliveIdle = TimeSpan.FromSeconds(Int()) };
                break;
            case "TCP_KEEPINTVL" when !created:
                sock.Profile = sock.Profile with { KeepaliveInterval = TimeSpan.FromSeconds(Int()) };
                break;
            case "TCP_KEEPCNT" when !created:
                sock.Profile = sock.Profile with { KeepaliveProbes = Int() };
                break;
            case "SO_KEEPALIVE" or "TCP_KEEPIDLE" or "TCP_KEEPINTVL" or "TCP_KEEPCNT":
                throw Unsupported(s.Line, $"{name} after connect/listen (the model fixes its knobs when the endpoint is made)");
            default:
                throw Unsupported(s.Line, $"socket option {name}");
        }
        Returns(s, 0, null);
    }

    private void GetOption(SyscallEvent s, Sock sock)
    {
        var a = s.Args;
        string name = a.Count > 2 ? a[2] : "?";
        if (name == "SO_RCVBUF" && _kernel.Layout == OptionLayout.Bsd)
        {
            // FreeBSD: recvspace 64 KB, rounded up to a multiple of the MSS once the connection is
            // synchronized (tcp_mss_update: roundup(so_rcv.sb_hiwat, mss)).
            int mss = sock.Profile.Mss;
            long buffer = sock.Conn is { Established: true } or { Endpoint.State: TcpState.SynReceived } ? (65536 + mss - 1) / mss * mss : 65536;
            long want = long.Parse(a[3].Trim('[', ']', ' '), CultureInfo.InvariantCulture);
            if (want != buffer) throw Failed(s.Line, $"getsockopt(SO_RCVBUF) at {Format(_now)}: expected [{want}], the model has [{buffer}]");
            Returns(s, 0, null);
            return;
        }
        if (name != "SO_ERROR") throw Unsupported(s.Line, $"getsockopt {name}");
        string err = TakeError(sock) ?? "";
        long value = ErrnoNumber(err);
        string written = a[3].Trim('[', ']', ' ');
        long expected = long.TryParse(written, CultureInfo.InvariantCulture, out long number) ? number : ErrnoNumber(written);
        if (value != expected)
        {
            throw Failed(s.Line, $"getsockopt(SO_ERROR) at {Format(_now)}: expected [{expected}], the model had [{value}]{(err.Length > 0 ? $" ({err})" : "")}");
        }
        Returns(s, 0, null);
    }

    private long ErrnoNumber(string errno)
    {
        bool bsd = _kernel.Layout == OptionLayout.Bsd;
        return errno switch
        {
            "" => 0,
            "ECONNREFUSED" => bsd ? 61 : 111,
            "ECONNRESET" => bsd ? 54 : 104,
            "ETIMEDOUT" => bsd ? 60 : 110,
            _ => -1,
        };
    }

    // ------------------------------------------------------------------ shell lines

    private void Shell(ShellEvent sh)
    {
        foreach (string line in sh.Command.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            ShellLine(sh, line);
        }
    }

    private void ShellLine(ShellEvent sh, string cmd)
    {
        if (cmd.Contains("set_sysctls.py", StringComparison.Ordinal))
        {
            // google's helper: set_sysctls.py /proc/sys/net/ipv4/tcp_x=v is sysctl net.ipv4.tcp_x=v.
            foreach (string word in cmd.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                int eq = word.IndexOf('=', StringComparison.Ordinal);
                if (!word.StartsWith("/proc/sys/", StringComparison.Ordinal) || eq < 0) throw Unsupported(sh.Line, $"shell command `{cmd}`");
                Sysctl(sh.Line, word["/proc/sys/".Length..eq].Replace('/', '.'), word[(eq + 1)..]);
            }
            return;
        }
        if (cmd.EndsWith("defaults.sh", StringComparison.Ordinal))
        {
            // google/packetdrill's gtests defaults: tcp_rmem max 15 MB (window scale 8), SYN and
            // SYN-ACK retries 5, timestamps, SACK, syncookies; the rest (cubic, pacing, FRTO, ECN off,
            // Fast Open keys) concerns what the model does not have and scripts using it stop there.
            _kernel = _kernel with { WindowShift = 8 };
            _profile = _profile with { SynRetries = 5, SynAckRetries = 5, Syncookies = true };
            return;
        }
        if (cmd.StartsWith("sysctl", StringComparison.Ordinal))
        {
            foreach (string word in cmd.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                if (word.StartsWith('-')) continue;
                int eq = word.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0) throw Unsupported(sh.Line, $"sysctl read '{word}'");
                Sysctl(sh.Line, word[..eq], word[(eq + 1)..].Trim('"'));
            }
            return;
        }
        if (cmd.StartsWith("sockstat", StringComparison.Ordinal))
        {
            SockstatCheck(sh);
            return;
        }
        throw Unsupported(sh.Line, $"shell command `{cmd}`");
    }

    private void Sysctl(int line, string knob, string value)
    {
        if (_fds.Count > 0 && knob is not ("net.inet.tcp.hostcache.purgenow")) 
        {
            // Knobs are read when an endpoint is made; later changes would not reach it.
            if (!IsNoOp(knob, value)) throw Unsupported(line, $"sysctl {knob} after sockets exist");
        }
        long n = long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) ? parsed : long.MinValue;
        TimeSpan Secs() => TimeSpan.FromSeconds(n);
        TimeSpan Ms() => TimeSpan.FromMilliseconds(n);
        switch (knob)
        {
            // Linux (Documentation/networking/ip-sysctl.rst)
            case "net.ipv4.tcp_rfc1337": _profile = _profile with { Rfc1337 = n != 0 }; break;
            case "net.ipv4.tcp_fin_timeout": _profile = _profile with { FinTimeout = Secs() }; break;
            case "net.ipv4.tcp_syn_retries": _profile = _profile with { SynRetries = (int)n }; break;
            case "net.ipv4.tcp_synack_retries": _profile = _profile with { SynAckRetries = (int)n }; break;
            case "net.ipv4.tcp_retries2": _profile = _profile with { DataRetries = (int)n }; break;
            case "net.ipv4.tcp_orphan_retries": _profile = _profile with { OrphanRetries = n == 0 ? 8 : (int)n }; break;
            case "net.ipv4.tcp_keepalive_time": _profile = _profile with { KeepaliveIdle = Secs() }; break;
            case "net.ipv4.tcp_keepalive_intvl": _profile = _profile with { KeepaliveInterval = Secs() }; break;
            case "net.ipv4.tcp_keepalive_probes": _profile = _profile with { KeepaliveProbes = (int)n }; break;
            case "net.ipv4.tcp_tw_reuse": _profile = _profile with { TwReuse = (int)n }; break;
            case "net.ipv4.tcp_syncookies": _profile = _profile with { Syncookies = n != 0 }; break;
            case "net.ipv4.tcp_abort_on_overflow": _profile = _profile with { AbortOnOverflow = n != 0 }; break;
            case "net.ipv4.tcp_timestamps": _kernel = _kernel with { Timestamps = n != 0 }; break;
            case "net.ipv4.tcp_sack": _kernel = _kernel with { SackPermitted = n != 0 }; break;
            case "net.ipv4.tcp_window_scaling": _kernel = _kernel with { WindowShift = n != 0 ? KernelSynOptions.For(_profile).WindowShift : null }; break;
            // FreeBSD (tcp(4))
            case "net.inet.tcp.rfc1323":
                _kernel = n != 0
                    ? _kernel with { Timestamps = true, WindowShift = _kernel.WindowShift ?? KernelSynOptions.For(_profile).WindowShift }
                    : _kernel with { Timestamps = false, WindowShift = null };
                break;
            case "net.inet.tcp.sack.enable": _kernel = _kernel with { SackPermitted = n != 0 }; break;
            case "net.inet.tcp.msl": _profile = _profile with { TimeWait = 2 * Ms() }; break;
            case "net.inet.tcp.finwait2_timeout": _profile = _profile with { FinTimeout = Ms() }; break;
            case "net.inet.tcp.keepidle": _profile = _profile with { KeepaliveIdle = Ms() }; break;
            case "net.inet.tcp.keepintvl": _profile = _profile with { KeepaliveInterval = Ms() }; break;
            case "net.inet.tcp.keepinit": _profile = _profile with { ConnectTimeout = Ms() }; break;
            case "net.inet.tcp.keepcnt": _profile = _profile with { KeepaliveProbes = (int)n }; break;
            case "net.inet.tcp.rexmit_initial": _profile = _profile with { InitialRto = Ms() }; break;
            default:
                if (!IsNoOp(knob, value)) throw Unsupported(line, $"sysctl {knob}={value}");
                break;
        }
        if (_profile.Problems() is { Count: > 0 } problems) throw Unsupported(line, $"sysctl {knob}={value}: {problems[0]}");
        if (_fds.Count == 0) _host = new TcpHost(LocalAddr, _profile);
    }

    /// <summary>
    /// Settings that state what the model already does, so they change nothing: a host that always
    /// answers with RST (blackhole 0), RFC 5961 RST checks (insecure_rst 0), no ECN unless asked
    /// (ecn.enable 0 or 2: the model never asks, and ECN bits in a script are unsupported), no host cache,
    /// a 64 KB receive buffer (the model's 65535-byte window), any send buffer (the model's is
    /// unbounded: a script that fills one sees writes succeed where it expects EAGAIN, and fails) and the 2 MB socket-buffer limit the
    /// bsd window scale of 6 comes from.
    /// </summary>
    private static bool IsNoOp(string knob, string value) => (knob, value) switch
    {
        ("net.inet.tcp.blackhole", "0") => true,
        ("net.inet.tcp.insecure_rst", "0") => true,
        ("net.inet.tcp.insecure_syn", "0") => true,
        ("net.inet.tcp.ecn.enable", "0" or "2") => true,
        ("net.ipv4.tcp_ecn", "0" or "2") => true,
        ("net.inet.tcp.hostcache.purgenow", _) => true,
        ("net.inet.tcp.recvspace", "65536") => true,
        ("kern.ipc.maxsockbuf", "2097152") => true,
        ("net.inet.tcp.sendspace", _) => true,
        _ => false,
    };

    /// <summary><c>sockstat -4 -P tcp -p 8080 -s | grep -c SYN_RCVD | grep 1</c>: how many sockets on the port are in a state.</summary>
    private void SockstatCheck(ShellEvent sh)
    {
        // sockstat [-p 8080] | [grep packetdrill |] grep -c STATE | grep N — every socket here is the script's.
        string[] parts = sh.Command.Split('|', StringSplitOptions.TrimEntries);
        int count = parts.Length;
        if (count < 3 || !parts[count - 2].StartsWith("grep -c ", StringComparison.Ordinal) || !parts[count - 1].StartsWith("grep ", StringComparison.Ordinal)
            || (count == 4 && !parts[1].StartsWith("grep packetdril", StringComparison.Ordinal)) || count > 4)
        {
            throw Unsupported(sh.Line, $"shell command `{sh.Command}`");
        }
        string stateName = parts[count - 2]["grep -c ".Length..].Trim();
        if (!int.TryParse(parts[count - 1]["grep ".Length..].Trim(), CultureInfo.InvariantCulture, out int expected)) throw Unsupported(sh.Line, $"shell command `{sh.Command}`");
        TcpState? state = stateName switch
        {
            "LISTEN" => TcpState.Listen, "SYN_SENT" => TcpState.SynSent, "SYN_RCVD" => TcpState.SynReceived,
            "ESTABLISHED" => TcpState.Established, "FIN_WAIT_1" => TcpState.FinWait1, "FIN_WAIT_2" => TcpState.FinWait2,
            "CLOSE_WAIT" => TcpState.CloseWait, "CLOSING" => TcpState.Closing, "LAST_ACK" => TcpState.LastAck,
            "TIME_WAIT" => TcpState.TimeWait, "CLOSED" => TcpState.Closed, _ => null,
        };
        if (state is null) throw Unsupported(sh.Line, $"sockstat state {stateName}");
        int found = 0;
        if (state == TcpState.Listen && _listener is not null && !_listenerClosed) found++;
        foreach (var c in _conns)
        {
            if (!c.Gone && c.Endpoint.State == state) found++;
        }
        if (found != expected)
        {
            throw Failed(sh.Line, $"at {Format(_now)} expected {expected} socket(s) in {stateName}, the model has {found} ({StatesNow()})");
        }
    }

    private string StatesNow()
    {
        var text = new StringBuilder();
        foreach (var c in _conns)
        {
            if (c.Gone) continue;
            if (text.Length > 0) text.Append(", ");
            text.Append(c.Endpoint.State.ToTraceName());
        }
        return text.Length == 0 ? "none open" : text.ToString();
    }

    // ------------------------------------------------------------------ helpers

    private Sock SockOf(SyscallEvent s)
    {
        if (s.Args.Count == 0 || !int.TryParse(s.Args[0], CultureInfo.InvariantCulture, out int fd)) throw Unsupported(s.Line, $"{s.Name}() without a file descriptor");
        if (_fds.TryGetValue(fd, out var sock)) return sock;
        throw Failed(s.Line, $"{s.Name}({fd}) at {Format(_now)}: no such socket (EBADF)");
    }

    private int LowestFreeFd()
    {
        int fd = 3;
        while (_fds.ContainsKey(fd)) fd++;
        return fd;
    }

    private Conn? ConnOf(TcpEndpoint endpoint)
    {
        foreach (var c in _conns) if (ReferenceEquals(c.Endpoint, endpoint)) return c;
        return null;
    }

    private static string Describe(PacketEvent p) =>
        Format(p.Flags, p.Seq, p.Length, p.Ack, p.Window, p.AnyOptions ? null : p.Options ?? []);

    private static string Format(TcpFlags flags, uint seq, int length, uint? ack, int? window, IReadOnlyList<TcpOption>? options)
    {
        var text = new StringBuilder();
        if ((flags & TcpFlags.Syn) != 0) text.Append('S');
        if ((flags & TcpFlags.Fin) != 0) text.Append('F');
        if ((flags & TcpFlags.Rst) != 0) text.Append('R');
        if ((flags & TcpFlags.Psh) != 0) text.Append('P');
        if ((flags & TcpFlags.Ack) != 0) text.Append('.');
        text.Append(CultureInfo.InvariantCulture, $" {seq}:{unchecked(seq + (uint)length)}({length})");
        if (ack is { } a) text.Append(CultureInfo.InvariantCulture, $" ack {a}");
        if (window is { } w) text.Append(CultureInfo.InvariantCulture, $" win {w}");
        if (options is null) text.Append(" <...>");
        else if (options.Count > 0) text.Append(" <").Append(TcpOption.Format(options)).Append('>');
        return text.ToString();
    }

    private static string Format(TimeSpan t) => (t.Ticks / (double)TimeSpan.TicksPerSecond).ToString("0.000###", CultureInfo.InvariantCulture) + " s";

    private static string Window(TimeSpan start, TimeSpan end) =>
        start == TimeSpan.MinValue ? "any time" : start == end ? Format(start) : $"{Format(start)}~{Format(end)}";

    private static Stop Failed(int line, string message) => new(PacketdrillOutcome.Failed, line, message);
    private static Stop Unsupported(int line, string message) => new(PacketdrillOutcome.Unsupported, line, message);

    private sealed class Stop(PacketdrillOutcome outcome, int line, string message) : Exception(message)
    {
        public PacketdrillOutcome Outcome { get; } = outcome;
        public int Line { get; } = line;
    }

    private sealed record Blocked(SyscallEvent Call, Sock Socket, TimeSpan ReturnsAt);

    private sealed class Sock(int fd)
    {
        public int Fd { get; } = fd;
        public required TcpProfile Profile { get; set; }
        public Conn? Conn { get; set; }
        public bool NonBlocking { get; set; }
        public bool LingerAbort { get; set; }
        public bool ShutRead { get; set; }
        public bool Bound { get; set; }
        public bool IsListener { get; set; }
    }

    private sealed class Conn(TcpEndpoint endpoint, int handle)
    {
        public TcpEndpoint Endpoint { get; } = endpoint;
        public int Handle { get; } = handle;
        public Sock? Socket { get; set; }
        public bool Passive { get; init; }
        public bool Established { get; set; }
        public bool Gone { get; set; }
        public bool Released { get; set; }
        /// <summary>The socket error the application will see next (sk_err): ECONNREFUSED, ECONNRESET, ETIMEDOUT.</summary>
        public string? Error { get; set; }
    }

    /// <summary>The model's outputs: segments to check, states for the host's tables, errors for the sockets.</summary>
    private sealed class Sink(PacketdrillRunner runner) : ITcpSink
    {
        public void Transmit(in Segment segment) => runner.Emit(segment);

        public void StateChanged(TcpEndpoint endpoint, TcpState from, TcpState to)
        {
            if (to == TcpState.TimeWait && runner.ConnOf(endpoint) is { } conn)
            {
                runner._host.EnterTimeWait(endpoint.Tuple, conn.Handle, runner._now);
            }
        }

        public void Notify(TcpEndpoint endpoint, TcpEvent what, int bytes)
        {
            if (runner.ConnOf(endpoint) is not { } conn) return;
            switch (what)
            {
                case TcpEvent.Established: conn.Established = true; break;
                case TcpEvent.Refused: conn.Error = "ECONNREFUSED"; break;
                case TcpEvent.Reset: conn.Error = endpoint.State == TcpState.SynReceived && !endpoint.IsPassiveChild ? "ECONNREFUSED" : "ECONNRESET"; break;
                case TcpEvent.TimedOut: conn.Error = "ETIMEDOUT"; break;
                case TcpEvent.Closed:
                    runner.Release(conn);
                    conn.Gone = true;
                    break;
            }
        }
    }
}
