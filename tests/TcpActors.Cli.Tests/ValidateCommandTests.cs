namespace TcpActors.Cli.Tests;

/// <summary><c>tcpactors validate FILE</c>: "ok" and exit 0, or every error as file:line:col and exit 2.</summary>
public class ValidateCommandTests
{
    [Fact]
    public void A_valid_scenario_file_prints_ok_and_exits_0()
    {
        using var dir = new WorkDirectory();
        string file = dir.Write("small.yaml", "name: small\nworkload: { couples: 3 }\nrun: { duration: 10s }\n");

        var outcome = TcpActorsProcess.Run(dir.Path, "validate", file);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Equal("ok", outcome.Stdout.Trim());
        Assert.Equal("", outcome.Stderr);
    }

    [Theory]
    [MemberData(nameof(MalformedCorpus.Cases), MemberType = typeof(MalformedCorpus))]
    public void A_malformed_scenario_is_reported_as_file_line_column_message_with_exit_2(string file, int line, int column, string message)
    {
        string path = Path.Combine(MalformedCorpus.Folder, file);

        var outcome = TcpActorsProcess.Run(MalformedCorpus.Folder, "validate", path);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Equal("", outcome.Stdout);
        string first = outcome.Stderr.Split('\n')[0];
        Assert.StartsWith($"{path}:{line}:{column}: {message}", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_of_a_file_is_listed_not_only_the_first()
    {
        using var dir = new WorkDirectory();
        string file = dir.Write("two.yaml", "name: x\nworkload:\n  couples: -3\nnetwork: { loss: 2 }\n");

        var outcome = TcpActorsProcess.Run(dir.Path, "validate", file);

        Assert.Equal(2, outcome.ExitCode);
        string[] lines = outcome.Stderr.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{file}:3:12: workload.couples must be a whole number", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{file}:4:18: network.loss must be a probability", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_bad_input_named_by_its_path()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, "validate", "nowhere.yaml");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("nowhere.yaml:1:1: no such file", outcome.Stderr.Trim());
    }

    [Fact]
    public void Every_built_in_scenario_file_validates()
    {
        using var dir = new WorkDirectory();
        var list = TcpActorsProcess.Run(dir.Path, "scenarios");
        foreach (string name in ScenariosCommandTests.NamesIn(list.Stdout))
        {
            var show = TcpActorsProcess.Run(dir.Path, "scenarios", "--show", name);
            string file = dir.Write(name + ".yaml", show.Stdout);

            var outcome = TcpActorsProcess.Run(dir.Path, "validate", file);

            Assert.True(outcome.ExitCode == 0, $"{name}: {outcome}");
        }
    }
}
