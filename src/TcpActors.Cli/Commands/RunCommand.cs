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
internal static partial class RunCommand
{
    public static Command Create()
    {
        var options = new RunOptions();
        var command = new Command("run",
            "Run a scenario (a file or a built-in name; default teardown-storm) in virtual time (or paced: --realtime, --dashboard unless --realtime false) and write its run " +
            "directory: report.json, timeseries.csv, report.html, log.json and, with --trace/--pcap, the trace and the capture. Exit 0 when every invariant holds, " +
            "1 when one is violated, 2 on bad input (a bad --out included), 74 when the run directory cannot be written (disk full), 130 when interrupted by Ctrl+C (the report is still written).");
        options.AddTo(command);
        command.SetAction(parse => new Invocation(parse, options).Execute());
        return command;
    }

    /// <summary>
    /// One <c>tcpactors run</c>, step by step. Each step before the run returns null to go on, or
    /// the exit code to end with once it has said why on stderr (and undone what the steps before
    /// it started). The fields are what the steps find out and start, in their order.
    /// </summary>
    private sealed class Invocation(ParseResult parse, RunOptions options)
    {
        private readonly TextWriter _output = parse.InvocationConfiguration.Output;
        private readonly TextWriter _error = parse.InvocationConfiguration.Error;
        private readonly PhaseTimings? _phases = PhaseTimings.FromEnvironment(parse.InvocationConfiguration.Error);
        private readonly DateTime _commandStarted = DateTime.UtcNow; // the root span's start (--otlp: RunTrace)
        private readonly LatestSnapshot _latest = new();
        // report.html draws the ladders of the first traced couples whether or not --trace is given.
        private readonly LadderRecorder _ladders = new(maxCouples: Math.Min(parse.GetValue(options.TraceCouples), 10));

        private Scenario _scenario = null!; // as loaded, then with the command-line overrides
        private ShardSelection? _shard;
        private bool _dashboardOn;
        private DashboardOptions _dashboardOptions = null!;
        private LiveControl? _live;
        private bool _realTime;
        private double _timeScale;

        private RunTelemetry _telemetry = null!;
        private DashboardServer? _dashboard;
        private StagedRunDirectory _directory = null!;
        private TraceFile? _trace;
        private PcapWriter? _pcap;
        private string? _pcapPath;
        private TimeSeriesCsvWriter? _csv;
        private Task _exported = Task.CompletedTask;

        public int Execute()
        {
            if (LoadScenario() is { } badScenario) return badScenario;
            if (ApplyOverrides() is { } badOverrides) return badOverrides;
            if (CheckMemory() is { } tooBig) return tooBig;
            _phases?.Mark("scenario loaded");
            if (ReadLiveSettings() is { } badLiveSettings) return badLiveSettings;
            if (ReadPace() is { } badPace) return badPace;
            if (StartTelemetry() is { } telemetryRefused) return telemetryRefused;
            if (StartDashboard() is { } dashboardRefused) return dashboardRefused;
            if (PrepareRunDirectory() is { } badOut) return badOut;

            var console = ConsoleFor(_output);
            using var interruption = new Interruption();
            ShowWhereToWatch();
            try
            {
                OpenRunOutputs();
                var report = Simulate(console, interruption.Token);
                CompleteOutputs(report);
                WriteRunDirectory(report);
                PrintSummary(report, console);
                if (report.Interrupted) return EndInterrupted();
                KeepDashboardServing(interruption.Token);
                AwaitTelemetryEnd();
                _phases?.Mark("final export done");
                return report.Invariants.Ok ? ExitCode.Success : ExitCode.InvariantViolated;
            }
            catch (Exception e) when (StagedRunDirectory.IsWriteFailure(e))
            {
                return EndWithWriteFailure(e);
            }
            catch
            {
                Abandon();
                throw;
            }
        }

        // ---- before the run: what the user can get wrong, refused before anything is written ----

