using TcpActors.Tcp.Packetdrill;
using TcpActors.Tcp.Headers;

namespace TcpActors.Tcp.Tests.Packetdrill;

public sealed class PacketdrillParserTests
{
    private static ScriptEvent One(string line) => PacketdrillParser.ParseStatement(1, line);

    [Fact]
    public void Times_are_absolute_relative_ranges_or_blocking_ends()
    {
        Assert.Equal(new ScriptTime(ScriptTimeKind.Absolute, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), null),
            One("0.100 close(3) = 0").Time);
        Assert.Equal(new ScriptTime(ScriptTimeKind.Relative, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), null),
            One("+.01 close(3) = 0").Time);
        Assert.Equal(new ScriptTime(ScriptTimeKind.RelativeRange, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(15), null),
            One("+.01~+.015 > F. 1:1(0) ack 1").Time);
        Assert.Equal(new ScriptTime(ScriptTimeKind.AbsoluteRange, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), null),
            One("0.1~0.2 > . 1:1(0) ack 1").Time);
        Assert.Equal(new ScriptTime(ScriptTimeKind.Relative, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)),
            One("+.1...0.200 connect(3, ..., ...) = 0").Time);
        Assert.Equal(ScriptTimeKind.Any, One("* > . 1:1(0) ack 1").Time.Kind);
    }

    [Fact]
    public void A_segment_has_flags_a_relative_seq_range_ack_window_and_options()
    {
        var p = Assert.IsType<PacketEvent>(One("+0 < S. 0:0(0) ack 1 win 32768 <mss 1000,nop,wscale 6,nop,nop,sackOK>"));
        Assert.Equal(PacketDirection.Inbound, p.Direction);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, p.Flags);
        Assert.Equal((1u, 32768), (p.Ack!.Value, p.Window!.Value));
        Assert.Equal("mss 1000,nop,wscale 6,nop,nop,sackOK", TcpOption.Format(p.Options!));

        var data = Assert.IsType<PacketEvent>(One("+0 > P. 1:1001(1000) ack 1"));
        Assert.Equal((1u, 1001u, 1000), (data.Seq, data.SeqEnd, data.Length));
        Assert.Null(data.Window);
        Assert.Null(data.Options);
        Assert.True(Assert.IsType<PacketEvent>(One("+0 > S 0:0(0) <...>")).AnyOptions);
    }

    [Fact]
    public void A_seq_range_that_does_not_hold_its_length_is_not_understood()
    {
        var u = Assert.IsType<UnsupportedEvent>(One("+0 < . 1:1001(10) ack 1 win 257"));
        Assert.Contains("1:1001 does not hold 10 bytes", u.Reason);
    }

    [Fact]
    public void System_calls_carry_their_return_value_and_errno()
    {
        var c = Assert.IsType<SyscallEvent>(One("+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)"));
        Assert.Equal(("connect", -1L, "EINPROGRESS"), (c.Name, c.Result, c.Errno));
        Assert.Equal(["3", "...", "..."], c.Args);
        var f = Assert.IsType<SyscallEvent>(One("+0 fcntl(3, F_GETFL) = 0x802 (flags O_RDWR|O_NONBLOCK)"));
        Assert.Equal((0x802L, (string?)null), (f.Result, f.Errno));
        var linger = Assert.IsType<SyscallEvent>(One("+0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0"));
        Assert.Equal("{onoff=1, linger=0}", linger.Args[3]);
    }

    [Fact]
    public void Unmodelled_constructs_are_named_not_guessed()
    {
        Assert.Contains("SACK blocks", Assert.IsType<UnsupportedEvent>(One("+0 < . 1:1(0) ack 1 win 257 <sack 1:2,nop,nop>")).Reason);
        Assert.Contains("ECN", Assert.IsType<UnsupportedEvent>(One("+0 < SEW 0:0(0) win 32792")).Reason);
        Assert.Contains("Fast Open", Assert.IsType<UnsupportedEvent>(One("+0 < S 0:0(0) win 32792 <FO 1234>")).Reason);
        Assert.IsType<ShellEvent>(One("+0 `sysctl -q net.ipv4.tcp_rfc1337=1`"));
    }

    [Fact]
    public void Options_comments_and_the_profiles_header_are_read()
    {
        var script = PacketdrillParser.Parse("""
            // A story.
            // profiles: linux, bsd
            --tolerance_usecs=75000
            /* a block
               comment */
             0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3   // trailing
            """);
        Assert.Equal(["linux", "bsd"], script.Profiles);
        Assert.Equal("75000", script.Options["tolerance_usecs"]);
        var only = Assert.Single(script.Events);
        Assert.Equal(6, only.Line);
    }
}
