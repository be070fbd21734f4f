using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TcpActors.Tcp.Host;

/// <summary>
/// One machine's TCP bookkeeping (DESIGN.md §4.3): the IPv4 addresses it owns, its listeners and
/// its table of connections keyed by <see cref="FourTuple"/>, TIME_WAIT included — what Linux
/// keeps in its established hash, bind buckets and listen queues. It holds no endpoints: each
/// tuple maps to an opaque <see cref="int"/> handle chosen by the caller, who keeps the endpoint
/// state machines (in arrays) and glues the two together.
/// <para>
/// Sans-IO and single-threaded: time comes in as <c>TimeSpan now</c>, nothing is sent, and every
/// answer is a value the caller acts on. Its methods come in five kinds:
/// <list type="bullet">
/// <item>demultiplexing: <see cref="Demux"/> — exact 4-tuple, then listener, then "no connection";</item>
/// <item>active open: <see cref="Connect(uint, uint, ushort, int, TimeSpan)"/> picks an ephemeral
/// port, Linux style, or fails at once with port exhaustion;</item>
/// <item>passive open: <see cref="Listen"/>, then <see cref="OfferSyn"/>, <see cref="CompleteHandshake"/>
/// or <see cref="CompleteCookieHandshake"/>, and <see cref="Listener.TryAccept(out int)"/>;</item>
/// <item>the rest of a tuple's life: <see cref="Register"/>, <see cref="EnterTimeWait"/>, <see cref="Release"/>;</item>
/// <item>failure: <see cref="Crash"/> and <see cref="Restart"/>.</item>
/// </list>
/// </para>
/// Memory: one tuple costs a 40-byte dictionary entry plus a 4-byte bucket (see
/// <see cref="ConnectionEntry"/>), before the dictionary's growth slack; docs/tcp-host.md has
/// the measured figure.
/// </summary>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class TcpHost
{
    private readonly uint[] _addresses;

    /// <summary>Every tuple held on this host, whatever its state, with its owner's handle.</summary>
    private readonly Dictionary<FourTuple, ConnectionEntry> _connections;

    /// <summary>
    /// Per destination, the tuples it holds in the ephemeral range and its port perturbation.
    /// Only tuples whose local port is ephemeral have an entry, so a server's accepted
    /// connections (local port 80) cost nothing here. An entry stays when it holds nothing
    /// any more, for its <see cref="DestinationState.Perturb"/>: Linux never resets
    /// table_perturb[] (RFC 6056 §3.3.4's table is kept for the host's life), so the next
    /// connect to a destination that went idle does not start over at the port it just freed.
    /// Forgetting it was swarm seed 59717 (docs/reliability.md, bug 2): the client took the same
    /// port again while the server still held the old 4-tuple in TIME_WAIT, and with rfc1337 on
    /// every SYN met an ACK, the client's RST and nothing else until connect() timed out. A crash
    /// is a reboot and clears them. At most one entry per (local address, destination) the host
    /// ever connected to.
    /// </summary>
    private readonly Dictionary<Destination, DestinationState> _destinations = new();

    private readonly Dictionary<ushort, Listener> _listeners = new();

    /// <summary>Listeners on ephemeral ports: connect() skips their ports, as Linux skips bound ports.</summary>
    private int _listenersInRange;

    private int _timeWaitCount;

    /// <summary>
    /// The key of the ephemeral port hash: <see cref="TcpHostOptions.PortSecret"/> until the first
    /// crash, then a new one for each boot, as Linux draws secure_ipv4_port_ephemeral()'s key at
    /// random once per boot. With the old key and the perturbations forgotten, a rebooted client
    /// would take exactly the ports it used before the crash, which its peers may still hold (in
    /// TIME_WAIT, say): swarm seed 8171, docs/reliability.md bug 2.
    /// </summary>
    private ulong _portSecret;

    private bool _isUp = true;

    /// <summary>A host with one address.</summary>
    public TcpHost(uint address, TcpHostOptions options)
        : this(new[] { address }, options)
    {
    }

    /// <summary>A host with one address and the host knobs of a profile.</summary>
    public TcpHost(uint address, TcpProfile profile)
        : this(new[] { address }, TcpHostOptions.FromProfile(profile))
    {
    }

    /// <summary>
    /// A host owning <paramref name="addresses"/> (the first is its primary address).
    /// <paramref name="expectedConnections"/> pre-sizes the connection table so that a host
    /// meant to hold a million tuples does not grow it by doubling.
    /// </summary>
    public TcpHost(ReadOnlySpan<uint> addresses, TcpHostOptions options, int expectedConnections = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (addresses.IsEmpty)
        {
            throw new ArgumentException("a host needs at least one IPv4 address", nameof(addresses));
        }
        for (var i = 0; i < addresses.Length; i++)
        {
            if (addresses[i] == 0)
            {
                throw new ArgumentException("0.0.0.0 is not a host address", nameof(addresses));
            }
            for (var j = 0; j < i; j++)
            {
                if (addresses[j] == addresses[i])
                {
                    throw new ArgumentException($"address {Address.Format(addresses[i])} is listed twice", nameof(addresses));
                }
            }
        }
        ArgumentOutOfRangeException.ThrowIfNegative(expectedConnections);

        _addresses = addresses.ToArray();
        Options = options;
        _portSecret = options.PortSecret;
        _connections = new Dictionary<FourTuple, ConnectionEntry>(expectedConnections);
    }

    /// <summary>The knobs this host runs with.</summary>
    public TcpHostOptions Options { get; }

    /// <summary>What the kernel would count.</summary>
    public TcpHostCounters Counters { get; } = new();

    /// <summary>The IPv4 addresses this host owns; the first is the primary one.</summary>
    public IReadOnlyList<uint> Addresses => _addresses;

    /// <summary>The primary address, the source of connect() when none is named.</summary>
    public uint PrimaryAddress => _addresses[0];

    /// <summary>False between <see cref="Crash"/> and <see cref="Restart"/>.</summary>
    public bool IsUp => _isUp;

    /// <summary>Tuples held, in any state, TIME_WAIT included.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Tuples in TIME_WAIT, counted against max_tw_buckets.</summary>
    public int TimeWaitCount => _timeWaitCount;

    private string DebuggerDisplay =>
        $"host {Address.Format(PrimaryAddress)} {(_isUp ? "up" : "DOWN")} tuples={_connections.Count} tw={_timeWaitCount} listeners={_listeners.Count}";

    /// <summary>Whether <paramref name="address"/> is one of this host's.</summary>
    public bool Owns(uint address)
    {
        foreach (var a in _addresses)
        {
            if (a == address)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Loopback is 127.0.0.0/8 (RFC 1122 §3.2.1.3).</summary>
    public static bool IsLoopback(uint address) => address >> 24 == 127;

    // ---------------------------------------------------------------- demultiplexing

    /// <summary>
    /// Finds who receives <paramref name="segment"/>: the connection with exactly its 4-tuple,
    /// else the listener on its destination port, else nobody (answer with
    /// <see cref="Segment.TryResetFor"/>). A crashed host drops everything silently.
    /// </summary>
    public Demultiplexed Demux(in Segment segment)
    {
        if (!_isUp)
        {
            Counters.DroppedWhileDown++;
            return new Demultiplexed { Outcome = DemuxOutcome.HostDown };
        }
        if (!Owns(segment.DstAddr))
        {
            return new Demultiplexed { Outcome = DemuxOutcome.NotLocal };
        }
        if (_connections.TryGetValue(segment.ReceiverTuple, out var entry))
        {
            return new Demultiplexed
            {
                Outcome = DemuxOutcome.Connection, Handle = entry.Handle,
                HalfOpen = entry.Role == EntryRole.HalfOpen, TimeWait = entry.Role == EntryRole.TimeWait,
            };
        }
        if (_listeners.TryGetValue(segment.DstPort, out var listener))
        {
            return new Demultiplexed { Outcome = DemuxOutcome.Listener, Listener = listener };
        }
        Counters.NoConnection++;
        return new Demultiplexed { Outcome = DemuxOutcome.NoConnection };
    }

    /// <summary>The handle holding <paramref name="tuple"/>, if any.</summary>
    public bool TryGetConnection(in FourTuple tuple, out int handle)
    {
        if (_connections.TryGetValue(tuple, out var entry))
        {
            handle = entry.Handle;
            return true;
        }
        handle = 0;
        return false;
    }

    /// <summary>Whether <paramref name="tuple"/> is held by a socket in TIME_WAIT.</summary>
    public bool IsTimeWait(in FourTuple tuple) =>
        _connections.TryGetValue(tuple, out var entry) && entry.Role == EntryRole.TimeWait;

    // ---------------------------------------------------------------- active open

    /// <summary>connect() from the primary address; see <see cref="Connect(uint, uint, ushort, int, TimeSpan)"/>.</summary>
    public ConnectResult Connect(uint remoteAddr, ushort remotePort, int handle, TimeSpan now) =>
        Connect(PrimaryAddress, remoteAddr, remotePort, handle, now);

    /// <summary>
    /// connect(): picks an ephemeral port for (<paramref name="localAddr"/>,
    /// <paramref name="remoteAddr"/>:<paramref name="remotePort"/>) and binds the 4-tuple to
    /// <paramref name="handle"/>. A port is free when no tuple, TIME_WAIT included, holds it
    /// for this destination; with tw_reuse a TIME_WAIT tuple older than
    /// <see cref="TcpHostOptions.TwReuseDelay"/> may be taken over (Linux tcp_twsk_unique()),
    /// and the result names the evicted handle. When no port is free the call fails at once with
    /// <see cref="ConnectOutcome.PortExhausted"/> (EADDRNOTAVAIL), in O(1) for a destination
    /// that holds the whole range.
    /// </summary>
    public ConnectResult Connect(uint localAddr, uint remoteAddr, ushort remotePort, int handle, TimeSpan now)
    {
        RequireOwned(localAddr);
        if (remotePort == 0)
        {
            throw new ArgumentException("cannot connect to port 0", nameof(remotePort));
        }
        if (!_isUp)
        {
            return new ConnectResult { Outcome = ConnectOutcome.HostDown };
        }

        var destination = new Destination(localAddr, remoteAddr, remotePort);
        ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_destinations, destination);
        var known = !Unsafe.IsNullRef(ref state);
        var reuse = TwReuseApplies(localAddr, remoteAddr);
        // A TIME_WAIT tuple is reusable when it started before this instant.
        var reusableBeforeTicks = now.Ticks - Options.TwReuseDelay.Ticks;
        var count = Options.EphemeralPortCount;

        if (known ? state.Held >= count - _listenersInRange : count - _listenersInRange <= 0)
        {
            // Every port is held for this destination. Without tw_reuse, or while even the
            // oldest TIME_WAIT is too young, there is nothing to scan for.
            if (!known || !reuse || state.OldestTimeWaitSinceTicks >= reusableBeforeTicks)
            {
                Counters.PortExhausted++;
                return new ConnectResult { Outcome = ConnectOutcome.PortExhausted };
            }
        }

        var start = EphemeralPorts.Offset(_portSecret, localAddr, remoteAddr, remotePort) + (known ? state.Perturb : 0u);
        var sameParity = (count + 1) / 2;
        var oldestSeenTicks = long.MaxValue;
        // The first pass finds nothing when every port of its parity is held and none of them
        // can be reused: the kernel would scan it in vain, the simulator goes to the second pass.
        var mayReuse = known && reuse && state.OldestTimeWaitSinceTicks < reusableBeforeTicks;
        var firstStep = known && !mayReuse && state.HeldFirstParity >= sameParity ? sameParity : 0;
        for (var step = firstStep; step < count; step++)
        {
            var port = (ushort)(Options.EphemeralPortMin + EphemeralPorts.Position(count, start, step));
            if (_listenersInRange > 0 && _listeners.ContainsKey(port))
            {
                continue;
            }

            Counters.EphemeralPortProbes++;
            var tuple = new FourTuple(localAddr, port, remoteAddr, remotePort);
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_connections, tuple, out var taken);
            var evicted = false;
            var evictedHandle = 0;
            if (taken)
            {
                if (!reuse || entry.Role != EntryRole.TimeWait)
                {
                    continue;
                }
                if (entry.TimeWaitSinceTicks >= reusableBeforeTicks)
                {
                    oldestSeenTicks = Math.Min(oldestSeenTicks, entry.TimeWaitSinceTicks);
                    continue;
                }
                evicted = true;
                evictedHandle = entry.Handle;
                _timeWaitCount--;
                Counters.TimeWaitRecycled++;
            }
            entry = new ConnectionEntry { Handle = handle, Role = EntryRole.Open };

            // Linux advances table_perturb[] by the ports scanned in this parity pass plus two.
            var scannedInPass = step < sameParity ? step : step - sameParity;
            ref var destinationState = ref CollectionsMarshal.GetValueRefOrAddDefault(_destinations, destination, out var existed);
            if (!existed)
            {
                destinationState.OldestTimeWaitSinceTicks = long.MaxValue;
            }
            if (!evicted)
            {
                destinationState.Held++;
                if (step < sameParity)
                {
                    destinationState.HeldFirstParity++;
                }
            }
            destinationState.Perturb += (uint)(2 * scannedInPass + 2);
            AssertInvariants();
            return new ConnectResult
            {
                Outcome = ConnectOutcome.Bound,
                Tuple = tuple,
                Evicted = evicted,
                EvictedHandle = evictedHandle,
            };
        }

        if (known && reuse && firstStep == 0)
        {
            // The scan saw every TIME_WAIT of this destination: remember the true oldest, so the
            // next attempts fail in O(1) until it is old enough.
            state.OldestTimeWaitSinceTicks = oldestSeenTicks;
        }
        Counters.PortExhausted++;
        return new ConnectResult { Outcome = ConnectOutcome.PortExhausted };
    }

    /// <summary>
    /// Binds an explicit 4-tuple to <paramref name="handle"/> (bind() then connect(), or any
    /// caller that picked the port itself). False when the tuple is held or the host is down.
    /// </summary>
    public bool Register(in FourTuple tuple, int handle)
    {
        RequireOwned(tuple.LocalAddr);
        if (!_isUp || _connections.ContainsKey(tuple))
        {
            return false;
        }
        Add(tuple, new ConnectionEntry { Handle = handle, Role = EntryRole.Open });
        return true;
    }

    // ---------------------------------------------------------------- passive open

    /// <summary>
    /// listen(): opens a listener on <paramref name="port"/> of every host address. Its SYN queue
    /// holds <see cref="TcpHostOptions.SynBacklog"/> half-open connections, its accept queue
    /// min(<paramref name="backlog"/>, <see cref="TcpHostOptions.AcceptBacklog"/>) completed
    /// ones. Listeners survive a crash as configuration and come back on restart.
    /// </summary>
    public Listener Listen(ushort port, int backlog)
    {
        if (port == 0)
        {
            throw new ArgumentException("cannot listen on port 0", nameof(port));
        }
        if (backlog < 0)
        {
            throw new ArgumentException($"backlog is {backlog}; it cannot be negative", nameof(backlog));
        }
        if (_listeners.ContainsKey(port))
        {
            throw new InvalidOperationException($"port {port} already has a listener (EADDRINUSE)");
        }
        var listener = new Listener(this, port, backlog, Options.SynBacklog, Math.Min(backlog, Options.AcceptBacklog));
        _listeners.Add(port, listener);
        if (InEphemeralRange(port))
        {
            _listenersInRange++;
        }
        return listener;
    }

    /// <summary>The listener on <paramref name="port"/>, if any.</summary>
    public bool TryGetListener(ushort port, [NotNullWhen(true)] out Listener? listener) =>
        _listeners.TryGetValue(port, out listener);

    /// <summary>
    /// A SYN for <paramref name="tuple"/> reached the listener on its local port (after
    /// <see cref="Demux"/> said <see cref="DemuxOutcome.Listener"/>). Follows Linux
    /// tcp_conn_request(): a full SYN queue means a cookie (syncookies on) or a drop; a full
    /// accept queue drops the SYN even when a cookie would be sent; otherwise the tuple is
    /// registered half-open under <paramref name="handle"/> and takes a SYN queue slot.
    /// </summary>
    public SynDecision OfferSyn(in FourTuple tuple, int handle) => OfferSyn(tuple, handle, default, default, remember: false);

    /// <summary>
    /// <see cref="OfferSyn(in FourTuple, int)"/>, keeping with the SYN queue entry what Linux's
    /// request sock keeps (<c>snt_isn</c>, <c>rcv_isn</c>), so that <see cref="CheckRequest"/>
    /// can judge the handshake's final ACK as <c>tcp_check_req()</c> does.
    /// </summary>
    /// <param name="iss">The sequence number of the SYN-ACK the connection will send.</param>
    /// <param name="irs">The SYN's sequence number.</param>
    public SynDecision OfferSyn(in FourTuple tuple, int handle, SeqNum iss, SeqNum irs) => OfferSyn(tuple, handle, iss, irs, remember: true);

    private SynDecision OfferSyn(in FourTuple tuple, int handle, SeqNum iss, SeqNum irs, bool remember)
    {
        var listener = RequireListenerFor(tuple);
        if (_connections.ContainsKey(tuple))
        {
            throw new InvalidOperationException($"{tuple} already belongs to a connection; a SYN for it goes to that endpoint");
        }

        var cookie = false;
        if (listener.SynQueueFull)
        {
            if (!Options.Syncookies)
            {
                Counters.SynQueueFullDrops++;
                Counters.ListenDrops++;
                return SynDecision.Drop;
            }
            cookie = true;
        }
        if (listener.AcceptQueueFull)
        {
            Counters.ListenOverflows++;
            Counters.ListenDrops++;
            return SynDecision.Drop;
        }
        if (cookie)
        {
            Counters.SyncookiesSent++;
            return SynDecision.SynCookie;
        }

        Add(tuple, new ConnectionEntry { Handle = handle, Role = EntryRole.HalfOpen, HasRequest = remember, Request = (ulong)iss.Value << 32 | irs.Value });
        listener.SynQueueLength++;
        listener.AssertInvariants();
        return SynDecision.Admit;
    }

    /// <summary>
    /// The final ACK of the handshake arrived for the half-open <paramref name="tuple"/>.
    /// <see cref="AckDecision.Accept"/> moves it from the SYN queue to the accept queue; with the
    /// accept queue full the ACK is dropped (<see cref="AckDecision.Drop"/>, the connection stays
    /// half-open) or, with abort_on_overflow, answered with RST (<see cref="AckDecision.Reset"/>,
    /// the tuple is released). Linux tcp_check_req() and tcp_v4_syn_recv_sock().
    /// </summary>
    public AckDecision CompleteHandshake(in FourTuple tuple)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_connections, tuple);
        if (Unsafe.IsNullRef(ref entry) || entry.Role != EntryRole.HalfOpen)
        {
            throw new InvalidOperationException($"{tuple} is not a half-open connection in a SYN queue");
        }
        var listener = RequireListenerFor(tuple);
        if (listener.AcceptQueueFull)
        {
            Counters.ListenOverflows++;
            Counters.ListenDrops++;
            if (!Options.AbortOnOverflow)
            {
                return AckDecision.Drop;
            }
            Counters.AbortOnOverflowResets++;
            listener.SynQueueLength--;
            Remove(tuple);
            listener.AssertInvariants();
            return AckDecision.Reset;
        }
        listener.SynQueueLength--;
        entry.Role = EntryRole.AcceptQueued;
        listener.Enqueue(tuple, entry.Handle);
        return AckDecision.Accept;
    }

    /// <summary>
    /// Linux <c>tcp_check_req()</c>: is <paramref name="segment"/> the final ACK of a handshake
    /// whose SYN <see cref="OfferSyn(in FourTuple, int, SeqNum, SeqNum)"/> admitted? It is when
    /// it is a plain ACK (no SYN, no RST) of exactly the SYN-ACK (SEG.ACK = ISS + 1) and its
    /// sequence number is acceptable for RCV.NXT = IRS + 1 and <paramref name="receiveWindow"/>
    /// (RFC 9293 §3.10.7.4's table). Then the listener decides as <see cref="CompleteHandshake"/>
    /// does; otherwise (null) the segment goes to the connection as any other.
    /// </summary>
    public AckDecision? CheckRequest(in Segment segment, int receiveWindow)
    {
        if ((segment.Flags & (TcpFlags.Ack | TcpFlags.Syn | TcpFlags.Rst)) != TcpFlags.Ack) return null;
        FourTuple tuple = segment.ReceiverTuple;
        if (!_connections.TryGetValue(tuple, out var entry) || entry.Role != EntryRole.HalfOpen || !entry.HasRequest) return null;
        var iss = new SeqNum((uint)(entry.Request >> 32));
        var rcvNxt = new SeqNum((uint)entry.Request) + 1;
        if (segment.Ack != iss + 1) return null;
        uint window = (uint)Math.Max(0, receiveWindow);
        uint length = segment.SeqLength;
        bool acceptable = length == 0
            ? window == 0 ? segment.Seq == rcvNxt : segment.Seq.InWindow(rcvNxt, window)
            : window != 0 && (segment.Seq.InWindow(rcvNxt, window) || (segment.Seq + (length - 1)).InWindow(rcvNxt, window));
        return acceptable ? CompleteHandshake(tuple) : null;
    }

    /// <summary>
    /// An ACK whose acknowledgment number the caller has checked as a valid SYN cookie arrived
    /// at the listener for the unknown <paramref name="tuple"/>: the connection is created now,
    /// under <paramref name="handle"/>, straight into the accept queue — or, with that queue
    /// full, dropped or reset like any other completed handshake.
    /// </summary>
    public AckDecision CompleteCookieHandshake(in FourTuple tuple, int handle)
    {
        var listener = RequireListenerFor(tuple);
        if (_connections.ContainsKey(tuple))
        {
            throw new InvalidOperationException($"{tuple} already belongs to a connection; its ACK goes to that endpoint");
        }
        if (listener.AcceptQueueFull)
        {
            Counters.ListenOverflows++;
            Counters.ListenDrops++;
            if (!Options.AbortOnOverflow)
            {
                return AckDecision.Drop;
            }
            Counters.AbortOnOverflowResets++;
            return AckDecision.Reset;
        }
        Counters.SyncookiesRecv++;
        Add(tuple, new ConnectionEntry { Handle = handle, Role = EntryRole.AcceptQueued });
        listener.Enqueue(tuple, handle);
        return AckDecision.Accept;
    }

    internal bool IsAcceptQueued(in FourTuple tuple, int handle) =>
        _connections.TryGetValue(tuple, out var entry) && entry.Handle == handle && entry.Role == EntryRole.AcceptQueued;

    /// <summary>accept() took this connection: it leaves the accept queue and counts against nothing.</summary>
    internal bool TakeAccepted(in FourTuple tuple, int handle)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_connections, tuple);
        if (Unsafe.IsNullRef(ref entry) || entry.Handle != handle || entry.Role != EntryRole.AcceptQueued)
        {
            return false;
        }
        entry.Role = EntryRole.Open;
        return true;
    }

    // ---------------------------------------------------------------- TIME_WAIT and release

    /// <summary>
    /// The connection on <paramref name="tuple"/> entered TIME_WAIT at <paramref name="now"/>;
    /// its tuple stays held. Over max_tw_buckets the TIME_WAIT is refused: the tuple is released,
    /// <see cref="TcpHostCounters.TimeWaitOverflow"/> counts it, and the caller must destroy the
    /// socket at once (Linux tcp_time_wait(): "TCP: time wait bucket table overflow"). Calling it
    /// again for a tuple already in TIME_WAIT restarts its clock (a retransmitted FIN was re-ACKed).
    /// </summary>
    public bool EnterTimeWait(in FourTuple tuple, int handle, TimeSpan now) => EnterTimeWait(tuple, handle, now, null);

    /// <summary>
    /// <see cref="EnterTimeWait(in FourTuple, int, TimeSpan)"/>, keeping the connection's
    /// <paramref name="rcvNxt"/> with the TIME_WAIT entry, as Linux's timewait sock keeps
    /// <c>tw_rcv_nxt</c>, so that a new SYN for the tuple can reopen it (<see cref="TryReopenTimeWait"/>).
    /// </summary>
    public bool EnterTimeWait(in FourTuple tuple, int handle, TimeSpan now, SeqNum rcvNxt) =>
        EnterTimeWait(tuple, handle, now, rcvNxt.Value);

    private bool EnterTimeWait(in FourTuple tuple, int handle, TimeSpan now, uint? rcvNxt)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_connections, tuple);
        if (Unsafe.IsNullRef(ref entry) || entry.Handle != handle)
        {
            throw new InvalidOperationException($"{tuple} is not held by handle {handle}");
        }
        if (entry.Role == EntryRole.TimeWait)
        {
            entry.TimeWaitSinceTicks = now.Ticks;
            if (rcvNxt is { } again) entry.TimeWaitRcvNxt = again;
            return true;
        }
        if (_timeWaitCount >= Options.MaxTwBuckets)
        {
            Counters.TimeWaitOverflow++;
            LeaveQueues(tuple, entry.Role);
            Remove(tuple);
            AssertInvariants();
            return false;
        }

        LeaveQueues(tuple, entry.Role);
        entry.Role = EntryRole.TimeWait;
        entry.TimeWaitSinceTicks = now.Ticks;
        entry.HasTimeWaitRcvNxt = rcvNxt.HasValue;
        entry.TimeWaitRcvNxt = rcvNxt ?? 0;
        _timeWaitCount++;
        if (InEphemeralRange(tuple.LocalPort))
        {
            ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_destinations, new Destination(tuple.LocalAddr, tuple.RemoteAddr, tuple.RemotePort));
            Debug.Assert(!Unsafe.IsNullRef(ref state), "an ephemeral tuple without its destination");
            state.OldestTimeWaitSinceTicks = Math.Min(state.OldestTimeWaitSinceTicks, now.Ticks);
        }
        AssertInvariants();
        return true;
    }

    /// <summary>
    /// A SYN for a tuple held in TIME_WAIT, as Linux's <c>tcp_timewait_state_process()</c> judges
    /// it (net/ipv4/tcp_minisocks.c; RFC 9293 §3.10.7.4 leaves it to the implementation, RFC 6191
    /// describes the rule): a plain SYN whose sequence number is beyond the old connection's
    /// RCV.NXT, arriving where a listener waits, ends the TIME_WAIT at once and opens a new
    /// connection. True then: the tuple is free, <paramref name="handle"/> is the TIME_WAIT
    /// endpoint to destroy, and the caller offers the SYN to the listener. (Linux starts the new
    /// ISS at <c>tw_snd_nxt + 65537</c>; keeping SND.NXT too would cost every tuple 8 more bytes,
    /// so the caller takes its clock-driven ISS, RFC 6528, which has moved on as well.) False
    /// leaves the segment to the TIME_WAIT endpoint (which answers it with an ACK).
    /// </summary>
    public bool TryReopenTimeWait(in Segment syn, out int handle)
    {
        handle = -1;
        if ((syn.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Syn) return false;
        FourTuple tuple = syn.ReceiverTuple;
        if (!_connections.TryGetValue(tuple, out var entry) || entry.Role != EntryRole.TimeWait || !entry.HasTimeWaitRcvNxt) return false;
        if (!_listeners.ContainsKey(tuple.LocalPort)) return false;
        if (!(syn.Seq > new SeqNum(entry.TimeWaitRcvNxt))) return false;
        handle = entry.Handle;
        Counters.TimeWaitReopened++;
        Release(tuple, handle);
        return true;
    }

    /// <summary>
    /// The endpoint on <paramref name="tuple"/> is gone (closed, reset, timed out, or its
    /// TIME_WAIT ended): the tuple becomes free and any queue slot or TIME_WAIT bucket it held is
    /// returned. Only the handle that holds the tuple may release it, so a late release from an
    /// endpoint whose tuple tw_reuse took over does nothing. Returns whether anything was released.
    /// </summary>
    public bool Release(in FourTuple tuple, int handle)
    {
        if (!_connections.TryGetValue(tuple, out var entry) || entry.Handle != handle)
        {
            return false;
        }
        LeaveQueues(tuple, entry.Role);
        Remove(tuple);
        AssertInvariants();
        return true;
    }

    // ---------------------------------------------------------------- failure

    /// <summary>
    /// The host crashes: every connection, TIME_WAIT included, and both queues of every listener
    /// are lost, and nothing is sent. Returns the lost handles in ascending order so the caller
    /// can destroy their endpoints. Until <see cref="Restart"/>, segments are dropped silently.
    /// </summary>
    public int[] Crash()
    {
        if (!_isUp)
        {
            return [];
        }
        var lost = new int[_connections.Count];
        var i = 0;
        foreach (var pair in _connections)
        {
            lost[i++] = pair.Value.Handle;
        }
        Array.Sort(lost);

        _connections.Clear();
        _destinations.Clear();
        _portSecret = EphemeralPorts.NextBootSecret(_portSecret);
        _timeWaitCount = 0;
        foreach (var listener in _listeners.Values)
        {
            listener.Forget();
        }
        _isUp = false;
        Counters.Crashes++;
        Counters.ConnectionsLostInCrashes += lost.Length;
        AssertInvariants();
        return lost;
    }

    /// <summary>
    /// The host is back: its listeners listen again with empty queues, and segments of the
    /// connections it lost now find "no connection" and earn a RST.
    /// </summary>
    public void Restart() => _isUp = true;

    // ---------------------------------------------------------------- internals

    private bool TwReuseApplies(uint localAddr, uint remoteAddr) => Options.TwReuse switch
    {
        1 => true,
        // tcp_twsk_unique(): mode 2 treats the tuple as loopback when either address is.
        2 => IsLoopback(localAddr) || IsLoopback(remoteAddr),
        _ => false,
    };

    private bool InEphemeralRange(ushort port) => port >= Options.EphemeralPortMin && port <= Options.EphemeralPortMax;

    private void Add(in FourTuple tuple, ConnectionEntry entry)
    {
        _connections.Add(tuple, entry);
        if (InEphemeralRange(tuple.LocalPort))
        {
            ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(
                _destinations, new Destination(tuple.LocalAddr, tuple.RemoteAddr, tuple.RemotePort), out var existed);
            if (!existed)
            {
                state.OldestTimeWaitSinceTicks = long.MaxValue;
            }
            state.Held++;
            if (IsFirstParity(tuple.LocalPort))
            {
                state.HeldFirstParity++;
            }
        }
    }

    private bool IsFirstParity(ushort port) => ((port - Options.EphemeralPortMin) & 1) == 0;

    private void Remove(in FourTuple tuple)
    {
        _connections.Remove(tuple);
        if (InEphemeralRange(tuple.LocalPort))
        {
            var destination = new Destination(tuple.LocalAddr, tuple.RemoteAddr, tuple.RemotePort);
            ref var state = ref CollectionsMarshal.GetValueRefOrNullRef(_destinations, destination);
            Debug.Assert(!Unsafe.IsNullRef(ref state), "an ephemeral tuple without its destination");
            if (IsFirstParity(tuple.LocalPort))
            {
                state.HeldFirstParity--;
            }
            if (--state.Held == 0)
            {
                // Nothing held: no TIME_WAIT either. The entry stays for its Perturb (above).
                state.OldestTimeWaitSinceTicks = long.MaxValue;
            }
        }
    }

    /// <summary>Gives back whatever the tuple's role counted against.</summary>
    private void LeaveQueues(in FourTuple tuple, EntryRole role)
    {
        switch (role)
        {
            case EntryRole.HalfOpen:
                _listeners[tuple.LocalPort].SynQueueLength--;
                break;
            case EntryRole.AcceptQueued:
                _listeners[tuple.LocalPort].AcceptQueueLength--;
                break;
            case EntryRole.TimeWait:
                _timeWaitCount--;
                break;
        }
    }

    private void RequireOwned(uint address)
    {
        if (!Owns(address))
        {
            throw new ArgumentException($"{Address.Format(address)} is not an address of this host", nameof(address));
        }
    }

    private Listener RequireListenerFor(in FourTuple tuple)
    {
        RequireOwned(tuple.LocalAddr);
        if (!_isUp)
        {
            throw new InvalidOperationException("the host is down; Demux drops every segment");
        }
        if (!_listeners.TryGetValue(tuple.LocalPort, out var listener))
        {
            throw new InvalidOperationException($"no listener on port {tuple.LocalPort}");
        }
        return listener;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_timeWaitCount >= 0 && _timeWaitCount <= _connections.Count, "TIME_WAIT count out of bounds");
        Debug.Assert(_timeWaitCount <= Options.MaxTwBuckets, "more TIME_WAIT than max_tw_buckets");
        Debug.Assert(_isUp || _connections.Count == 0, "a crashed host holds connections");
    }
}
