using TcpActors.Cli.Tests.Deploy;

namespace TcpActors.Cli.Tests.Setup;

/// <summary>
/// <c>.ci/run</c> runs the README's test command exactly as written and ends with "N passed, N
/// failed" summed from dotnet test's own lines. Driven on copies of the real README and .ci/run,
/// with a stand-in <c>test.sh</c> that prints what dotnet test would.
/// </summary>
// Shell scripts with the execute bit: the set-up is for Debian machines (README, "Set up").
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CiRunTests
{
    private static ProcessOutcome RunCi(WorkDirectory dir, string testScript)
    {
        Directory.CreateDirectory(dir[".ci"]);
        File.Copy(RepositoryFiles.PathOf(".ci/run"), dir[".ci/run"]);
        File.Copy(RepositoryFiles.PathOf("README.md"), dir["README.md"]);
        string script = dir.Write("test.sh", "#!/bin/sh\necho \"test.sh $*\"\n" + testScript + "\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return ToolProcess.Run("/bin/bash", [".ci/run"], dir.Path);
    }

    [Fact]
    public void The_readme_test_command_is_the_set_up_script_and_ci_runs_it_as_written()
    {
        using var dir = new WorkDirectory();

        var outcome = RunCi(dir, """
            echo 'Passed!  - Failed:     0, Passed:    40, Skipped:     0, Total:    40, Duration: 1 s - A.Tests.dll (net10.0)'
            echo 'Passed!  - Failed:     0, Passed:     2, Skipped:     0, Total:     2, Duration: 1 s - B.Tests.dll (net10.0)'
            """);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("running: ./test.sh\n", outcome.Stdout);
        Assert.Equal("42 passed, 0 failed", outcome.Stdout.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void A_failing_assembly_is_summed_into_the_last_line_and_fails_ci()
    {
        using var dir = new WorkDirectory();

        var outcome = RunCi(dir, """
            echo 'Passed!  - Failed:     0, Passed:    40, Skipped:     0, Total:    40, Duration: 1 s - A.Tests.dll (net10.0)'
            echo 'Failed!  - Failed:     3, Passed:     9, Skipped:     0, Total:    12, Duration: 1 s - B.Tests.dll (net10.0)'
            exit 1
            """);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("49 passed, 3 failed", outcome.Stdout.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void A_set_up_that_fails_before_any_test_runs_fails_ci()
    {
        using var dir = new WorkDirectory();

        var outcome = RunCi(dir, "echo 'test.sh: could not install tshark with apt-get' >&2; exit 1");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("0 passed, 1 failed", outcome.Stdout.TrimEnd().Split('\n')[^1]);
    }
}
