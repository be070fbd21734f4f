namespace TcpActors.Tcp.Headers;

/// <summary>Whose order a kernel writes its SYN options in.</summary>
public enum OptionLayout : byte
{
    /// <summary>RFC 9293 §3.7.1 as written: only MSS.</summary>
    Rfc,
    /// <summary>Linux tcp_options_write(): mss, (sackOK,TS | nop,nop,TS | nop,nop,sackOK), nop,wscale.</summary>
    Linux,
    /// <summary>FreeBSD tcp_addoptions(): mss, nop,wscale, sackOK, TS, padded with eol.</summary>
    Bsd,
    /// <summary>Windows 10/11: mss, nop,wscale, nop,nop,sackOK; no timestamps unless asked.</summary>
    Windows,
}

/// <summary>What the peer's SYN (or SYN-ACK) offered; an answer carries only what was offered (RFC 7323 §1.3, RFC 2018 §2).</summary>
public readonly record struct SynOffer(bool WindowScale, int WindowShift, bool SackPermitted, bool Timestamps)
{
    /// <summary>Everything offered: how a kernel fills its own SYN.</summary>
    public static SynOffer All => new(true, 0, true, true);
}

/// <summary>
/// The SYN and SYN-ACK as each profile's kernel writes them: options, their order and the initial
/// window. The endpoint's hot path never carries options (a <see cref="Segment"/> has none and the
/// model neither scales windows nor stamps segments); the edges that show segments to people
/// (the packetdrill runner, the pcap writer) dress SYNs with this table, so it costs nothing per
/// segment. Sources per profile on the factory properties.
/// </summary>
public sealed record KernelSynOptions
{
    public required OptionLayout Layout { get; init; }
    public required int Mss { get; init; }
    /// <summary>Our window scale shift when both sides offer the option; null = the option is never sent.</summary>
    public int? WindowShift { get; init; }
    public bool SackPermitted { get; init; }
    public bool Timestamps { get; init; }
    /// <summary>The window field of our SYN (never scaled, RFC 7323 §2.2).</summary>
    public required ushort SynWindow { get; init; }
    /// <summary>The window field of our SYN-ACK.</summary>
    public required ushort SynAckWindow { get; init; }
    /// <summary>The SYN-ACK window when timestamps were agreed (Linux: 45 segments of 1448 bytes).</summary>
    public ushort? SynAckWindowWithTimestamps { get; init; }

    /// <summary>
    /// The table for a profile, by its name (overridden knobs keep the name): linux, bsd and windows as
    /// their kernels write; any other name (rfc9293) sends only MSS, as RFC 9293 §3.7.1 requires.
    /// </summary>
    public static KernelSynOptions For(TcpProfile profile) => profile.Name.ToLowerInvariant() switch
    {
        "linux" => Linux(profile),
        "bsd" => Bsd(profile),
        "windows" => Windows(profile),
        _ => new KernelSynOptions
        {
            Layout = OptionLayout.Rfc, Mss = profile.Mss, SynWindow = profile.ReceiveWindow, SynAckWindow = profile.ReceiveWindow,
        },
    };

    /// <summary>
    /// Linux 6.x: tcp_timestamps 1, tcp_sack 1, tcp_window_scaling 1; tcp_rmem max 6 MB gives
    /// shift 7 (tcp_select_initial_window); the SYN offers 64240 = 44 × 1460, the SYN-ACK 65160 =
    /// 45 × 1448 with timestamps (12 bytes less per segment), 64240 without.
    /// </summary>
    private static KernelSynOptions Linux(TcpProfile p) => new()
    {
        Layout = OptionLayout.Linux, Mss = p.Mss, WindowShift = 7, SackPermitted = true, Timestamps = true,
        SynWindow = 64240, SynAckWindow = 64240, SynAckWindowWithTimestamps = 65160,
    };

    /// <summary>
    /// FreeBSD 13/14: net.inet.tcp.rfc1323 1 (window scale and timestamps), sack.enable 1;
    /// kern.ipc.maxsockbuf 2 MB gives shift 6; recvspace 64 KB, so the SYN offers 65535.
    /// </summary>
    private static KernelSynOptions Bsd(TcpProfile p) => new()
    {
        Layout = OptionLayout.Bsd, Mss = p.Mss, WindowShift = 6, SackPermitted = true, Timestamps = true,
        SynWindow = 65535, SynAckWindow = 65535,
    };

