using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace TcpActors.Cli.Tests;

/// <summary>What one finished <c>tcpactors</c> process left: its exit code and everything it printed.</summary>
public sealed record ProcessOutcome(int ExitCode, string Stdout, string Stderr)
{
    /// <inheritdoc/>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Starts the built <c>tcpactors</c> (copied next to the tests by the project reference) as a real
/// child process in a working directory of the test's own. Every wait is bounded: a hung command
/// fails its test instead of hanging the run.
/// </summary>
public sealed class TcpActorsProcess : IDisposable
{
    /// <summary>The longest any single command may take before its test fails.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static readonly string s_dll = Path.Combine(AppContext.BaseDirectory, "tcpactors.dll");

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _stdoutLines = [];
    private readonly SemaphoreSlim _newLine = new(0);

    private TcpActorsProcess(string workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(s_dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
                _stdoutLines.Add(e.Data);
            }
            _newLine.Release();
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <c>tcpactors ARGS</c> in <paramref name="workingDirectory"/> and returns at once.</summary>
    public static TcpActorsProcess Start(string workingDirectory, params string[] args) => new(workingDirectory, args);

    /// <summary>Runs <c>tcpactors ARGS</c> in <paramref name="workingDirectory"/> to its end.</summary>
    public static ProcessOutcome Run(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        return process.WaitForExit();
    }

    /// <summary>Waits (bounded by <see cref="Limit"/>) until a line of standard output satisfies <paramref name="match"/>.</summary>
    public string WaitForLine(Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow + Limit;
        int seen = 0;
        while (true)
        {
            lock (_stdout)
            {
                for (; seen < _stdoutLines.Count; seen++)
                {
                    if (match(_stdoutLines[seen])) return _stdoutLines[seen];
                }
            }
            var left = deadline - DateTime.UtcNow;
            if (_process.HasExited && !_newLine.Wait(0))
                throw new InvalidOperationException($"tcpactors exited before printing the line awaited:\n{Snapshot()}");
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"tcpactors printed no such line within {Limit}:\n{Snapshot()}");
            _newLine.Wait(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does (kill(2)).</summary>
    public void Interrupt()
    {
        if (kill(_process.Id, SigInt) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits (bounded by <see cref="Limit"/>) for the process to end; kills it and fails when it does not.</summary>
    public ProcessOutcome WaitForExit()
    {
        if (!_process.WaitForExit(Limit))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"tcpactors did not finish within {Limit}:\n{Snapshot()}");
        }
        _process.WaitForExit(); // drains the redirected streams
        return Snapshot() with { ExitCode = _process.ExitCode };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        _newLine.Dispose();
    }

    private ProcessOutcome Snapshot()
    {
        lock (_stdout)
        lock (_stderr)
            return new ProcessOutcome(-1, _stdout.ToString(), _stderr.ToString());
    }

    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
