namespace TcpActors.Cli.Tests;

/// <summary>Ctrl+C (SIGINT) during a run stops it and still leaves a complete report, marked interrupted.</summary>
public class InterruptTests
{
    [Fact]
    public void Sigint_during_a_long_run_leaves_a_complete_report_marked_interrupted_and_exits_130()
    {
        using var dir = new WorkDirectory();
        // Steady churn for ten virtual hours: minutes of work, far longer than the test waits.
        using var process = TcpActorsProcess.Start(dir.Path,
            "run", "churn-time-wait", "--couples", "5000000", "--duration", "36000s", "--out", dir["run"]);

        process.WaitForLine(line => line.StartsWith('[') && line.Contains(" t=", StringComparison.Ordinal));
        Assert.False(Directory.Exists(dir["run"]), "the run directory appears only when it is complete");
        process.Interrupt();
        var outcome = process.WaitForExit();

        Assert.True(outcome.ExitCode == 130, outcome.ToString());
        var run = RunReportFile.Read(dir["run"]);
        Assert.True(run.Report.GetProperty("interrupted").GetBoolean());
        double simulated = run.Report.GetProperty("virtual_seconds").GetDouble();
        Assert.True(simulated > 0 && simulated < 36000, $"virtual_seconds {simulated}");
        Assert.Equal(64, run.Digest.Replace("sha256:", "", StringComparison.Ordinal).Length);
        Assert.True(run.TimeSeries.Length >= 2, "the samples taken before Ctrl+C are kept");
        Assert.Contains("run directory:", outcome.Stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path, ".*partial*"));
    }
}
