namespace TcpActors.Tcp;

/// <summary>
/// The knobs of one TCP stack (DESIGN.md §4.2). A profile is an immutable value: a scenario
/// starts from a named profile and overrides single knobs with <c>with { ... }</c>.
/// Every default carries its source; "as rfc9293" means the stack does not document the value.
/// </summary>
public sealed record TcpProfile
{
    /// <summary>Profile name as scenarios spell it: linux, rfc9293, bsd, windows.</summary>
    public required string Name { get; init; }

    /// <summary>How long TIME_WAIT lasts (2·MSL).</summary>
    public required TimeSpan TimeWait { get; init; }

    /// <summary>Lifetime of an orphaned FIN_WAIT_2 (the application closed); null = unlimited.</summary>
    public required TimeSpan? FinTimeout { get; init; }

    public required TimeSpan InitialRto { get; init; }
    public required TimeSpan MinRto { get; init; }
    public required TimeSpan MaxRto { get; init; }

    /// <summary>SYN retransmissions before connect() fails (Linux: turned into a time budget).</summary>
    public required int SynRetries { get; init; }

    /// <summary>Linux tcp_syn_linear_timeouts: the first N SYN retransmissions wait a flat RTO.</summary>
    public required int SynLinearTimeouts { get; init; }

    /// <summary>Hard cap on the time connect() may take, whatever the retries (BSD keepinit); null = none.</summary>
    public required TimeSpan? ConnectTimeout { get; init; }

    /// <summary>SYN-ACK retransmissions before a half-open connection is dropped.</summary>
    public required int SynAckRetries { get; init; }

    /// <summary>Retransmissions of data or FIN before the connection times out (Linux tcp_retries2).</summary>
    public required int DataRetries { get; init; }

    /// <summary>How long an ACK may be held back waiting for data or a FIN to ride on.</summary>
    public required TimeSpan DelayedAck { get; init; }

    /// <summary>Whether sockets use SO_KEEPALIVE (applications opt in; off unless a scenario says so).</summary>
    public bool KeepaliveEnabled { get; init; }
    public required TimeSpan KeepaliveIdle { get; init; }
    public required TimeSpan KeepaliveInterval { get; init; }
    public required int KeepaliveProbes { get; init; }

    /// <summary>RFC 1337 protection: a RST received in TIME_WAIT is ignored.</summary>
    public required bool Rfc1337 { get; init; }

    /// <summary>Linux tcp_tw_reuse: 0 off, 1 on, 2 loopback only.</summary>
    public required int TwReuse { get; init; }

    /// <summary>Host-wide limit on TIME_WAIT sockets; over it a new TIME_WAIT is dropped at once.</summary>
    public required int MaxTwBuckets { get; init; }

    public required ushort EphemeralPortMin { get; init; }
    public required ushort EphemeralPortMax { get; init; }

    /// <summary>SYN queue size (half-open connections) per listener.</summary>
    public required int SynBacklog { get; init; }

    /// <summary>Accept queue size (completed connections not yet accepted) per listener.</summary>
    public required int AcceptBacklog { get; init; }

    /// <summary>Answer SYNs with a SYN cookie when the SYN queue is full.</summary>
    public required bool Syncookies { get; init; }

    /// <summary>Linux tcp_abort_on_overflow: answer the final ACK with RST when the accept queue is full.</summary>
    public bool AbortOnOverflow { get; init; }

    /// <summary>
    /// ACK a FIN received in ESTABLISHED at once instead of after the delayed-ACK time. FreeBSD does
    /// (tcp_input.c: "since we received a FIN then no more input can be expected, send ACK now",
    /// TF_ACKNOW); Linux delays it (pingpong mode in tcp_fin()), which makes the three-segment close.
    /// </summary>
    public bool AckFinAtOnce { get; init; }

    /// <summary>Maximum segment size in bytes (Ethernet MTU 1500 minus 40 bytes of IPv4 and TCP headers).</summary>
    public int Mss { get; init; } = 1460;

