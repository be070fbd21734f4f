using Serilog.Core;
using TcpActors.Observability.Logging;
using TcpActors.Observability.Metrics;
using TcpActors.Observability.Prometheus;
using TcpActors.Observability.Tracing;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Observability;

/// <summary>
/// Everything a run exports while it goes, on one generic host (<see cref="TelemetryHost"/>):
/// the <c>TcpActors</c> meter (<see cref="RunMetrics"/>) read by an OTLP exporter and by
/// OpenTelemetry's Prometheus exporter, the run's spans (<see cref="RunTrace"/>, over OTLP), and
/// the Serilog log (<see cref="KernelMessages"/>: log.json, people's warnings and OTLP). Give it
/// to the run as its <see cref="IRunObserver"/>; it passes each snapshot on to <c>next</c> (the
/// live view). Call <see cref="OnCompleted"/> with the report, then dispose: that writes the
/// trace, exports the last values over OTLP, stops <c>/metrics</c> and closes the log.
/// </summary>
public sealed class RunTelemetry : IRunObserver, IDisposable
{
    private readonly IRunObserver? _next;
    private readonly RunMetrics? _metrics;
    /// <summary>The host, started in the background (with the dashboard, when one joins it).</summary>
    private readonly SharedHost? _host;
    /// <summary>The run's log events over OTLP (<c>--otlp</c>); outlives <see cref="_logger"/>.</summary>
    private readonly Task<Logger>? _otlpLog;
    private readonly Scenario _scenario;
    private readonly string _shard;
    private readonly Simulation.Live.LiveControl? _live;
    private Logger? _logger;
    private KernelMessages? _messages;
    private RunReport? _report;
    private int _disposed;

    private RunTelemetry(Scenario scenario, string shard, Simulation.Live.LiveControl? live, IRunObserver? next, RunMetrics? metrics, SharedHost? host, Task<Logger>? otlpLog)
    {
        _scenario = scenario;
        _shard = shard;
        _live = live;
        _next = next;
        _metrics = metrics;
        _host = host;
        _otlpLog = otlpLog;
    }

    /// <summary>The <c>/metrics</c> endpoint, when a metrics port was given.</summary>
    public MetricsEndpoint? Endpoint { get; private init; }

    /// <summary>The Prometheus scrape of the run's meter, when <c>/metrics</c> or <see cref="TelemetryOptions.Scrape"/> is on.</summary>
    public PrometheusScrape? Scrape { get; private init; }

    /// <summary>The run's metrics, when OTLP or <c>/metrics</c> is on.</summary>
    public RunMetrics? Metrics => _metrics;

    /// <summary>The run's trace, when OTLP is on: record the caller's phases in it.</summary>
    public RunTrace? Trace { get; private init; }

    /// <summary>
    /// Starts exporting for a run of <paramref name="scenario"/>: resolves the settings (command
    /// line over environment over <c>appsettings.json</c>), starts the host with the meter and its
    /// exporters, binds <c>/metrics</c>, opens the log and logs the start.
    /// </summary>
    /// <exception cref="MetricsEndpointException">The metrics port cannot be bound; nothing is left running.</exception>
    /// <exception cref="TelemetrySettingsException">A setting from the environment or appsettings.json is not valid.</exception>
    public static RunTelemetry Start(Scenario scenario, TelemetryOptions options, IRunObserver? next = null)
    {
        var started = options.Started ?? DateTime.UtcNow;
        var settings = TelemetrySettings.Resolve(options);
        RunMetrics? metrics = null;
        SharedHost? host = null;
        System.Net.Sockets.Socket? metricsPort = null;
        Task<Logger>? otlpLog = null;
        try
        {
            bool prometheus = settings.MetricsPort is not null || options.Scrape;
            if (settings.Otlp is not null || prometheus)
            {
                metrics = new RunMetrics(scenario.Name, options.Shard, new ChaosProgress(scenario, options.LiveControl));
                // The metrics port is bound here, at once: a port in use is a usage error, and
                // nothing may be written then. The host takes the socket over.
                if (settings.MetricsPort is { } port) metricsPort = MetricsEndpoint.Listen(port);
                // The host's own log (Kestrel's, the SDK's): warnings for people, like the run's.
                var people = options.People;
                var peopleLevel = options.PeopleLog ? Serilog.Events.LogEventLevel.Warning : (Serilog.Events.LogEventLevel?)null;
                var metricsSocket = metricsPort;
                // Loading and starting the host, the SDK and the exporters takes 0.1-1.4 s
                // (assembly loading, JIT): it goes on in the background while the run starts.
                // Nothing is lost: the instruments read the latest snapshot whenever the provider
                // first collects, the spans are written at the end, a scrape of the metrics port
                // waits in its listen backlog, and an in-process one waits for the host
                // (PrometheusScrape.Collect). With Scrape a dashboard is to share the host, which
                // then starts once the dashboard has joined it (DashboardServer.Start).
                host = new SharedHost(dashboard => new HostPlan
                {
                    Telemetry = settings,
                    Prometheus = prometheus,
                    Log = RunLog.Create(null, people, peopleLevel),
                    Metrics = metricsSocket,
                    Dashboard = dashboard,
                }, awaitDashboard: options.Scrape);
            }
            // In the background too: the OTLP sink loads gRPC and protobuf (PendingLoggerSink).
            if (settings.Otlp is { } otlp) otlpLog = Task.Run(() => RunLog.Otlp(otlp, settings.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "tcpactors", settings.OtlpLogHeaders));
            var telemetry = new RunTelemetry(scenario, options.Shard, options.LiveControl, next, metrics, host, otlpLog)
            {
                Scrape = prometheus ? new PrometheusScrape(host!) : null,
                Endpoint = metricsPort is not null ? new MetricsEndpoint(((System.Net.IPEndPoint)metricsPort.LocalEndPoint!).Port) : null,
                Trace = settings.Otlp is not null ? new RunTrace(started) : null,
            };
            if (options.LogFile is not null || options.PeopleLog) telemetry.StartLog(options.LogFile, options.People, options.PeopleLog);
            return telemetry;
        }
        catch
        {
            // The host may be starting; it goes once started (a failed start disposed what it had).
            if (host is not null) host.WhenStarted().ContinueWith(static started => { if (started.IsCompletedSuccessfully) started.Result.Release(); }, TaskScheduler.Default).Wait();
            else metricsPort?.Dispose();
            metrics?.Dispose();
            otlpLog?.ContinueWith(static built => { if (built.IsCompletedSuccessfully) built.Result.Dispose(); }, TaskScheduler.Default).Wait();
            throw;
        }
    }

