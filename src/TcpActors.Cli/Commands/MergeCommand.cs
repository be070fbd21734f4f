using System.CommandLine;
using TcpActors.Cli.Output;
using TcpActors.Simulation.Reporting;

namespace TcpActors.Cli.Commands;

/// <summary>
/// <c>tcpactors merge DIR... [--out DIR]</c>: sums the run directories of <c>--shard i/N</c>
/// processes into one report, as if one process had run all of them (DESIGN.md §3: a plain sum of
/// counts and time series; the digest equals the in-process run's).
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var dirs = new Argument<string[]>("DIR") { Description = "Run directories of shards of one run", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "The merged run directory; default out/<scenario>-merged-<timestamp>/", HelpName = "DIR" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the run directory" };
        var command = new Command("merge", "Sum the run directories of 'run --shard i/N' processes into one report");
        command.Arguments.Add(dirs);
        command.Options.Add(output);
        command.Options.Add(quiet);
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var reports = new List<RunReport>();
            foreach (string dir in parse.GetValue(dirs)!)
            {
                if (!Directory.Exists(dir))
                {
                    error.WriteLine($"tcpactors: {dir}: no such run directory");
                    return ExitCode.BadInput;
                }
                try
                {
                    reports.Add(RunDirectory.Read(dir));
                }
                catch (InvalidDataException e)
                {
                    error.WriteLine($"tcpactors: {e.Message}");
                    return ExitCode.BadInput;
                }
            }

            RunReport merged;
            try
            {
                merged = ReportMerger.Merge(reports);
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"tcpactors: cannot merge: {e.Message.Split(" (Parameter", 2)[0]}");
                return ExitCode.BadInput;
            }

            StagedRunDirectory target;
            try
            {
                target = StagedRunDirectory.For(parse.GetValue(output), merged.Scenario + "-merged", null, merged.Shards, DateTime.UtcNow);
            }
            catch (IOException e)
            {
                error.WriteLine($"tcpactors: {e.Message}");
                return ExitCode.BadInput;
            }
            try
            {
                target.Begin();
                RunDirectory.Write(merged, target.StagingPath);
                target.Publish();
            }
            catch (Exception e) when (StagedRunDirectory.IsWriteFailure(e))
            {
                var failure = target.Failure(e);
                target.Abandon();
                error.WriteLine($"tcpactors: {failure.Message}");
                return failure.ExitCode;
            }

            if (!parse.GetValue(quiet))
            {
                RunCommand.ConsoleFor(stdout).Write(RunSummary.Render(merged));
                if (RunSummary.StillOpen(merged) is { } stillOpen) stdout.WriteLine(stillOpen);
            }
            stdout.WriteLine($"digest: {merged.Digest}");
            stdout.WriteLine($"run directory: {target.FinalPath}");
            if (merged.ShardIndexes.Count != merged.Shards)
                error.WriteLine($"tcpactors: warning: merged {merged.ShardIndexes.Count} of {merged.Shards} shards; the report covers only those");
            foreach (string violation in merged.Invariants.Violations) error.WriteLine($"tcpactors: invariant violated: {violation}");
            if (merged.Interrupted) return ExitCode.Interrupted;
            return merged.Invariants.Ok ? ExitCode.Success : ExitCode.InvariantViolated;
        });
        return command;
    }
}