    /// <summary>
    /// Windows 10/11: Tcp1323Opts lets window scaling on and timestamps off; autotuning "normal" gives
    /// shift 8; SYN window 64240.
    /// </summary>
    private static KernelSynOptions Windows(TcpProfile p) => new()
    {
        Layout = OptionLayout.Windows, Mss = p.Mss, WindowShift = 8, SackPermitted = true, Timestamps = false,
        SynWindow = 64240, SynAckWindow = 64240,
    };

    /// <summary>Options of our SYN. <paramref name="tsVal"/> is the timestamp clock's value.</summary>
    public IReadOnlyList<TcpOption> Syn(uint tsVal) => Build(SynOffer.All, tsVal, 0);

    /// <summary>Options of our SYN-ACK answering a SYN that offered <paramref name="peer"/>.</summary>
    public IReadOnlyList<TcpOption> SynAck(SynOffer peer, uint tsVal, uint tsEcr) => Build(peer, tsVal, tsEcr);

    /// <summary>Whether timestamps are in use once both SYNs are seen.</summary>
    public bool AgreesTimestamps(SynOffer peer) => Timestamps && peer.Timestamps;

    /// <summary>Our shift when both sides offered window scaling; null when windows are not scaled.</summary>
    public int? AgreedShift(SynOffer peer) => WindowShift is { } s && peer.WindowScale ? s : null;

    /// <summary>The window field of our SYN-ACK for a SYN that offered <paramref name="peer"/>.</summary>
    public ushort SynAckWindowFor(SynOffer peer) =>
        AgreesTimestamps(peer) && SynAckWindowWithTimestamps is { } w ? w : SynAckWindow;

    private List<TcpOption> Build(SynOffer peer, uint tsVal, uint tsEcr)
    {
        bool ws = WindowShift is not null && peer.WindowScale;
        bool sack = SackPermitted && peer.SackPermitted;
        bool ts = Timestamps && peer.Timestamps;
        var o = new List<TcpOption>(10) { new(TcpOptionKind.Mss, (uint)Mss) };
        var nop = new TcpOption(TcpOptionKind.Nop);
        var stamp = new TcpOption(TcpOptionKind.Timestamp, tsVal, tsEcr);
        switch (Layout)
        {
            case OptionLayout.Linux:
                if (ts && sack) { o.Add(new(TcpOptionKind.SackPermitted)); o.Add(stamp); }
                else if (ts) { o.Add(nop); o.Add(nop); o.Add(stamp); }
                else if (sack) { o.Add(nop); o.Add(nop); o.Add(new(TcpOptionKind.SackPermitted)); }
                if (ws) { o.Add(nop); o.Add(new(TcpOptionKind.WindowScale, (uint)WindowShift!.Value)); }
                break;
            case OptionLayout.Bsd:
                if (ws) { o.Add(nop); o.Add(new(TcpOptionKind.WindowScale, (uint)WindowShift!.Value)); }
                if (sack) o.Add(new(TcpOptionKind.SackPermitted));
                if (ts)
                {
                    // Keep the 10-byte timestamp option on an even offset, as the SYN written above shows.
                    if (LengthOf(o) % 2 != 0) o.Add(nop);
                    o.Add(stamp);
                }
                while (LengthOf(o) % 4 != 0) o.Add(new(TcpOptionKind.Eol));
                break;
            case OptionLayout.Windows:
                if (ws) { o.Add(nop); o.Add(new(TcpOptionKind.WindowScale, (uint)WindowShift!.Value)); }
                if (sack) { o.Add(nop); o.Add(nop); o.Add(new(TcpOptionKind.SackPermitted)); }
                if (ts) { o.Add(nop); o.Add(nop); o.Add(stamp); }
                break;
        }
        return o;
    }

    private static int LengthOf(List<TcpOption> options)
    {
        int length = 0;
        foreach (var o in options) length += o.Length;
        return length;
    }
}