        private int? LoadScenario()
        {
            if (ScenarioSource.Unknown(parse.GetValue(options.Scenario)) is { } unknown)
            {
                _error.WriteLine($"tcpactors: {unknown}");
                return ExitCode.BadInput;
            }
            var loaded = ScenarioSource.Load(parse.GetValue(options.Scenario));
            if (!loaded.Succeeded)
            {
                foreach (var e in loaded.Errors) _error.WriteLine(e.ToString());
                return ExitCode.BadInput;
            }
            _scenario = loaded.Scenario!;
            return null;
        }

        /// <summary>--couples, --seed, --shards and the rest over the scenario; --shard i/N sets the shard count.</summary>
        private int? ApplyOverrides()
        {
            var overrides = options.OverridesFrom(parse);
            _shard = parse.GetValue(options.Shard);
            if (_shard is { } selected)
            {
                if (overrides.Shards is { } n && n != selected.Count)
                    return Usage(_error, $"--shards {n} and --shard {selected} disagree on the shard count");
                overrides = overrides with { Shards = selected.Count };
            }
            var (scenario, problems) = overrides.ApplyTo(_scenario);
            if (scenario is null)
            {
                foreach (string p in problems) _error.WriteLine($"tcpactors: {_scenario.Name} with the command-line overrides: {p}");
                return ExitCode.BadInput;
            }
            _scenario = scenario;
            return null;
        }

        /// <summary>Refused before anything is written: a run the machine cannot hold would be OOM-killed.</summary>
        private int? CheckMemory()
        {
            long machine = MemoryEstimate.MachineBytes();
            long? maxMemory = parse.GetValue(options.MaxMemory);
            if (MemoryEstimate.Of(_scenario, oneShardOnly: _shard is not null)
                    .Refusal(_scenario.Name, maxMemory ?? MemoryEstimate.DefaultLimit(machine), limitGiven: maxMemory is not null, machine) is { } tooBig)
                return MemoryEstimate.Refuse(_error, tooBig);
            return null;
        }

        /// <summary>
        /// --dashboard and the options that only mean something with it, and the live control
        /// that changes the run while it goes: the dashboard's, or the changes --live-changes replays.
        /// </summary>
        private int? ReadLiveSettings()
        {
            _dashboardOn = parse.GetValue(options.Dashboard);
            if (!_dashboardOn)
            {
                foreach (Option dashboardOnly in (Option[])[options.Port, options.DashboardHost, options.DashboardToken])
                {
                    if (parse.GetResult(dashboardOnly) is { Implicit: false }) return Usage(_error, $"{dashboardOnly.Name} needs --dashboard");
                }
            }
            _dashboardOptions = new DashboardOptions
            {
                Address = parse.GetValue(options.DashboardHost) ?? System.Net.IPAddress.Loopback,
                Port = parse.GetValue(options.Port) ?? DashboardOptions.DefaultPort,
                Token = parse.GetValue(options.DashboardToken),
            };
            if (_dashboardOn && !System.Net.IPAddress.IsLoopback(_dashboardOptions.Address) && string.IsNullOrEmpty(_dashboardOptions.Token))
                return Usage(_error, $"--dashboard-host {_dashboardOptions.Address}: binding to anything but loopback needs --dashboard-token");
            _live = _dashboardOn ? new LiveControl() : null;
            if (parse.GetValue(options.LiveChanges) is { } replayFrom)
            {
                if (!LiveChangesFile.TryRead(replayFrom, out var changes, out string problem)) return Usage(_error, $"--live-changes {replayFrom}: {problem}");
                _live = LiveControl.Replay(changes);
            }
            return null;
        }