    /// <summary>Receive window advertised, in bytes.</summary>
    public ushort ReceiveWindow { get; init; } = 65535;

    /// <summary>
    /// Linux tcp_orphan_retries: retransmissions of the FIN of a connection the application has
    /// already closed (FIN_WAIT_1, CLOSING, LAST_ACK). The sysctl default 0 means 8
    /// (tcp_orphan_retries() in net/ipv4/tcp_timer.c), i.e. about 102 s with a 200 ms base.
    /// Null: orphans use <see cref="DataRetries"/> like any other connection.
    /// </summary>
    public int? OrphanRetries { get; init; }

    /// <summary>
    /// Linux turns every retry count into a time budget: a connection gives up once the time since
    /// the first transmission reaches what the retries would take with plain doubling from the base
    /// RTO (<c>tcp_model_timeout()</c>/<c>retransmits_timed_out()</c>, net/ipv4/tcp_timer.c).
    /// When false, only the retry count ends a connection (RFC 9293 §3.8.3, R2 counted in retries).
    /// </summary>
    public bool RetriesAsTimeBudget { get; init; }

    /// <summary>Ephemeral ports in the range, inclusive.</summary>
    public int EphemeralPortCount => EphemeralPortMax - EphemeralPortMin + 1;

    /// <summary>
    /// Linux kernel 6.x. Sources: include/net/tcp.h (TCP_TIMEWAIT_LEN 60 s, TCP_TIMEOUT_INIT 1 s,
    /// TCP_RTO_MIN 200 ms, TCP_RTO_MAX 120 s, TCP_DELACK_MIN 40 ms) and
    /// Documentation/networking/ip-sysctl.rst (tcp_fin_timeout 60, tcp_syn_retries 6,
    /// tcp_syn_linear_timeouts 4, tcp_synack_retries 5, tcp_retries2 15, tcp_keepalive_time 7200,
    /// tcp_keepalive_intvl 75, tcp_keepalive_probes 9, tcp_rfc1337 0, tcp_tw_reuse 2,
    /// ip_local_port_range 32768 60999, tcp_syncookies 1, tcp_abort_on_overflow 0;
    /// tcp_max_tw_buckets and tcp_max_syn_backlog scale with memory: 131072 and 2048 here;
    /// net.core.somaxconn 4096 caps the accept backlog).
    /// </summary>
    public static TcpProfile Linux { get; } = new()
    {
        Name = "linux",
        TimeWait = TimeSpan.FromSeconds(60),
        FinTimeout = TimeSpan.FromSeconds(60),
        InitialRto = TimeSpan.FromSeconds(1),
        MinRto = TimeSpan.FromMilliseconds(200),
        MaxRto = TimeSpan.FromSeconds(120),
        SynRetries = 6,
        SynLinearTimeouts = 4,
        ConnectTimeout = null,
        SynAckRetries = 5,
        DataRetries = 15,
        DelayedAck = TimeSpan.FromMilliseconds(40),
        KeepaliveIdle = TimeSpan.FromSeconds(7200),
        KeepaliveInterval = TimeSpan.FromSeconds(75),
        KeepaliveProbes = 9,
        Rfc1337 = false,
        TwReuse = 2,
        MaxTwBuckets = 131072,
        EphemeralPortMin = 32768,
        EphemeralPortMax = 60999,
        SynBacklog = 2048,
        AcceptBacklog = 4096,
        Syncookies = true,
        OrphanRetries = 8,
        RetriesAsTimeBudget = true,
    };

