using System.CommandLine;
using Spectre.Console;
using TcpActors.Cli.Live;
using TcpActors.Cli.Output;
using TcpActors.Cli.Scenarios;
using TcpActors.Observability;
using TcpActors.Observability.Dashboard;
using TcpActors.Observability.Html;
using TcpActors.Observability.Ladder;
using TcpActors.Observability.Logging;
using TcpActors.Observability.Pcap;
using TcpActors.Observability.Prometheus;
using TcpActors.Observability.Tracing;
using TcpActors.Simulation;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Telemetry;
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
            "Run a scenario (a file or a built-in name; default teardown-storm) in virtual time (or paced: --realtime, --dashboard) and write its run " +
            "directory: report.json, timeseries.csv, report.html, log.json and, with --trace/--pcap, the trace and the capture. Exit 0 when every invariant holds, " +
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

        bool dashboardOn = parse.GetValue(options.Dashboard);
        if (!dashboardOn)
        {
            foreach (Option dashboardOnly in (Option[])[options.Port, options.DashboardHost, options.DashboardToken])
            {
                if (parse.GetResult(dashboardOnly) is { Implicit: false }) return Usage(error, $"{dashboardOnly.Name} needs --dashboard");
            }
        }
        var dashboardOptions = new DashboardOptions
        {
            Address = parse.GetValue(options.DashboardHost) ?? System.Net.IPAddress.Loopback,
            Port = parse.GetValue(options.Port) ?? DashboardOptions.DefaultPort,
            Token = parse.GetValue(options.DashboardToken),
        };
        if (dashboardOn && !System.Net.IPAddress.IsLoopback(dashboardOptions.Address) && string.IsNullOrEmpty(dashboardOptions.Token))
            return Usage(error, $"--dashboard-host {dashboardOptions.Address}: binding to anything but loopback needs --dashboard-token");
        LiveControl? live = dashboardOn ? new LiveControl() : null;
        if (parse.GetValue(options.LiveChanges) is { } replayFrom)
        {
            if (!LiveChangesFile.TryRead(replayFrom, out var changes, out string problem)) return Usage(error, $"--live-changes {replayFrom}: {problem}");
            live = LiveControl.Replay(changes);
        }
        bool realTime = dashboardOn || parse.GetValue(options.RealTime) || parse.GetValue(options.TimeScale) is not null;
        double timeScale = parse.GetValue(options.TimeScale) ?? 1;

        var latest = new LatestSnapshot();
        // Metrics first: a --metrics-port in use is a usage error, and nothing may be written then.
        RunTelemetry telemetry;
        try
        {
            telemetry = RunTelemetry.Start(scenario, new TelemetryOptions
            {
                Shard = TelemetryOptions.ShardAttributeFor(shard?.Index, scenario.Run.Shards),
                Otlp = parse.GetValue(options.Otlp),
                MetricsPort = parse.GetValue(options.MetricsPort),
                Scrape = dashboardOn,
                PeopleLog = false,
            }, next: latest);
        }
        catch (MetricsEndpointException e)
        {
            return Usage(error, e.Message);
        }
        // The dashboard binds before anything is written too: its port in use is a usage error.
        DashboardServer? dashboard = null;
        if (dashboardOn)
        {
            try
            {
                dashboard = DashboardServer.Start(scenario, dashboardOptions with { TimeScale = timeScale }, live, telemetry.Scrape, next: telemetry);
            }
            catch (DashboardException e)
            {
                telemetry.Dispose();
                return Usage(error, e.Message);
            }
        }

        StagedRunDirectory directory;
        try
        {
            directory = StagedRunDirectory.For(parse.GetValue(options.Out), scenario.Name, shard?.Index, scenario.Run.Shards, DateTime.UtcNow);
        }
        catch (IOException e)
        {
            dashboard?.Dispose();
            telemetry.Dispose();
            return Usage(error, e.Message);
        }
        telemetry.StartLog(Path.Combine(directory.StagingPath, RunLog.FileName), ReferenceEquals(error, Console.Error) ? null : error);

        var console = ConsoleFor(output);
        var mode = parse.GetValue(options.Quiet) ? LiveMode.Quiet
            : ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && console.Profile.Capabilities.Interactive ? LiveMode.Terminal
            : LiveMode.Lines;
        var heading = RunHeading.Of(scenario, shard?.Index, threads);

        using var interruption = new Interruption();
        if (telemetry.Endpoint is { } endpoint) output.WriteLine($"metrics: {endpoint.Url}");
        if (dashboard is not null) output.WriteLine($"dashboard: {dashboard.Url}");
        TraceFile? trace = null;
        PcapWriter? pcap = null;
        string? pcapPath = null;
        // report.html draws the ladders of the first traced couples whether or not --trace is given.
        var ladders = new LadderRecorder(maxCouples: Math.Min(parse.GetValue(options.TraceCouples), 10));
        try
        {
            if (parse.GetValue(options.Trace) is { } traceOption) trace = TraceFile.Open(traceOption, directory);
            if (parse.GetValue(options.Pcap) is { } pcapOption)
            {
                // Like --trace: a relative FILE is staged with the run directory; either way the
                // writer renames its temporary file into place only when the run is over.
                if (!Path.IsPathRooted(pcapOption)) directory.Begin();
                pcapPath = Path.IsPathRooted(pcapOption) ? pcapOption : Path.Combine(directory.FinalPath, pcapOption);
                pcap = PcapWriter.Create(Path.IsPathRooted(pcapOption) ? pcapOption : Path.Combine(directory.StagingPath, pcapOption));
            }
            var simulation = new SimulationOptions
            {
                Threads = threads,
                ShardIndex = shard?.Index,
                TraceCouples = parse.GetValue(options.TraceCouples),
                Trace = TraceFanOut.Of(trace?.Writer, pcap, ladders),
                Observer = (IRunObserver?)dashboard ?? telemetry,
                RealTime = realTime,
                TimeScale = timeScale,
                LiveControl = live,
            };
            var run = Task.Factory.StartNew(
                () => SimulationRunner.Run(scenario, simulation, interruption.Token),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            LiveView.Follow(run, latest, mode, heading, console, output);
            RunReport report = run.GetAwaiter().GetResult();

            trace?.Complete();
            pcap?.Complete();
            dashboard?.OnCompleted(report);
            telemetry.OnCompleted(report);
            dashboard?.FreezeMetrics();
            // Exports the last values over OTLP and closes log.json before the directory moves into place.
            telemetry.Dispose();
            RunDirectory.Write(report, directory.StagingPath);
            HtmlReport.Write(report, ladders.Ladders, directory.StagingPath);
            directory.Publish();

            console.Write(RunSummary.Render(report));
            output.WriteLine($"digest: {report.Digest}");
            if (trace is not null) output.WriteLine($"trace: {trace.FinalPath(directory)}");
            if (pcapPath is not null) output.WriteLine($"pcap: {pcapPath}");
            output.WriteLine($"run directory: {directory.FinalPath}");
            foreach (string violation in report.Invariants.Violations) error.WriteLine($"tcpactors: invariant violated: {violation}");
            if (!report.Invariants.Ok)
                error.WriteLine($"tcpactors: this is a simulator bug; replay it with: tcpactors run {parse.GetValue(options.Scenario) ?? ScenarioSource.DefaultBuiltIn} --seed {scenario.Seed}");
            if (report.Interrupted)
            {
                dashboard?.Dispose();
                return ExitCode.Interrupted;
            }
            if (dashboard is not null)
            {
                // The words: the dashboard stays up after the end until Ctrl+C, so the
                // finished run can still be looked at (the run directory is already complete).
                output.WriteLine($"dashboard: still serving {dashboard.Url}; Ctrl+C to stop");
                interruption.Token.WaitHandle.WaitOne();
                dashboard.Dispose();
            }
            return report.Invariants.Ok ? ExitCode.Success : ExitCode.InvariantViolated;
        }
        catch
        {
            dashboard?.Dispose();
            telemetry.Dispose();
            trace?.Abandon();
            pcap?.Dispose();
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
