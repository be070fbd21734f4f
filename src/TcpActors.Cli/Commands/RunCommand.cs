using System.CommandLine;
using Spectre.Console;
using TcpActors.Cli.Live;
using TcpActors.Cli.Output;
using TcpActors.Cli.Scenarios;
using TcpActors.Simulation;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Tracing;

namespace TcpActors.Cli.Commands;

/// <summary>
/// <c>tcpactors run [SCENARIO]</c>: loads the scenario, applies the command-line overrides, runs it
/// on a worker thread while the CLI thread shows it, then writes the run directory and a summary.
/// Everything the user can get wrong is checked before the run starts, and nothing is written
/// unless it is complete.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var options = new RunOptions();
        var command = new Command("run",
            "Run a scenario (a file or a built-in name; default teardown-storm) in virtual time and write its run " +
            "directory: report.json, timeseries.csv and, with --trace, the trace. Exit 0 when every invariant holds, " +
            "1 when one is violated, 2 on bad input, 130 when interrupted by Ctrl+C (the report is still written).");
        options.AddTo(command);
        command.SetAction(parse => Execute(parse, options));
        return command;
    }

    private static int Execute(ParseResult parse, RunOptions options)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;

        var loaded = ScenarioSource.Load(parse.GetValue(options.Scenario));
        if (!loaded.Succeeded)
        {
            foreach (var e in loaded.Errors) error.WriteLine(e.ToString());
            return ExitCode.BadInput;
        }

        var overrides = options.OverridesFrom(parse);
        var shard = parse.GetValue(options.Shard);
        if (shard is { } selected)
        {
            if (overrides.Shards is { } n && n != selected.Count)
                return Usage(error, $"--shards {n} and --shard {selected} disagree on the shard count");
            overrides = overrides with { Shards = selected.Count };
        }
        var (scenario, problems) = overrides.ApplyTo(loaded.Scenario!);
        if (scenario is null)
        {
            foreach (string p in problems) error.WriteLine($"tcpactors: {loaded.Scenario!.Name} with the command-line overrides: {p}");
            return ExitCode.BadInput;
        }

        // Refused before anything is written: a run the machine cannot hold would be OOM-killed.
        if (MemoryEstimate.Refusal(scenario, oneShardOnly: shard is not null) is { } tooBig)
            return MemoryEstimate.Refuse(error, tooBig);
        int shardsHere = shard is null ? scenario.Run.Shards : 1;
        int threads = parse.GetValue(options.Threads) ?? Math.Max(1, Math.Min(shardsHere, Environment.ProcessorCount));

        StagedRunDirectory directory;
        try
        {
            directory = StagedRunDirectory.For(parse.GetValue(options.Out), scenario.Name, shard?.Index, scenario.Run.Shards, DateTime.UtcNow);
        }
        catch (IOException e)
        {
            return Usage(error, e.Message);
        }

        var console = ConsoleFor(output);
        var mode = parse.GetValue(options.Quiet) ? LiveMode.Quiet
            : ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && console.Profile.Capabilities.Interactive ? LiveMode.Terminal
            : LiveMode.Lines;
        var heading = RunHeading.Of(scenario, shard?.Index, threads);

        using var interruption = new Interruption();
        var latest = new LatestSnapshot();
        TraceFile? trace = null;
        try
        {
            if (parse.GetValue(options.Trace) is { } traceOption) trace = TraceFile.Open(traceOption, directory);
            var simulation = new SimulationOptions
            {
                Threads = threads,
                ShardIndex = shard?.Index,
                TraceCouples = parse.GetValue(options.TraceCouples),
                Trace = trace?.Writer,
                Observer = latest,
            };
            var run = Task.Factory.StartNew(
                () => SimulationRunner.Run(scenario, simulation, interruption.Token),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            LiveView.Follow(run, latest, mode, heading, console, output);
            RunReport report = run.GetAwaiter().GetResult();

            trace?.Complete();
            RunDirectory.Write(report, directory.StagingPath);
            directory.Publish();

            console.Write(RunSummary.Render(report));
            output.WriteLine($"digest: {report.Digest}");
            if (trace is not null) output.WriteLine($"trace: {trace.FinalPath(directory)}");
            output.WriteLine($"run directory: {directory.FinalPath}");
            foreach (string violation in report.Invariants.Violations) error.WriteLine($"tcpactors: invariant violated: {violation}");
            if (!report.Invariants.Ok)
                error.WriteLine($"tcpactors: this is a simulator bug; replay it with: tcpactors run {parse.GetValue(options.Scenario) ?? ScenarioSource.DefaultBuiltIn} --seed {scenario.Seed}");
            if (report.Interrupted) return ExitCode.Interrupted;
            return report.Invariants.Ok ? ExitCode.Success : ExitCode.InvariantViolated;
        }
        catch
        {
            trace?.Abandon();
            directory.Abandon();
            throw;
        }
    }

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine($"tcpactors: {message}");
        error.WriteLine("Run 'tcpactors run --help' for usage.");
        return ExitCode.BadInput;
    }

    /// <summary>A Spectre.Console console on <paramref name="output"/>; plain (no colours, wide) when it is not a terminal.</summary>
    internal static IAnsiConsole ConsoleFor(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        if (terminal) return AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        // Logs and pipes get plain text: no escape codes whatever TERM says, and lines wide
        // enough that a summary row is not wrapped.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        return console;
    }
}