    /// <summary>
    /// The RFCs as written. Sources: RFC 9293 §3.4.2 (MSL 2 minutes, so TIME_WAIT 240 s);
    /// RFC 6298 §2 (initial RTO 1 s, minimum 1 s, a maximum of at least 60 s); RFC 1122 §4.2.3.5
    /// (connect must keep trying for at least 3 minutes; R2 for data at least 100 s) and
    /// §4.2.3.2 (delayed ACK under 0.5 s; 200 ms is the classic BSD value) and §4.2.3.6
    /// (keepalive idle at least 2 hours). No orphan FIN_WAIT_2 limit exists in the RFC.
    /// </summary>
    public static TcpProfile Rfc9293 { get; } = new()
    {
        Name = "rfc9293",
        TimeWait = TimeSpan.FromSeconds(240),
        FinTimeout = null,
        InitialRto = TimeSpan.FromSeconds(1),
        MinRto = TimeSpan.FromSeconds(1),
        MaxRto = TimeSpan.FromSeconds(60),
        SynRetries = 7,
        SynLinearTimeouts = 0,
        ConnectTimeout = null,
        SynAckRetries = 5,
        DataRetries = 15,
        DelayedAck = TimeSpan.FromMilliseconds(200),
        KeepaliveIdle = TimeSpan.FromSeconds(7200),
        KeepaliveInterval = TimeSpan.FromSeconds(75),
        KeepaliveProbes = 10,
        Rfc1337 = false,
        TwReuse = 0,
        MaxTwBuckets = int.MaxValue,
        EphemeralPortMin = 49152,
        EphemeralPortMax = 65535,
        SynBacklog = 128,
        AcceptBacklog = 128,
        Syncookies = false,
    };

    /// <summary>
    /// FreeBSD. Sources: sys/netinet/tcp_timer.h (TCPTV_MSL 30 s so TIME_WAIT 60 s,
    /// TCPTV_KEEP_INIT 75 s, TCPTV_KEEP_IDLE 2 h, TCPTV_KEEPINTVL 75 s, TCPTV_KEEPCNT 8,
    /// TCPTV_MIN 30 ms, TCPTV_REXMTMAX 64 s, TCP_MAXRXTSHIFT 12, TCPTV_DELACK 100 ms);
    /// net.inet.tcp.finwait2_timeout 60 s; net.inet.ip.portrange.first/last 49152-65535;
    /// RFC 1337 behaviour is FreeBSD's default (a RST does not end TIME_WAIT early); a FIN is
    /// ACKed at once (tcp_input.c, TF_ACKNOW).
    /// SYN-ACK retries and backlogs are not documented here: as rfc9293.
    /// </summary>
    public static TcpProfile Bsd { get; } = Rfc9293 with
    {
        Name = "bsd",
        TimeWait = TimeSpan.FromSeconds(60),
        FinTimeout = TimeSpan.FromSeconds(60),
        MinRto = TimeSpan.FromMilliseconds(30),
        MaxRto = TimeSpan.FromSeconds(64),
        ConnectTimeout = TimeSpan.FromSeconds(75),
        DataRetries = 12,
        DelayedAck = TimeSpan.FromMilliseconds(100),
        KeepaliveProbes = 8,
        Rfc1337 = true,
        AckFinAtOnce = true,
    };

    /// <summary>
    /// Windows. Sources: Microsoft's TcpTimedWaitDelay documentation (default 120 s),
    /// KeepAliveTime 2 h and KeepAliveInterval 1 s, TcpMaxDataRetransmissions 5, and the
    /// dynamic port range 49152-65535. Other values are not documented: as rfc9293.
    /// </summary>
    public static TcpProfile Windows { get; } = Rfc9293 with
    {
        Name = "windows",
        TimeWait = TimeSpan.FromSeconds(120),
        DataRetries = 5,
        KeepaliveInterval = TimeSpan.FromSeconds(1),
        KeepaliveProbes = 10,
    };

    /// <summary>
    /// Every problem with this profile's knobs, named as scenarios spell them ("time_wait must be
    /// positive, got -1s"); empty when the profile is usable.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Positive(string knob, TimeSpan value)
        {
            if (value <= TimeSpan.Zero) problems.Add($"{knob} must be positive, got {value.TotalSeconds}s");
        }
        void PositiveOrNone(string knob, TimeSpan? value)
        {
            if (value is { } v && v <= TimeSpan.Zero) problems.Add($"{knob} must be positive or absent, got {v.TotalSeconds}s");
        }
        void AtLeast(string knob, long value, long min)
        {
            if (value < min) problems.Add($"{knob} must be at least {min}, got {value}");
        }

