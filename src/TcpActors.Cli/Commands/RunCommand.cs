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
using TcpActors.Tcp.Headers;

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
            "Run a scenario (a file or a built-in name; default teardown-storm) in virtual time (or paced: --realtime, --dashboard unless --realtime false) and write its run " +
            "directory: report.json, timeseries.csv, report.html, log.json and, with --trace/--pcap, the trace and the capture. Exit 0 when every invariant holds, " +
            "1 when one is violated, 2 on bad input (a bad --out included), 74 when the run directory cannot be written (disk full), 130 when interrupted by Ctrl+C (the report is still written).");
        options.AddTo(command);
        command.SetAction(parse => Execute(parse, options));
        return command;
    }

    private static int Execute(ParseResult parse, RunOptions options)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var phases = PhaseTimings.FromEnvironment(error);
        var commandStarted = DateTime.UtcNow; // the root span's start (--otlp: RunTrace)

        if (ScenarioSource.Unknown(parse.GetValue(options.Scenario)) is { } unknown)
        {
            error.WriteLine($"tcpactors: {unknown}");
            return ExitCode.BadInput;
        }
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
        long machine = MemoryEstimate.MachineBytes();
        long? maxMemory = parse.GetValue(options.MaxMemory);
        if (MemoryEstimate.Of(scenario, oneShardOnly: shard is not null)
                .Refusal(scenario.Name, maxMemory ?? MemoryEstimate.DefaultLimit(machine), limitGiven: maxMemory is not null, machine) is { } tooBig)
            return MemoryEstimate.Refuse(error, tooBig);
        phases?.Mark("scenario loaded");
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
        // --realtime false is the explicit "virtual time", which only means something next to
        // --dashboard (that paces by default); asking for a pace at the same time is a contradiction.
        bool virtualTimeAsked = parse.GetResult(options.RealTime) is { Implicit: false } && !parse.GetValue(options.RealTime);
        if (virtualTimeAsked && parse.GetValue(options.TimeScale) is { } scaleAsked)
            return Usage(error, $"--realtime false and --time-scale {scaleAsked.ToString(System.Globalization.CultureInfo.InvariantCulture)} contradict each other: a time scale paces the run; drop one of them");
        bool realTime = !virtualTimeAsked && (dashboardOn || parse.GetValue(options.RealTime) || parse.GetValue(options.TimeScale) is not null);
        double timeScale = parse.GetValue(options.TimeScale) ?? 1;

        var latest = new LatestSnapshot();
        var loadedAt = DateTime.UtcNow;
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
                LiveControl = live,
                Started = commandStarted,
            }, next: latest);
        }
        catch (Exception e) when (e is MetricsEndpointException or TelemetrySettingsException)
        {
            return Usage(error, e.Message);
        }
        telemetry.Trace?.Phase("load scenario", commandStarted, loadedAt);
        telemetry.Trace?.Phase("start telemetry", loadedAt, DateTime.UtcNow);
        phases?.Mark("telemetry started");
        // The dashboard binds before anything is written too: its port in use is a usage error.
        DashboardServer? dashboard = null;
        if (dashboardOn)
        {
            try
            {
                dashboard = DashboardServer.Start(scenario, dashboardOptions with { TimeScale = realTime ? timeScale : null }, live, telemetry.Scrape, next: telemetry);
            }
            catch (DashboardException e)
            {
                telemetry.Dispose();
                return Usage(error, e.Message);
            }
        }
        phases?.Mark("dashboard started");

        // The run directory's place is tried now (its staging directory created), so a bad --out
        // is exit 2 before the run spends its time, not after.
        StagedRunDirectory directory;
        try
        {
            directory = StagedRunDirectory.For(parse.GetValue(options.Out), scenario.Name, shard?.Index, scenario.Run.Shards, DateTime.UtcNow);
            directory.Begin();
        }
        catch (RunDirectoryException e)
        {
            dashboard?.Dispose();
            telemetry.Dispose();
            error.WriteLine($"tcpactors: {e.Message}");
            return e.ExitCode;
        }
        telemetry.StartLog(Path.Combine(directory.StagingPath, RunLog.FileName), ReferenceEquals(error, Console.Error) ? null : error);

        var console = ConsoleFor(output);
        var mode = parse.GetValue(options.Quiet) ? LiveMode.Quiet
            : ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && console.Profile.Capabilities.Interactive ? LiveMode.Terminal
            : LiveMode.Lines;
        var heading = RunHeading.Of(scenario, shard?.Index, threads);

        using var interruption = new Interruption();
        if (telemetry.Endpoint is { } endpoint) output.WriteLine($"metrics: {endpoint.Url}");
        if (dashboard is not null) output.WriteLine($"dashboard: {dashboard.PageUrl}");
        TraceFile? trace = null;
        PcapWriter? pcap = null;
        TimeSeriesCsvWriter? csv = null;
        string? pcapPath = null;
        // report.html draws the ladders of the first traced couples whether or not --trace is given.
        var ladders = new LadderRecorder(maxCouples: Math.Min(parse.GetValue(options.TraceCouples), 10));
        Task exported = Task.CompletedTask;
        try
        {
            if (parse.GetValue(options.Trace) is { } traceOption) trace = TraceFile.Open(traceOption, directory);
            if (parse.GetValue(options.Pcap) is { } pcapOption)
            {
                // Like --trace: a relative FILE is staged with the run directory; either way the
                // writer renames its temporary file into place only when the run is over.
                if (!Path.IsPathRooted(pcapOption)) directory.Begin();
                pcapPath = Path.IsPathRooted(pcapOption) ? pcapOption : Path.Combine(directory.FinalPath, pcapOption);
                // SYNs carry the options and initial window of the profile's kernel (docs/tcp-model.md).
                pcap = PcapWriter.Create(Path.IsPathRooted(pcapOption) ? pcapOption : Path.Combine(directory.StagingPath, pcapOption),
                    KernelSynOptions.For(scenario.Tcp));
            }
            // timeseries.csv is written as the samples come (a long run holds no row it has written).
            directory.Begin();
            csv = TimeSeriesCsvWriter.Create(directory.StagingPath);
            var simulation = new SimulationOptions
            {
                TimeSeriesSink = csv,
                Threads = threads,
                ShardIndex = shard?.Index,
                TraceCouples = parse.GetValue(options.TraceCouples),
                Trace = TraceFanOut.Of(trace?.Writer, pcap, ladders),
                Observer = (IRunObserver?)dashboard ?? telemetry,
                RealTime = realTime,
                TimeScale = timeScale,
                LiveControl = live,
            };
            var simulateStarted = DateTime.UtcNow;
            var run = Task.Factory.StartNew(
                () =>
                {
                    var result = SimulationRunner.Run(scenario, simulation, interruption.Token);
                    phases?.ThisThread("run's thread");
                    return result;
                },
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            LiveView.Follow(run, latest, mode, heading, console, output);
            RunReport report = run.GetAwaiter().GetResult();
            phases?.Mark("simulation run");
            telemetry.Trace?.Phase(RunTrace.SimulatePhase, simulateStarted, DateTime.UtcNow);

            trace?.Complete();
            pcap?.Complete();
            dashboard?.OnCompleted(report);
            // The telemetry's end goes on in the background while the run directory is written:
            // the duration histograms (one recording per couple), the dashboard's final scrape
            // and the final OTLP export, in that order; neither the SDK nor the network may delay
            // the report (the export is awaited before the command returns). Only the log's end
            // comes first: log.json must be whole before the directory moves into place.
            telemetry.LogEnd(report);
            telemetry.CloseLog();
            // The trace is written when the telemetry ends, so that end waits for the run directory's phase to be recorded.
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            exported = Task.Run(() =>
            {
                try
                {
                    phases?.Mark("telemetry's end (background)");
                    telemetry.RecordDurations(report);
                    phases?.Mark("durations recorded (background)");
                    dashboard?.FreezeMetrics();
                    phases?.Mark("metrics frozen (background)");
                }
                finally
                {
                    if (telemetry.Trace is not null) written.Task.Wait();
                    telemetry.Dispose();
                    phases?.Mark("final export (background)");
                }
            });
            try
            {
                using (telemetry.Trace?.Begin("write run directory"))
                {
                    RunDirectory.Write(report, directory.StagingPath, csv);
                    HtmlReport.Write(report, ladders.Ladders, directory.StagingPath);
                    directory.Publish();
                }
            }
            finally
            {
                written.TrySetResult();
            }
            phases?.Mark("run directory written");
            phases?.Threads();

            console.Write(RunSummary.Render(report));
            if (RunSummary.StillOpen(report, scenario.Tcp) is { } stillOpen) output.WriteLine(stillOpen);
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
                AwaitTelemetryEnd(exported, error);
                return ExitCode.Interrupted;
            }
            if (dashboard is not null)
            {
                if (dashboard.Started.IsFaulted)
                {
                    // Bound but not started (rare: the port was checked before the run); the run itself is complete.
                    error.WriteLine($"tcpactors: the dashboard could not start: {dashboard.Started.Exception!.GetBaseException().Message}");
                }
                else
                {
                    // The words: the dashboard stays up after the end until Ctrl+C, so the
                    // finished run can still be looked at (the run directory is already complete).
                    output.WriteLine($"dashboard: still serving {dashboard.PageUrl}; Ctrl+C to stop");
                    interruption.Token.WaitHandle.WaitOne();
                }
                dashboard.Dispose();
            }
            AwaitTelemetryEnd(exported, error);
            phases?.Mark("final export done");
            return report.Invariants.Ok ? ExitCode.Success : ExitCode.InvariantViolated;
        }
        catch (Exception e) when (StagedRunDirectory.IsWriteFailure(e))
        {
            // A failed write (no space left, a destination gone read-only) is the user's to fix,
            // not a bug: one sentence, exit 74 (or 2), and the previous run directory untouched.
            var failure = directory.Failure(e);
            Abandon();
            AwaitTelemetryEnd(exported, error);
            error.WriteLine($"tcpactors: {failure.Message}");
            return failure.ExitCode;
        }
        catch
        {
            Abandon();
            throw;
        }

        void Abandon()
        {
            dashboard?.Dispose();
            // Disposing twice is harmless: the second call returns at once.
            telemetry.Dispose();
            try
            {
                trace?.Abandon();
                pcap?.Dispose();
                csv?.Dispose();
            }
            catch (Exception e) when (StagedRunDirectory.IsWriteFailure(e))
            {
                // Their files are in the staging directory (removed next) or beside their target.
            }
            directory.Abandon();
        }
    }

    /// <summary>
    /// Waits for the telemetry's end (histograms, final scrape, final OTLP export). The run
    /// directory is published by then, so a failure there is told, not turned into a lost run.
    /// </summary>
    private static void AwaitTelemetryEnd(Task exported, TextWriter error)
    {
        try
        {
            exported.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"tcpactors: the run directory is complete, but the telemetry's end failed: {e.GetBaseException().Message}");
        }
    }

    /// <summary>
    /// Where a run's wall time goes, phase by phase, on stderr when <c>TCPACTORS_TIMINGS=1</c>
    /// (docs/performance.md, "Telemetry"): the cost of telemetry is fixed set-up and tear-down
    /// around the simulation, which this makes visible without a profiler.
    /// </summary>
    private sealed class PhaseTimings(TextWriter error)
    {
        /// <summary>Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux).</summary>
        private const double UserHz = 100;

        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private TimeSpan _last;

        public static PhaseTimings? FromEnvironment(TextWriter error) =>
            Environment.GetEnvironmentVariable("TCPACTORS_TIMINGS") == "1" ? new PhaseTimings(error) : null;

        public void Mark(string phase)
        {
            lock (_gate) MarkNow(phase);
        }

        private void MarkNow(string phase)
        {
            TimeSpan now = _clock.Elapsed;
            var process = System.Diagnostics.Process.GetCurrentProcess();
            error.WriteLine($"timings: {phase,-24} +{(now - _last).TotalMilliseconds,7:0} ms  at {now.TotalMilliseconds,7:0} ms since the command started ({(DateTime.Now - process.StartTime).TotalMilliseconds:0} ms since the process did), cpu {process.TotalProcessorTime.TotalMilliseconds:0} ms");
            _last = now;
        }

        /// <summary>The calling thread's CPU time so far (Linux), before it ends: the run's own thread is gone by the time <see cref="Threads"/> looks.</summary>
        public void ThisThread(string what)
        {
            if (!File.Exists("/proc/thread-self/stat")) return;
            string stat = File.ReadAllText("/proc/thread-self/stat");
            lock (_gate) error.WriteLine($"timings: thread ({what}) cpu {CpuMilliseconds(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')),6:0} ms");
        }

        /// <summary>utime + stime (fields 14 and 15 of proc(5)), from the fields after the command name.</summary>
        private static double CpuMilliseconds(string[] fields) =>
            (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 1000 / UserHz;

        /// <summary>CPU time per thread so far (Linux: /proc/self/task), the busiest first: which of the SDK's, Kestrel's or the run's threads spent it.</summary>
        public void Threads()
        {
            if (!Directory.Exists("/proc/self/task")) return;
            var rows = new List<(string Name, double Ms, string Nice)>();
            foreach (string task in Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(task, "stat"));
                    int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
                    string[] fields = stat[(close + 2)..].Split(' ');
                    rows.Add((stat[(open + 1)..close], CpuMilliseconds(fields), fields[16])); // field 19 of proc(5): nice
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }
            rows.Sort((a, b) => b.Ms.CompareTo(a.Ms));
            foreach (var (name, ms, nice) in rows) if (ms > 0) error.WriteLine($"timings: thread {name,-16} cpu {ms,6:0} ms  nice {nice}");
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
