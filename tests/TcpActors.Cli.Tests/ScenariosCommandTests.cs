namespace TcpActors.Cli.Tests;

/// <summary><c>tcpactors scenarios</c>: the built-in catalogue with descriptions, and <c>--show NAME</c>.</summary>
public class ScenariosCommandTests
{
    /// <summary>The scenario names of a <c>tcpactors scenarios</c> listing (the first word of each entry line).</summary>
    public static List<string> NamesIn(string listing)
    {
        var names = new List<string>();
        foreach (string line in listing.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith("Run ", StringComparison.Ordinal)) continue;
            names.Add(line.Split(' ', 2)[0].Trim());
        }
        return names;
    }

    [Fact]
    public void The_listing_names_every_built_in_with_its_description()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, "scenarios");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var names = NamesIn(outcome.Stdout);
        Assert.Contains("teardown-storm", names);
        Assert.Contains("port-exhaustion", names);
        Assert.True(names.Count >= 5, outcome.Stdout);
        Assert.Contains(outcome.Stdout.Split('\n'), l => l.StartsWith("teardown-storm ", StringComparison.Ordinal) && l.Contains("TIME_WAIT", StringComparison.Ordinal));
        Assert.DoesNotContain("does not load", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_prints_the_yaml_of_a_built_in()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, "scenarios", "--show", "teardown-storm");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("name: teardown-storm", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("couples: 10000", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_of_an_unknown_name_suggests_the_nearest_and_exits_2()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, "scenarios", "--show", "teardown-strom");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("no built-in scenario 'teardown-strom'; did you mean 'teardown-storm'?", outcome.Stderr, StringComparison.Ordinal);
    }
}