        /// <summary>Virtual time, or paced against the wall clock (--realtime, --time-scale, --dashboard).</summary>
        private int? ReadPace()
        {
            // --realtime false is the explicit "virtual time", which only means something next to
            // --dashboard (that paces by default); asking for a pace at the same time is a contradiction.
            bool virtualTimeAsked = parse.GetResult(options.RealTime) is { Implicit: false } && !parse.GetValue(options.RealTime);
            if (virtualTimeAsked && parse.GetValue(options.TimeScale) is { } scaleAsked)
                return Usage(_error, $"--realtime false and --time-scale {scaleAsked.ToString(System.Globalization.CultureInfo.InvariantCulture)} contradict each other: a time scale paces the run; drop one of them");
            _realTime = !virtualTimeAsked && (_dashboardOn || parse.GetValue(options.RealTime) || parse.GetValue(options.TimeScale) is not null);
            _timeScale = parse.GetValue(options.TimeScale) ?? 1;
            return null;
        }

        /// <summary>--threads, or one a shard this process runs, up to the machine's cores.</summary>
        private int Threads
        {
            get
            {
                int shardsHere = _shard is null ? _scenario.Run.Shards : 1;
                return parse.GetValue(options.Threads) ?? Math.Max(1, Math.Min(shardsHere, Environment.ProcessorCount));
            }
        }

        // ---- what the run needs started: a port in use or a bad --out still ends it unwritten ----

        private int? StartTelemetry()
        {
            var loadedAt = DateTime.UtcNow;
            // Metrics first: a --metrics-port in use is a usage error, and nothing may be written then.
            try
            {
                _telemetry = RunTelemetry.Start(_scenario, new TelemetryOptions
                {
                    Shard = TelemetryOptions.ShardAttributeFor(_shard?.Index, _scenario.Run.Shards),
                    Otlp = parse.GetValue(options.Otlp),
                    MetricsPort = parse.GetValue(options.MetricsPort),
                    Scrape = _dashboardOn,
                    PeopleLog = false,
                    LiveControl = _live,
                    Started = _commandStarted,
                }, next: _latest);
            }
            catch (Exception e) when (e is MetricsEndpointException or TelemetrySettingsException)
            {
                return Usage(_error, e.Message);
            }
            _telemetry.Trace?.Phase("load scenario", _commandStarted, loadedAt);
            _telemetry.Trace?.Phase("start telemetry", loadedAt, DateTime.UtcNow);
            _phases?.Mark("telemetry started");
            return null;
        }

        private int? StartDashboard()
        {
            // The dashboard binds before anything is written too: its port in use is a usage error.
            if (_dashboardOn)
            {
                try
                {
                    _dashboard = DashboardServer.Start(_scenario, _dashboardOptions with { TimeScale = _realTime ? _timeScale : null }, _live, _telemetry.Scrape, next: _telemetry);
                }
                catch (DashboardException e)
                {
                    _telemetry.Dispose();
                    return Usage(_error, e.Message);
                }
            }
            _phases?.Mark("dashboard started");
            return null;
        }

        private int? PrepareRunDirectory()
        {
            // The run directory's place is tried now (its staging directory created), so a bad --out
            // is exit 2 before the run spends its time, not after.
            try
            {
                _directory = StagedRunDirectory.For(parse.GetValue(options.Out), _scenario.Name, _shard?.Index, _scenario.Run.Shards, DateTime.UtcNow);
                _directory.Begin();
            }
            catch (RunDirectoryException e)
            {
                _dashboard?.Dispose();
                _telemetry.Dispose();
                _error.WriteLine($"tcpactors: {e.Message}");
                return e.ExitCode;
            }
            _telemetry.StartLog(Path.Combine(_directory.StagingPath, RunLog.FileName), ReferenceEquals(_error, Console.Error) ? null : _error);
            return null;
        }

        // ---- the run --------------------------------------------------------------------------

        private void ShowWhereToWatch()
        {
            if (_telemetry.Endpoint is { } endpoint) _output.WriteLine($"metrics: {endpoint.Url}");
            if (_dashboard is not null) _output.WriteLine($"dashboard: {_dashboard.PageUrl}");
        }

