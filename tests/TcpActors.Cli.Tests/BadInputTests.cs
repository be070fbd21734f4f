namespace TcpActors.Cli.Tests;

/// <summary>
/// Bad input loses nothing: a usage error or a malformed scenario exits 2 with a message that names
/// the problem, before anything runs, and leaves the working directory exactly as it was.
/// </summary>
public class BadInputTests
{
    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["run", "--couples", "-3"], "--couples must be a whole number from 0 to 100000000; got '-3'" },
        { ["run", "--couples", "many"], "--couples must be a whole number from 0 to 100000000; got 'many'" },
        { ["run", "--shard", "3/2"], "--shard 3/2: shards are numbered from 0 to 1, so 3 is not one of them" },
        { ["run", "--shard", "1"], "--shard must be INDEX/COUNT with whole numbers, such as 0/4; got '1'" },
        { ["run", "--shards", "2", "--shard", "0/3"], "--shards 2 and --shard 0/3 disagree on the shard count" },
        { ["run", "--shards", "50"], "run.shards (50) exceeds the client hosts (40)" },
        { ["run", "--shards", "0"], "--shards must be a whole number from 1 to 4096; got '0'" },
        { ["run", "--threads", "0"], "--threads must be a whole number from 1 to 1024; got '0'" },
        { ["run", "--loss", "1.5"], "--loss must be a probability from 0 to 1 (or 0% to 100%); got '1.5'" },
        { ["run", "--delay", "10"], "--delay needs a unit: write '10s' or '10ms', not '10'" },
        { ["run", "--delay", "-5ms"], "--delay must not be negative; got '-5ms'" },
        { ["run", "--duration", "0s"], "--duration must be longer than 0s" },
        { ["run", "--duration", "soon"], "--duration must be a duration with a unit, such as 250ms, 10s or 2m; got 'soon'" },
        { ["run", "--duration", "99999999999999h"], "--duration is too long: at most 256204778h; got '99999999999999h'" },
        { ["run", "--duration", "10s", "lossy-handshake"], "with the command-line overrides:" },
        { ["run", "--profile", "linx"], "--profile must be one of linux, rfc9293, bsd, windows; got 'linx'" },
        { ["run", "--seed", "-1"], "--seed must be a whole number from 0 to 18446744073709551615; got '-1'" },
        { ["run", "--trace-couples", "-2"], "--trace-couples must be a whole number from 0 to 100000000; got '-2'" },
        { ["run", "--bogus"], "Unrecognized command or argument '--bogus'" },
        { ["run", "--couples"], "--couples" },
        { ["run", "a", "b"], "Unrecognized command or argument 'b'" },
        { ["run", "teardown-strom"], "tcpactors: no built-in scenario 'teardown-strom'; did you mean 'teardown-storm'?" },
        { ["run", "nosuch"], "tcpactors: no built-in scenario 'nosuch' (built-in: churn-time-wait, lossy-handshake, partition-and-heal, port-exhaustion, rst-storm, server-crash-keepalive, simultaneous-close, syn-flood-small-backlog, teardown-storm)\n" },
        { ["run", "missing.yaml"], "missing.yaml:1:1: no such file" },
        { ["run", "./missing"], "./missing:1:1: no such file" },
        { ["frobnicate"], "tcpactors: no command 'frobnicate'; the commands are run, validate, scenarios, merge, swarm, trace, packetdrill (tcpactors --help tells more)\n" },
        { [], "tcpactors: name a command: run, validate, scenarios, merge, swarm, trace, packetdrill (tcpactors --help tells more)\n" },
        { ["validate"], "Required argument missing for command: 'validate'" },
        { ["merge"], "Required argument missing for command: 'merge'" },
        { ["merge", "nowhere"], "nowhere: no such run directory" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void A_usage_error_exits_2_with_a_message_and_writes_nothing(string[] args, string message)
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, args);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains(message, outcome.Stderr, StringComparison.Ordinal);
        Assert.True(dir.IsEmpty, "a usage error must not create any file or directory");
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("run", "nosuch")]
    [InlineData("scenarios", "--show", "nosuch")]
    public void An_unknown_command_or_scenario_is_one_line_that_names_no_file_the_user_never_had(params string[] args)
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, args);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Single(outcome.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain(".yaml", outcome.Stderr, StringComparison.Ordinal);
        Assert.Empty(outcome.Stdout);
    }

    [Fact]
    public void A_metrics_port_already_in_use_exits_2_with_a_clear_message_and_writes_nothing()
    {
        using var dir = new WorkDirectory();
        // Hold a loopback port so that the run cannot serve /metrics on it.
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        int port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;

        var outcome = TcpActorsProcess.Run(dir.Path, "run", "--couples", "10", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains($"--metrics-port {port}: cannot listen on 127.0.0.1:{port}", outcome.Stderr, StringComparison.Ordinal);
        Assert.True(dir.IsEmpty, "a port in use must not leave a run directory behind");
    }

    [Theory]
    [MemberData(nameof(MalformedCorpus.Cases), MemberType = typeof(MalformedCorpus))]
    public void Running_a_malformed_scenario_exits_2_names_file_line_column_and_creates_no_run_directory(string file, int line, int column, string message)
    {
        using var dir = new WorkDirectory();
        string path = dir.Write(file, File.ReadAllText(Path.Combine(MalformedCorpus.Folder, file)));

        var outcome = TcpActorsProcess.Run(dir.Path, "run", path, "--quiet");

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.StartsWith($"{path}:{line}:{column}: {message}", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void An_out_path_that_is_a_file_is_refused_before_the_run()
    {
        using var dir = new WorkDirectory();
        string file = dir.Write("taken", "not a directory");

        var outcome = TcpActorsProcess.Run(dir.Path, [.. RunCommandTests.SmallStorm, "--out", file]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains($"--out {file}: is a file, not a directory", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal("not a directory", File.ReadAllText(file));
    }

    [Theory]
    [InlineData(new string[0], "run")]
    [InlineData(new[] { "run" }, "--trace-couples")]
    [InlineData(new[] { "validate" }, "FILE")]
    [InlineData(new[] { "scenarios" }, "--show")]
    [InlineData(new[] { "merge" }, "DIR")]
    public void Help_is_everywhere_and_exits_0(string[] command, string mentions)
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, [.. command, "--help"]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("Usage:", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains(mentions, outcome.Stdout, StringComparison.Ordinal);
        Assert.True(dir.IsEmpty);
    }

    [Fact]
    public void Run_help_lists_every_option_of_the_command_line_contract()
    {
        using var dir = new WorkDirectory();

        var help = TcpActorsProcess.Run(dir.Path, "run", "--help").Stdout;

        foreach (string option in (string[])["--couples", "--seed", "--profile", "--loss", "--delay", "--duration", "--shards", "--threads", "--shard", "--out", "--trace", "--trace-couples", "--pcap", "--otlp", "--metrics-port",
                     "--realtime", "--time-scale", "--dashboard", "--port", "--dashboard-host", "--dashboard-token", "--live-changes", "--quiet"])
            Assert.Contains(option + " ", help, StringComparison.Ordinal);
    }
}
