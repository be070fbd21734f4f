using System.Text.Json;

namespace TcpActors.Observability.Tests.Ladder;

/// <summary><c>tcpactors trace --couple N</c> end to end, on the run directory of a real <c>tcpactors run --trace</c>.</summary>
public class TraceCommandTests
{
    private static readonly string[] SmallRun =
        ["run", "teardown-storm", "--couples", "20", "--duration", "90s", "--quiet", "--trace", "trace.jsonl", "--trace-couples", "3", "--pcap", "storm.pcap"];

    private static ChildOutcome Ok(ChildOutcome outcome)
    {
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        return outcome;
    }

    [Fact]
    public void The_ladder_printed_for_couple_0_has_one_line_per_trace_event_in_order_with_its_time_flags_seq_and_ack()
    {
        using var folder = new TemporaryFolder();
        Ok(ChildProcess.TcpActors(folder.Path, [.. SmallRun, "--out", "run"]));

        var printed = Ok(ChildProcess.TcpActors(folder.Path, "trace", "--couple", "0", "run"));

        string[] lines = printed.Stdout.Split('\n');
        Assert.Equal($"trace: {Path.Combine("run", "trace.jsonl")}", lines[0]);
        Assert.StartsWith("couple 0: ", lines[1], StringComparison.Ordinal);
        var body = lines[4..^1];
        var events = File.ReadAllLines(folder["run/trace.jsonl"])
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("couple").GetInt32() == 0)
            .ToList();
        Assert.Equal(events.Count, body.Length);
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            string line = body[i];
            Assert.StartsWith(e.GetProperty("t").GetRawText() + " ", line, StringComparison.Ordinal);
            switch (e.GetProperty("event").GetString())
            {
                case "segment":
                    string label = $"{e.GetProperty("flags").GetString()} seq={e.GetProperty("seq").GetUInt32()} ack={e.GetProperty("ack").GetUInt32()}";
                    Assert.Contains(label, line, StringComparison.Ordinal);
                    bool right = e.GetProperty("dir").GetString() == "client_to_server";
                    Assert.Contains(right ? "|--- " : "|<", line, StringComparison.Ordinal);
                    break;
                case "state":
                    string to = e.GetProperty("to").GetString()!;
                    // The client's states left of the arrows, the server's right of them.
                    if (e.GetProperty("side").GetString() == "client") Assert.Matches($@"^\S+\s+{to}\s+\|", line);
                    else Assert.EndsWith($"| {to}", line, StringComparison.Ordinal);
                    break;
                default:
                    Assert.Contains($"outcome {e.GetProperty("outcome").GetString()}", line, StringComparison.Ordinal);
                    break;
            }
        }
        Assert.Contains(body, l => l.Contains("TIME_WAIT", StringComparison.Ordinal));
        Assert.True(File.Exists(folder["run/report.html"]), "run writes report.html");
        Assert.True(File.Exists(folder["run/storm.pcap"]), "run writes the pcap into the run directory");
    }

    [Fact]
    public void Given_the_trace_file_itself_and_another_couple_it_draws_that_couple()
    {
        using var folder = new TemporaryFolder();
        Ok(ChildProcess.TcpActors(folder.Path, [.. SmallRun, "--out", "run"]));

        var printed = Ok(ChildProcess.TcpActors(folder.Path, "trace", "-c", "2", folder["run/trace.jsonl"]));

        Assert.Contains("\ncouple 2: ", printed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_couple_that_was_not_traced_is_a_usage_error_that_says_which_couples_were()
    {
        using var folder = new TemporaryFolder();
        Ok(ChildProcess.TcpActors(folder.Path, [.. SmallRun, "--out", "run"]));

        var outcome = ChildProcess.TcpActors(folder.Path, "trace", "--couple", "7", "run");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("couple 7 is not in the trace; it holds couples 0-2", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_directory_without_a_trace_is_a_usage_error()
    {
        using var folder = new TemporaryFolder();
        Ok(ChildProcess.TcpActors(folder.Path, "run", "teardown-storm", "--couples", "5", "--duration", "30s", "--quiet", "--out", "run"));

        var outcome = ChildProcess.TcpActors(folder.Path, "trace", "run");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("no trace in this directory", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_path_trace_reads_the_newest_run_under_out()
    {
        using var folder = new TemporaryFolder();
        var run = ChildProcess.TcpActors(folder.Path, "run", "teardown-storm", "--couples", "4", "--duration", "30s", "--quiet",
            "--trace", "trace.jsonl", "--trace-couples", "2");
        Assert.True(run.ExitCode == 0, run.ToString());

        var printed = ChildProcess.TcpActors(folder.Path, "trace", "--couple", "1");

        Assert.True(printed.ExitCode == 0, printed.ToString());
        Assert.Matches(@"^trace: out/teardown-storm-\d{8}-\d{6}/trace\.jsonl\n", printed.Stdout);
        Assert.Contains("\ncouple 1: ", printed.Stdout, StringComparison.Ordinal);
    }
}