        /// <summary>The files written while the run goes: --trace, --pcap and timeseries.csv.</summary>
        private void OpenRunOutputs()
        {
            if (parse.GetValue(options.Trace) is { } traceOption) _trace = TraceFile.Open(traceOption, _directory);
            if (parse.GetValue(options.Pcap) is { } pcapOption)
            {
                // Like --trace: a relative FILE is staged with the run directory; either way the
                // writer renames its temporary file into place only when the run is over.
                if (!Path.IsPathRooted(pcapOption)) _directory.Begin();
                _pcapPath = Path.IsPathRooted(pcapOption) ? pcapOption : Path.Combine(_directory.FinalPath, pcapOption);
                // SYNs carry the options and initial window of the profile's kernel (docs/tcp-model.md).
                _pcap = PcapWriter.Create(Path.IsPathRooted(pcapOption) ? pcapOption : Path.Combine(_directory.StagingPath, pcapOption),
                    KernelSynOptions.For(_scenario.Tcp));
            }
            // timeseries.csv is written as the samples come (a long run holds no row it has written).
            _directory.Begin();
            _csv = TimeSeriesCsvWriter.Create(_directory.StagingPath);
        }

        /// <summary>Runs the simulation on its own thread while this one shows it; returns its report.</summary>
        private RunReport Simulate(IAnsiConsole console, CancellationToken interrupted)
        {
            var simulation = new SimulationOptions
            {
                TimeSeriesSink = _csv,
                Threads = Threads,
                ShardIndex = _shard?.Index,
                TraceCouples = parse.GetValue(options.TraceCouples),
                Trace = TraceFanOut.Of(_trace?.Writer, _pcap, _ladders),
                Observer = (IRunObserver?)_dashboard ?? _telemetry,
                RealTime = _realTime,
                TimeScale = _timeScale,
                LiveControl = _live,
            };
            var simulateStarted = DateTime.UtcNow;
            var run = Task.Factory.StartNew(
                () =>
                {
                    var result = SimulationRunner.Run(_scenario, simulation, interrupted);
                    _phases?.ThisThread("run's thread");
                    return result;
                },
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            LiveView.Follow(run, _latest, LiveModeFor(console), RunHeading.Of(_scenario, _shard?.Index, Threads), console, _output);
            RunReport report = run.GetAwaiter().GetResult();
            _phases?.Mark("simulation run");
            _telemetry.Trace?.Phase(RunTrace.SimulatePhase, simulateStarted, DateTime.UtcNow);
            return report;
        }

        private LiveMode LiveModeFor(IAnsiConsole console) =>
            parse.GetValue(options.Quiet) ? LiveMode.Quiet
            : ReferenceEquals(_output, Console.Out) && !Console.IsOutputRedirected && console.Profile.Capabilities.Interactive ? LiveMode.Terminal
            : LiveMode.Lines;

        // ---- after the run ----------------------------------------------------------------------

        /// <summary>The trace and the capture move into place; the dashboard shows the finished run.</summary>
        private void CompleteOutputs(RunReport report)
        {
            _trace?.Complete();
            _pcap?.Complete();
            _dashboard?.OnCompleted(report);
        }

        private void WriteRunDirectory(RunReport report)
        {
            // The telemetry's end goes on in the background while the run directory is written:
            // the duration histograms (one recording per couple), the dashboard's final scrape
            // and the final OTLP export, in that order; neither the SDK nor the network may delay
            // the report (the export is awaited before the command returns). Only the log's end
            // comes first: log.json must be whole before the directory moves into place.
            _telemetry.LogEnd(report);
            _telemetry.CloseLog();
            // The trace is written when the telemetry ends, so that end waits for the run directory's phase to be recorded.
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _exported = EndTelemetryInBackground(report, written.Task);
            try
            {
                using (_telemetry.Trace?.Begin("write run directory"))
                {
                    RunDirectory.Write(report, _directory.StagingPath, _csv!);
                    HtmlReport.Write(report, _ladders.Ladders, _directory.StagingPath);
                    _directory.Publish();
                }
            }
            finally
            {
                written.TrySetResult();
            }
            _phases?.Mark("run directory written");
            _phases?.Threads();
        }

        private Task EndTelemetryInBackground(RunReport report, Task written) => Task.Run(() =>
        {
            try
            {
                _phases?.Mark("telemetry's end (background)");
                _telemetry.RecordDurations(report);
                _phases?.Mark("durations recorded (background)");
                _dashboard?.FreezeMetrics();
                _phases?.Mark("metrics frozen (background)");
            }
            finally
            {
                if (_telemetry.Trace is not null) written.Wait();
                _telemetry.Dispose();
                _phases?.Mark("final export (background)");
            }
        });

        private void PrintSummary(RunReport report, IAnsiConsole console)
        {
            console.Write(RunSummary.Render(report));
            if (RunSummary.StillOpen(report, _scenario.Tcp) is { } stillOpen) _output.WriteLine(stillOpen);
            _output.WriteLine($"digest: {report.Digest}");
            if (_trace is not null) _output.WriteLine($"trace: {_trace.FinalPath(_directory)}");
            if (_pcapPath is not null) _output.WriteLine($"pcap: {_pcapPath}");
            _output.WriteLine($"run directory: {_directory.FinalPath}");
            foreach (string violation in report.Invariants.Violations) _error.WriteLine($"tcpactors: invariant violated: {violation}");
            if (!report.Invariants.Ok)
                _error.WriteLine($"tcpactors: this is a simulator bug; replay it with: tcpactors run {parse.GetValue(options.Scenario) ?? ScenarioSource.DefaultBuiltIn} --seed {_scenario.Seed}");
        }

        private int EndInterrupted()
        {
            _dashboard?.Dispose();
            AwaitTelemetryEnd();
            return ExitCode.Interrupted;
        }

        /// <summary>
        /// The words: the dashboard stays up after the end until Ctrl+C, so the finished
        /// run can still be looked at (the run directory is already complete).
        /// </summary>
        private void KeepDashboardServing(CancellationToken interrupted)
        {
            if (_dashboard is null) return;
            if (_dashboard.Started.IsFaulted)
            {
                // Bound but not started (rare: the port was checked before the run); the run itself is complete.
                _error.WriteLine($"tcpactors: the dashboard could not start: {_dashboard.Started.Exception!.GetBaseException().Message}");
            }
            else
            {
                _output.WriteLine($"dashboard: still serving {_dashboard.PageUrl}; Ctrl+C to stop");
                interrupted.WaitHandle.WaitOne();
            }
            _dashboard.Dispose();
        }

        /// <summary>
        /// Waits for the telemetry's end (histograms, final scrape, final OTLP export). The run
        /// directory is published by then, so a failure there is told, not turned into a lost run.
        /// </summary>
        private void AwaitTelemetryEnd()
        {
            try
            {
                _exported.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _error.WriteLine($"tcpactors: the run directory is complete, but the telemetry's end failed: {e.GetBaseException().Message}");
            }
        }

        // ---- when a write fails ---------------------------------------------------------------

        private int EndWithWriteFailure(Exception e)
        {
            // A failed write (no space left, a destination gone read-only) is the user's to fix,
            // not a bug: one sentence, exit 74 (or 2), and the previous run directory untouched.
            var failure = _directory.Failure(e);
            Abandon();
            AwaitTelemetryEnd();
            _error.WriteLine($"tcpactors: {failure.Message}");
            return failure.ExitCode;
        }

        private void Abandon()
        {
            _dashboard?.Dispose();
            // Disposing twice is harmless: the second call returns at once.
            _telemetry.Dispose();
            try
            {
                _trace?.Abandon();
                _pcap?.Dispose();
                _csv?.Dispose();
            }
            catch (Exception e) when (StagedRunDirectory.IsWriteFailure(e))
            {
                // Their files are in the staging directory (removed next) or beside their target.
            }
            _directory.Abandon();
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
