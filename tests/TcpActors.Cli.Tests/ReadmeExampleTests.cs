using System.Diagnostics;
using TcpActors.Cli.Tests.Deploy;

namespace TcpActors.Cli.Tests;

/// <summary>The README's examples do what its text says, run as written (with a free port).</summary>
public sealed class ReadmeExampleTests
{
    /// <summary>The README line that runs a scenario with <c>--metrics-port 9464</c>, as arguments after <c>tcpactors</c>.</summary>
    private static string[] MetricsExample()
    {
        string line = Assert.Single(RepositoryFiles.Read("README.md").Split('\n'),
            l => l.StartsWith("tcpactors run ", StringComparison.Ordinal) && l.Contains("--metrics-port 9464", StringComparison.Ordinal));
        return line.Split('#')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
    }

    [Fact]
    public async Task The_metrics_port_example_still_serves_metrics_ten_seconds_after_it_starts_so_a_person_can_scrape_it()
    {
        using var dir = new WorkDirectory();
        string[] args = [.. MetricsExample().Select(a => a == "9464" ? "0" : a), "--quiet", "--out", dir["run"]];
        using var process = TcpActorsProcess.Start(dir.Path, args);
        string url = process.WaitForLine(l => l.StartsWith("metrics: http", StringComparison.Ordinal))["metrics: ".Length..].Trim();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // Paced to the wall clock, the run (and its endpoint) outlasts a person switching terminals;
        // in virtual time it would be over within a second or two. Scrape until 10 s have passed.
        var since = Stopwatch.StartNew();
        string scrape = "";
        while (since.Elapsed < TimeSpan.FromSeconds(10))
        {
            scrape = await http.GetStringAsync(url);
            await Task.Delay(500);
        }
        scrape = await http.GetStringAsync(url);

        Assert.Contains("tcpactors_connections{", scrape, StringComparison.Ordinal);
        Assert.Contains("time_wait", scrape, StringComparison.Ordinal);
        process.Interrupt();
        var outcome = process.WaitForExit();
        Assert.True(outcome.ExitCode == 130, outcome.ToString());
    }
}
