using System.Text.Json;

namespace TcpActors.Cli.Tests;

/// <summary><c>tcpactors packetdrill</c> run as a child process, the way CI runs our suite.</summary>
public sealed class PacketdrillCommandTests : IDisposable
{
    private static readonly string s_suite = Path.Combine(AppContext.BaseDirectory, "packetdrill");
    private readonly WorkDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Our_own_suite_passes_every_script_under_the_profiles_it_names()
    {
        var outcome = TcpActorsProcess.Run(_dir.Path, "packetdrill", s_suite);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        string summary = outcome.Stdout.TrimEnd().Split('\n')[^1];
        Assert.Matches(@"^\d+ passed, 0 failed, 0 unsupported$", summary);
        // At least one script per segment kind and state the model covers, and most run under two profiles.
        Assert.True(int.Parse(summary.Split(' ')[0]) >= 100, summary);
    }

    [Fact]
    public void A_wrong_expectation_fails_with_its_line_what_was_expected_and_what_the_model_sent()
    {
        string script = _dir.Write("wrong.pkt", """
            // profile: linux
             0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 bind(3, ..., ...) = 0
            +0 listen(3, 1) = 0
            +0.010 < S 0:0(0) win 65535
            +0 > S. 0:0(0) ack 2 <mss 1460>
            """);
        var outcome = TcpActorsProcess.Run(_dir.Path, "packetdrill", script);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("wrong.pkt:6: failed (linux): ack differ at 0.010 s: expected S. 0:0(0) ack 2 <mss 1460>, the model sent S. 0:0(0) ack 1 win 64240 <mss 1460>", outcome.Stdout);
        Assert.EndsWith("0 passed, 1 failed, 0 unsupported", outcome.Stdout.TrimEnd());
    }

    [Fact]
    public void A_script_using_sack_blocks_is_unsupported_never_passed_and_the_exit_code_stays_0()
    {
        string script = _dir.Write("sack.pkt", """
             0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 bind(3, ..., ...) = 0
            +0 listen(3, 1) = 0
            +0 < . 1:1(0) ack 1 win 257 <sack 5:10,nop,nop>
            """);
        var outcome = TcpActorsProcess.Run(_dir.Path, "packetdrill", "--json", script);
        Assert.Equal(0, outcome.ExitCode);
        using var json = JsonDocument.Parse(outcome.Stdout);
        Assert.Equal(0, json.RootElement.GetProperty("passed").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("unsupported").GetInt32());
        var result = json.RootElement.GetProperty("results")[0];
        Assert.Equal("unsupported", result.GetProperty("outcome").GetString());
        Assert.Equal(4, result.GetProperty("line").GetInt32());
        Assert.Contains("SACK", result.GetProperty("message").GetString());
    }

    [Fact]
    public void A_missing_file_or_an_unknown_profile_is_a_usage_error()
    {
        var missing = TcpActorsProcess.Run(_dir.Path, "packetdrill", "nope.pkt");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.pkt: no such file or folder", missing.Stderr);
        var profile = TcpActorsProcess.Run(_dir.Path, "packetdrill", "--profile", "solaris", s_suite);
        Assert.Equal(2, profile.ExitCode);
        Assert.Contains("unknown profile 'solaris'", profile.Stderr);
    }

    [Fact]
    public void Help_describes_the_command()
    {
        var outcome = TcpActorsProcess.Run(_dir.Path, "packetdrill", "--help");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("--profile", outcome.Stdout);
        Assert.Contains("--json", outcome.Stdout);
    }
}
