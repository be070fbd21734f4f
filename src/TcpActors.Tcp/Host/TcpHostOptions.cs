namespace TcpActors.Tcp.Host;

/// <summary>
/// The knobs a <see cref="TcpHost"/> needs, taken from a <see cref="TcpProfile"/> by
/// <see cref="FromProfile"/> and overridable one by one with <c>with { ... }</c>.
/// <see cref="Validate"/> (called by the host's constructor) rejects impossible values with an
/// <see cref="ArgumentException"/> that names the knob.
/// </summary>
public sealed record TcpHostOptions
{
    /// <summary>Lowest ephemeral port connect() may pick (Linux ip_local_port_range, first number).</summary>
    public required ushort EphemeralPortMin { get; init; }

    /// <summary>Highest ephemeral port connect() may pick, inclusive (ip_local_port_range, second number).</summary>
    public required ushort EphemeralPortMax { get; init; }

    /// <summary>Linux tcp_tw_reuse: 0 off, 1 on, 2 only when either address is loopback (127.0.0.0/8).</summary>
    public int TwReuse { get; init; }

    /// <summary>
    /// How old a TIME_WAIT must be before tw_reuse may take its tuple over. Linux requires the
    /// last timestamp seen to be more than 1 s old (tcp_twsk_unique(); tcp_tw_reuse_delay,
    /// 1000 ms by default since 6.13).
    /// </summary>
    public TimeSpan TwReuseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Host-wide limit on TIME_WAIT sockets (Linux tcp_max_tw_buckets).</summary>
    public int MaxTwBuckets { get; init; } = int.MaxValue;

    /// <summary>SYN queue capacity of every listener (half-open connections).</summary>
    public required int SynBacklog { get; init; }

    /// <summary>System cap on a listener's accept queue (Linux net.core.somaxconn).</summary>
    public required int AcceptBacklog { get; init; }

    /// <summary>Answer SYNs with a SYN cookie when the SYN queue is full (Linux tcp_syncookies 1).</summary>
    public bool Syncookies { get; init; }

    /// <summary>Reset instead of dropping the final ACK when the accept queue is full (tcp_abort_on_overflow).</summary>
    public bool AbortOnOverflow { get; init; }

    /// <summary>
    /// Per-host secret mixed into the ephemeral port hash, the simulator's stand-in for the
    /// kernel's boot-time random key: two hosts with different secrets pick different ports for
    /// the same destination, while one seed always gives the same ports.
    /// </summary>
    public ulong PortSecret { get; init; }

    /// <summary>Ephemeral ports in the range, inclusive.</summary>
    public int EphemeralPortCount => EphemeralPortMax - EphemeralPortMin + 1;

    /// <summary>The host knobs of a profile (DESIGN.md §4.2).</summary>
    public static TcpHostOptions FromProfile(TcpProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new TcpHostOptions
        {
            EphemeralPortMin = profile.EphemeralPortMin,
            EphemeralPortMax = profile.EphemeralPortMax,
            TwReuse = profile.TwReuse,
            MaxTwBuckets = profile.MaxTwBuckets,
            SynBacklog = profile.SynBacklog,
            AcceptBacklog = profile.AcceptBacklog,
            Syncookies = profile.Syncookies,
            AbortOnOverflow = profile.AbortOnOverflow,
        };
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first knob that cannot be right.</summary>
    public void Validate()
    {
        if (EphemeralPortMin == 0 || EphemeralPortMax == 0)
        {
            throw new ArgumentException(
                $"ephemeral port range {EphemeralPortMin}-{EphemeralPortMax} includes port 0, which no connection can use",
                nameof(EphemeralPortMin));
        }
        if (EphemeralPortMin > EphemeralPortMax)
        {
            throw new ArgumentException(
                $"ephemeral port range {EphemeralPortMin}-{EphemeralPortMax} is empty: the first port is above the last",
                nameof(EphemeralPortMin));
        }
        if (TwReuse is < 0 or > 2)
        {
            throw new ArgumentException($"tw_reuse is {TwReuse}; it must be 0 (off), 1 (on) or 2 (loopback only)", nameof(TwReuse));
        }
        if (TwReuseDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"tw_reuse delay is {TwReuseDelay}; it cannot be negative", nameof(TwReuseDelay));
        }
        if (MaxTwBuckets < 0)
        {
            throw new ArgumentException($"max_tw_buckets is {MaxTwBuckets}; it cannot be negative", nameof(MaxTwBuckets));
        }
        if (SynBacklog < 0)
        {
            throw new ArgumentException($"syn backlog is {SynBacklog}; it cannot be negative", nameof(SynBacklog));
        }
        if (AcceptBacklog < 0)
        {
            throw new ArgumentException($"accept backlog is {AcceptBacklog}; it cannot be negative", nameof(AcceptBacklog));
        }
    }
}