    /// <summary>
    /// Opens the log now, when <see cref="Start"/> was given neither a log file nor people's log:
    /// a caller that must know the metrics port is free before it creates the run directory
    /// starts the metrics first and the log once the directory exists. Call before the run.
    /// </summary>
    public void StartLog(string? logFile, TextWriter? people, bool peopleLog = true)
    {
        if (_logger is not null) throw new InvalidOperationException("the log is already open");
        _logger = RunLog.Create(logFile, people, peopleLog ? Serilog.Events.LogEventLevel.Warning : null, _otlpLog);
        _messages = new KernelMessages(_logger, _scenario, _shard, _live);
    }

    /// <summary>Publishes the sample to the instruments, the log and the trace, then to the next observer.</summary>
    public void OnSample(LiveSnapshot snapshot)
    {
        _metrics?.OnSample(snapshot);
        _messages?.OnSample(snapshot);
        Trace?.OnSample(snapshot.Now);
        _next?.OnSample(snapshot);
    }

    /// <summary>The run ended: records the duration histograms and logs the end.</summary>
    public void OnCompleted(RunReport report)
    {
        RecordDurations(report);
        LogEnd(report);
    }

    /// <summary>
    /// Records the run's handshake and connection durations in the histograms (one recording per
    /// couple, so 0.1 s at 100k couples: a caller with a report to write can do this in the background).
    /// </summary>
    public void RecordDurations(RunReport report)
    {
        _report = report;
        // The histograms are synchronous instruments: a value recorded before the provider
        // listens is lost, so the host started in the background must be there first.
        _host?.WhenStarted().Wait();
        _metrics?.RecordDurations(report);
        _metrics?.OnEnded(TimeSpan.FromSeconds(report.VirtualSeconds));
    }

    /// <summary>Logs the end of the run (the summary line and what a kernel would have warned of).</summary>
    public void LogEnd(RunReport report)
    {
        _report = report;
        _messages?.OnCompleted(report);
    }

    /// <summary>
    /// Closes the log (after <see cref="LogEnd"/>): log.json is whole from then on, while
    /// the final OTLP export of <see cref="Dispose"/> may still be under way — so a caller can
    /// move the run directory into place without waiting for the network.
    /// </summary>
    public void CloseLog()
    {
        Interlocked.Exchange(ref _logger, null)?.Dispose();
    }

    /// <summary>
    /// Writes the trace, exports the last values (OTLP), closes the log, and lets the host go:
    /// <c>/metrics</c> stops with it, unless the dashboard still serves on it — then both answer
    /// with the final values until the dashboard is disposed.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            var host = _host?.WhenStarted();
            bool started = host is not null && host.Wait(TimeSpan.FromSeconds(30)) && host.IsCompletedSuccessfully;
            if (started && Trace is not null) Trace.Emit(_scenario, _shard, _report);
            if (started)
            {
                var shared = host!.Result;
                if (shared.ServesDashboard)
                {
                    // The host stays up with the dashboard: the final values are taken for it and
                    // the metrics port while the meter is alive, and the providers are shut down
                    // now, which makes the OTLP readers export once more and flushes the spans.
                    Scrape?.Freeze();
                    shared.EndTelemetry();
                }
                // The last user stops the host: /metrics stops, then the providers are disposed
                // (the final export, when EndTelemetry has not made it), with the meter still alive.
                shared.Release();
            }
        }
        finally
        {
            _metrics?.Dispose();
            CloseLog();
            // Sends the log events still batched; after log.json is closed, so a slow collector never holds the file.
            if (_otlpLog is not null && _otlpLog.Wait(TimeSpan.FromSeconds(30)) && _otlpLog.IsCompletedSuccessfully) _otlpLog.Result.Dispose();
        }
    }
}
