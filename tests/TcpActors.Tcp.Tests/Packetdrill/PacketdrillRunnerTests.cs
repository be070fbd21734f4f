using TcpActors.Tcp.Packetdrill;

namespace TcpActors.Tcp.Tests.Packetdrill;

public sealed class PacketdrillRunnerTests
{
    private const string Listen = """
         0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
        +0 bind(3, ..., ...) = 0
        +0 listen(3, 1) = 0
        +0.010 < S 0:0(0) win 65535
        +0 > S. 0:0(0) ack 1 <mss 1460>
        +0.010 < . 1:1(0) ack 1 win 65535
        +0 accept(3, ..., ...) = 4

        """;

    private static PacketdrillResult Run(string text, TcpProfile? profile = null) =>
        PacketdrillRunner.Run(PacketdrillParser.Parse(text, "t.pkt"), profile ?? TcpProfile.Linux);

    [Fact]
    public void A_delayed_ack_expected_too_early_fails_naming_the_line_and_when_nothing_came()
    {
        var r = Run(Listen + "+0.010 < P. 1:101(100) ack 1 win 65535\n+0 > . 1:1(0) ack 101\n");
        Assert.Equal(PacketdrillOutcome.Failed, r.Outcome);
        Assert.Equal(9, r.Line);
        Assert.Equal("expected . 1:1(0) ack 101 at 0.030 s; the model sent nothing by 0.034 s", r.Message);
    }

    [Fact]
    public void The_same_ack_expected_40ms_later_passes_on_linux_and_fails_on_bsd_whose_delay_is_100ms()
    {
        string script = Listen + "+0.010 < P. 1:101(100) ack 1 win 65535\n+0.040 > . 1:1(0) ack 101\n";
        Assert.Equal(PacketdrillOutcome.Passed, Run(script).Outcome);
        var bsd = Run(script, TcpProfile.Bsd);
        Assert.Equal(PacketdrillOutcome.Failed, bsd.Outcome);
        Assert.Contains("the model sent nothing by 0.074 s", bsd.Message);
    }

    [Fact]
    public void A_wrong_errno_fails_with_both_values()
    {
        var r = Run(Listen + "+0.010 < R. 1:1(0) ack 1 win 0\n+0 read(4, ..., 100) = -1 EAGAIN (Resource temporarily unavailable)\n");
        Assert.Equal(PacketdrillOutcome.Failed, r.Outcome);
        Assert.Equal("read() at 0.030 s: expected -1 EAGAIN, the model returned -1 ECONNRESET", r.Message);
    }

    [Fact]
    public void Timestamps_agreed_by_both_syns_make_the_script_unsupported_not_passed()
    {
        var r = Run("""
             0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 bind(3, ..., ...) = 0
            +0 listen(3, 1) = 0
            +0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>
            +0 > S. 0:0(0) ack 1 <...>
            """);
        Assert.Equal(PacketdrillOutcome.Unsupported, r.Outcome);
        Assert.Equal(4, r.Line);
    }

    [Fact]
    public void Ipv6_an_unknown_sysctl_and_epoll_are_unsupported()
    {
        Assert.Equal(PacketdrillOutcome.Unsupported, Run("--ip_version=ipv6\n 0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n").Outcome);
        Assert.Equal(PacketdrillOutcome.Unsupported, Run(" 0 `sysctl -q net.ipv4.tcp_congestion_control=reno`\n").Outcome);
        var epoll = Run(" 0 epoll_create(1) = 3\n");
        Assert.Equal((PacketdrillOutcome.Unsupported, "system call epoll_create()"), (epoll.Outcome, epoll.Message));
    }
}
