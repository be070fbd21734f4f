using System.Diagnostics;
using TcpActors.Tests;

namespace TcpActors.Observability.Tests;

/// <summary>What a finished child process left: its exit code and everything it printed.</summary>
internal sealed record ChildOutcome(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs a real program — tshark, or the built <c>tcpactors</c> copied next to the tests — to its
/// end, with a bounded wait so that a hung tool fails its test instead of hanging the run.
/// </summary>
internal static class ChildProcess
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Runs <c>tcpactors ARGS</c> (<c>dotnet tcpactors.dll</c>) in <paramref name="workingDirectory"/>.</summary>
    public static ChildOutcome TcpActors(string workingDirectory, params string[] args) =>
        Run("dotnet", workingDirectory, [Path.Combine(AppContext.BaseDirectory, "tcpactors.dll"), .. args]);

    /// <summary>Runs <c>tcpactors ARGS</c> with <paramref name="environment"/> added to the test's own.</summary>
    public static ChildOutcome TcpActors(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Run("dotnet", workingDirectory, [Path.Combine(AppContext.BaseDirectory, "tcpactors.dll"), .. args], environment);

    /// <summary>Runs <c>tshark ARGS</c> (the Debian package, installed by ./test.sh from .ci/apt-packages).</summary>
    public static ChildOutcome Tshark(params string[] args) => Run("tshark", Path.GetTempPath(), args);

    public static ChildOutcome Run(string program, string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(RequiredProgram.Find(program))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {Limit}");
        }
        process.WaitForExit();
        return new ChildOutcome(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
