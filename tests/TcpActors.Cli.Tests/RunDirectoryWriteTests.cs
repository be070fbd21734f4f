using System.Diagnostics;
using System.Text.Json;

namespace TcpActors.Cli.Tests;

/// <summary>
/// The run directory is written as a set (DESIGN.md §7): the new files replace the old ones
/// together or not at all, a failed write is one sentence and exit 74 (an I/O error) or 2 (a bad
/// destination), never a stack trace, and what killed runs left behind is cleaned up by the next.
/// </summary>
/// <remarks>
/// A full disk and a read-only folder are real: a small tmpfs mounted in a private mount namespace
/// (unshare(1)), which the kernel removes with the namespace's last process, so no test run can
/// leave it mounted. That needs root, as the tests and CI run.
/// </remarks>
public class RunDirectoryWriteTests
{
    private static readonly string s_dll = Path.Combine(AppContext.BaseDirectory, "tcpactors.dll");

    [Fact]
    public void A_full_disk_leaves_the_previous_run_directory_whole_and_exits_74_with_one_line()
    {
        using var dir = new WorkDirectory();
        Directory.CreateDirectory(dir["fs"]);

        // 1,000 couples fit; then the file system is filled up to 7 pages (28 KiB) — room for
        // report.json, timeseries.csv and log.json, not for report.html (≈ 44 KB).
        var script = InMountNamespace(dir, """
            mount -t tmpfs -o size=2m tcpactors-test fs
            tcpactors run teardown-storm --couples 1000 --duration 60s --quiet --out fs/r > first.out 2>&1 || echo "first run: exit $?" >&2
            cp -a fs/r before
            fallocate -l $(( $(df -B1 --output=avail fs | tail -1) - 28672 )) fs/filler
            set +e
            tcpactors run teardown-storm --couples 2000 --duration 60s --quiet --out fs/r > second.out 2> second.err
            echo $? > second.exit
            set -e
            cp -a fs/r after
            ls -A fs > listing
            """);

        Assert.True(script.ExitCode == 0, script.ToString());
        Assert.Equal("74", File.ReadAllText(dir["second.exit"]).Trim());
        string[] lines = File.ReadAllLines(dir["second.err"]);
        string stderr = string.Join('\n', lines);
        Assert.True(lines.Length == 1, stderr);
        Assert.StartsWith("tcpactors: cannot write the run directory fs/r: No space left on device", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("; fs/r still holds the previous run", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        // Every file of the previous run is there, byte for byte, and nothing of the new one.
        string[] before = Files(dir["before"]);
        Assert.Equal(["log.json", "report.html", "report.json", "timeseries.csv"], before);
        Assert.Equal(before, Files(dir["after"]));
        foreach (string file in before)
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir["before"], file)), File.ReadAllBytes(Path.Combine(dir["after"], file)));
        Assert.Equal(1000, Couples(dir["after"]));
        Assert.Equal(["filler", "r"], File.ReadAllLines(dir["listing"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_out_on_a_read_only_file_system_exits_2_with_one_line_before_the_run()
    {
        using var dir = new WorkDirectory();
        Directory.CreateDirectory(dir["ro"]);

        var script = InMountNamespace(dir, """
            mount -t tmpfs -o size=1m,ro tcpactors-test ro
            set +e
            tcpactors run teardown-storm --couples 1000 --quiet --out ro/r > run.out 2> run.err
            echo $? > run.exit
            """);

        Assert.True(script.ExitCode == 0, script.ToString());
        Assert.Equal("2", File.ReadAllText(dir["run.exit"]).Trim());
        string[] lines = File.ReadAllLines(dir["run.err"]);
        Assert.True(lines.Length == 1, string.Join('\n', lines));
        Assert.StartsWith("tcpactors: cannot write the run directory ro/r: Read-only file system", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("digest:", File.ReadAllText(dir["run.out"]), StringComparison.Ordinal);
    }

    [Fact]
    public void An_out_that_is_a_mount_point_is_refused_before_the_run_and_told_to_use_a_folder_inside()
    {
        using var dir = new WorkDirectory();
        Directory.CreateDirectory(dir["vol"]);

        var script = InMountNamespace(dir, """
            mount -t tmpfs -o size=1m tcpactors-test vol
            set +e
            tcpactors run teardown-storm --couples 1000 --quiet --out vol > run.out 2> run.err
            echo $? > run.exit
            ls -A vol > listing
            """);

        Assert.True(script.ExitCode == 0, script.ToString());
        Assert.Equal("2", File.ReadAllText(dir["run.exit"]).Trim());
        Assert.Equal("tcpactors: --out vol: is a mount point, and a run replaces its directory as a whole; name a folder inside it, such as --out vol/run\n", File.ReadAllText(dir["run.err"]));
        Assert.Equal("", File.ReadAllText(dir["listing"]));
        Assert.Equal(["listing", "run.err", "run.exit", "run.out", "vol"], Files(dir.Path));
    }

    [Fact]
    public void An_out_under_proc_exits_2_with_one_line_before_the_run()
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, "run", "teardown-storm", "--couples", "1000", "--quiet", "--out", "/proc/tcpactors-run");

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        string[] lines = outcome.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, outcome.ToString());
        Assert.StartsWith("tcpactors: cannot write the run directory /proc/tcpactors-run: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("digest:", outcome.Stdout, StringComparison.Ordinal);
        Assert.True(dir.IsEmpty);
    }

    [Fact]
    public void A_second_run_into_the_same_out_replaces_the_whole_set_including_files_only_the_first_wrote()
    {
        using var dir = new WorkDirectory();
        Ok(TcpActorsProcess.Run(dir.Path, [.. RunCommandTests.SmallStorm, "--out", "r", "--trace", "trace.jsonl"]));
        Assert.True(File.Exists(dir["r/trace.jsonl"]));

        Ok(TcpActorsProcess.Run(dir.Path, "run", "teardown-storm", "--couples", "30", "--duration", "100s", "--quiet", "--out", "r"));

        Assert.Equal(["log.json", "report.html", "report.json", "timeseries.csv"], Files(dir["r"]));
        Assert.Equal(30, Couples(dir["r"]));
        Assert.Equal(["r"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void An_out_directory_holding_files_that_are_not_a_run_is_refused_and_left_alone()
    {
        using var dir = new WorkDirectory();
        Directory.CreateDirectory(dir["notes"]);
        dir.Write("notes/plan.txt", "mine");

        var outcome = TcpActorsProcess.Run(dir.Path, [.. RunCommandTests.SmallStorm, "--out", "notes"]);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains("--out notes: the directory holds plan.txt, which is not a run's", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal(["plan.txt"], Files(dir["notes"]));
    }

    [Fact]
    public void A_dead_runs_partial_directory_is_removed_by_the_next_run_and_a_live_ones_is_kept()
    {
        using var dir = new WorkDirectory();
        int deadPid = DeadProcessId();
        string dead = dir[$".r.partial-{deadPid}"];
        // This test's own process is alive and started before the folder was made: a run in progress.
        string live = dir[$".r.partial-{Environment.ProcessId}"];
        Directory.CreateDirectory(dead);
        Directory.CreateDirectory(live);
        dir.Write($".r.partial-{deadPid}/report.json", "{}");
        dir.Write($".r.partial-{Environment.ProcessId}/report.json", "{}");

        Ok(TcpActorsProcess.Run(dir.Path, [.. RunCommandTests.SmallStorm, "--out", "r"]));

        Assert.False(Directory.Exists(dead), $"{dead} was left by a process that is gone");
        Assert.True(File.Exists(Path.Combine(live, "report.json")), $"{live} belongs to a live process");
        Assert.True(File.Exists(dir["r/report.json"]));
    }

    [Fact]
    public void In_the_default_out_folder_a_later_run_of_any_name_removes_a_dead_runs_partial_directory()
    {
        using var dir = new WorkDirectory();
        string dead = dir[$"out/.teardown-storm-20260101-000000.partial-{DeadProcessId()}"];
        Directory.CreateDirectory(dead);

        Ok(TcpActorsProcess.Run(dir.Path, RunCommandTests.SmallStorm));

        Assert.False(Directory.Exists(dead), $"{dead} was left by a process that is gone");
        Assert.Single(Directory.GetDirectories(dir["out"]));
    }

    /// <summary>The id of a process that has just ended (so, no longer alive).</summary>
    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        Assert.True(process.WaitForExit(TcpActorsProcess.Limit));
        return process.Id;
    }

    private static void Ok(ProcessOutcome outcome) => Assert.True(outcome.ExitCode == 0, outcome.ToString());

    private static string[] Files(string directory) =>
        [.. Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static int Couples(string runDirectory)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDirectory, "report.json")));
        return report.RootElement.GetProperty("couples").GetInt32();
    }

    /// <summary>
    /// Runs <paramref name="script"/> (sh, <c>-e</c>) in <paramref name="dir"/> inside a private
    /// mount namespace, with <c>tcpactors</c> defined as the built CLI.
    /// </summary>
    private static ProcessOutcome InMountNamespace(WorkDirectory dir, string script)
    {
        var start = new ProcessStartInfo("unshare")
        {
            WorkingDirectory = dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["--mount", "--propagation", "private", "sh", "-ec", $"tcpactors() {{ dotnet \"$TCPACTORS_DLL\" \"$@\"; }}\n{script}"])
            start.ArgumentList.Add(arg);
        start.Environment["TCPACTORS_DLL"] = s_dll;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TcpActorsProcess.Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the script did not finish within {TcpActorsProcess.Limit}");
        }
        process.WaitForExit();
        return new ProcessOutcome(process.ExitCode, stdout.Result, stderr.Result);
    }
}
