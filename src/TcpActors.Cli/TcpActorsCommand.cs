using System.CommandLine;
using TcpActors.Cli.Commands;

namespace TcpActors.Cli;

/// <summary>
/// The <c>tcpactors</c> command line (DESIGN.md §8): <c>run</c>, <c>validate</c>, <c>scenarios</c>,
/// <c>merge</c>, <c>swarm</c>, <c>trace</c> and <c>packetdrill</c>, <c>--help</c> everywhere. Parse errors are usage errors and exit with
/// <see cref="ExitCode.BadInput"/> — System.CommandLine's own default would be 1, which this
/// command reserves for invariant violations.
/// </summary>
internal static class TcpActorsCommand
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "TcpActors simulates very many concurrent TCP connections: every endpoint is an actor with its own " +
            "TCP state machine, an unreliable network carries the segments, and exact per-state counts are kept.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(ScenariosCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(SwarmCommand.Create());
        root.Subcommands.Add(TraceCommand.Create());
        root.Subcommands.Add(PacketdrillCommand.Create());
        return root;
    }

    /// <summary>Parses <paramref name="args"/>, runs the chosen command and returns its exit code.</summary>
    public static int Invoke(string[] args, TextWriter output, TextWriter error)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0 && parse.CommandResult.Command is RootCommand root)
        {
            // At the top level only the command can be wrong; System.CommandLine would report both
            // "Required command was not provided" and the unknown word: say it once, with the choices.
            string commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
            string? word = parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null;
            error.WriteLine(word is null ? $"tcpactors: name a command: {commands} (tcpactors --help tells more)"
                : word.StartsWith('-') ? $"tcpactors: no option '{word}'; name a command: {commands} (tcpactors --help tells more)"
                : $"tcpactors: no command '{word}'; the commands are {commands} (tcpactors --help tells more)");
            return ExitCode.BadInput;
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"tcpactors: {e.Message}");
            error.WriteLine($"Run 'tcpactors {parse.CommandResult.Command.Name} --help' for usage.");
            return ExitCode.BadInput;
        }
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // `run` handles SIGINT itself: it must finish writing an interrupted report, however
            // long that takes, instead of being cut off after a fixed grace period.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return parse.Invoke(configuration);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"tcpactors: internal error (a bug, please report it): {e}");
            return ExitCode.InternalError;
        }
    }
}