        if (string.IsNullOrWhiteSpace(Name)) problems.Add("name must not be empty");
        Positive("time_wait", TimeWait);
        PositiveOrNone("fin_timeout", FinTimeout);
        Positive("initial_rto", InitialRto);
        Positive("min_rto", MinRto);
        Positive("max_rto", MaxRto);
        if (MaxRto < MinRto) problems.Add($"max_rto ({MaxRto.TotalSeconds}s) must not be below min_rto ({MinRto.TotalSeconds}s)");
        if (InitialRto > MaxRto) problems.Add($"initial_rto ({InitialRto.TotalSeconds}s) must not exceed max_rto ({MaxRto.TotalSeconds}s)");
        // Retry counters are kept in a byte and shifted as powers of two (tcp_model_timeout).
        AtLeast("syn_retries", SynRetries, 1);
        if (SynRetries > 127) problems.Add($"syn_retries must be at most 127, got {SynRetries}");
        AtLeast("syn_linear_timeouts", SynLinearTimeouts, 0);
        if (SynRetries + SynLinearTimeouts > 255) problems.Add("syn_retries + syn_linear_timeouts must be at most 255");
        PositiveOrNone("connect_timeout", ConnectTimeout);
        AtLeast("synack_retries", SynAckRetries, 1);
        if (SynAckRetries > 255) problems.Add($"synack_retries must be at most 255, got {SynAckRetries}");
        AtLeast("data_retries", DataRetries, 1);
        if (DataRetries > 255) problems.Add($"data_retries must be at most 255, got {DataRetries}");
        if (OrphanRetries is { } orphan && (orphan < 1 || orphan > 255)) problems.Add($"orphan_retries must be between 1 and 255, got {orphan}");
        if (DelayedAck < TimeSpan.Zero) problems.Add($"delayed_ack must not be negative, got {DelayedAck.TotalSeconds}s");
        Positive("keepalive.idle", KeepaliveIdle);
        Positive("keepalive.interval", KeepaliveInterval);
        AtLeast("keepalive.probes", KeepaliveProbes, 1);
        if (KeepaliveProbes > 255) problems.Add($"keepalive.probes must be at most 255, got {KeepaliveProbes}");
        if (TwReuse is < 0 or > 2) problems.Add($"tw_reuse must be 0, 1 or 2, got {TwReuse}");
        AtLeast("max_tw_buckets", MaxTwBuckets, 0);
        if (EphemeralPortMin == 0) problems.Add("port_range must start at 1 or above (port 0 is not a port)");
        if (EphemeralPortMin > EphemeralPortMax) problems.Add($"port_range [{EphemeralPortMin}, {EphemeralPortMax}] is empty");
        AtLeast("syn_backlog", SynBacklog, 1);
        AtLeast("accept_backlog", AcceptBacklog, 1);
        // A segment's payload length is a ushort; 40 bytes of headers must still fit an IPv4 packet.
        if (Mss is < 1 or > 65495) problems.Add($"mss must be between 1 and 65495 bytes, got {Mss}");
        if (ReceiveWindow == 0) problems.Add("receive_window must be at least 1 byte");
        return problems;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> listing every bad knob; returns this profile otherwise,
    /// so a profile can be checked once where it is built: <c>profile.Validate()</c>.
    /// </summary>
    public TcpProfile Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"TCP profile '{Name}' is invalid: {string.Join("; ", problems)}.");
        }
        return this;
    }

    /// <summary>The built-in profiles by name.</summary>
    public static IReadOnlyList<TcpProfile> BuiltIn { get; } = [Linux, Rfc9293, Bsd, Windows];

    /// <summary>Looks a built-in profile up by its scenario name (case-insensitive).</summary>
    public static bool TryGet(string name, out TcpProfile profile)
    {
        foreach (var p in BuiltIn)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                profile = p;
                return true;
            }
        }
        profile = Linux;
        return false;
    }
}
