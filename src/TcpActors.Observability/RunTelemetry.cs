using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Serilog.Core;
using TcpActors.Observability.Logging;
using TcpActors.Observability.Metrics;
using TcpActors.Observability.Prometheus;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Observability;

/// <summary>
/// Everything a run exports while it goes: the <c>TcpActors</c> meter (<see cref="RunMetrics"/>)
/// read by an OTLP exporter and by the Prometheus endpoint, and the Serilog log
/// (<see cref="KernelMessages"/>). Give it to the run as its <see cref="IRunObserver"/>; it
/// passes each snapshot on to <c>next</c> (the live view). Call <see cref="OnCompleted"/> with
/// the report, then dispose: that exports the last values over OTLP, stops <c>/metrics</c> and
/// closes the log.
/// </summary>
public sealed class RunTelemetry : IRunObserver, IDisposable
{
    private readonly IRunObserver? _next;
    private readonly RunMetrics? _metrics;
    /// <summary>The meter provider; built in the background when nothing waits for it (OTLP only).</summary>
    private readonly Task<MeterProvider>? _provider;
    private readonly Scenario _scenario;
    private readonly string _shard;
    private readonly Simulation.Live.LiveControl? _live;
    private Logger? _logger;
    private KernelMessages? _messages;
    private int _disposed;

    private RunTelemetry(Scenario scenario, string shard, Simulation.Live.LiveControl? live, IRunObserver? next, RunMetrics? metrics, Task<MeterProvider>? provider, MetricsEndpoint? endpoint, Logger? logger, KernelMessages? messages)
    {
        _scenario = scenario;
        _shard = shard;
        _live = live;
        _next = next;
        _metrics = metrics;
        _provider = provider;
        Endpoint = endpoint;
        _logger = logger;
        _messages = messages;
    }

    /// <summary>The <c>/metrics</c> endpoint, when <see cref="TelemetryOptions.MetricsPort"/> was given.</summary>
    public MetricsEndpoint? Endpoint { get; }

    /// <summary>The Prometheus scrape of the run's meter, when <c>/metrics</c> or <see cref="TelemetryOptions.Scrape"/> is on.</summary>
    public PrometheusScrape? Scrape { get; private init; }

    /// <summary>The run's metrics, when OTLP or <c>/metrics</c> is on.</summary>
    public RunMetrics? Metrics => _metrics;

    /// <summary>
    /// Starts exporting for a run of <paramref name="scenario"/>: creates the meter and its readers,
    /// binds <c>/metrics</c>, opens the log and logs the start.
    /// </summary>
    /// <exception cref="MetricsEndpointException">The metrics port cannot be bound; nothing is left running.</exception>
    public static RunTelemetry Start(Scenario scenario, TelemetryOptions options, IRunObserver? next = null)
    {
        RunMetrics? metrics = null;
        Task<MeterProvider>? provider = null;
        MetricsEndpoint? endpoint = null;
        Logger? logger = null;
        PrometheusScrape? scrape = null;
        try
        {
            if (options.Otlp is not null || options.MetricsPort is not null || options.Scrape)
            {
                metrics = new RunMetrics(scenario.Name, options.Shard, new ChaosProgress(scenario, options.LiveControl));
                if (options.MetricsPort is not null || options.Scrape) scrape = new PrometheusScrape();
                // Loading and setting up the SDK and the OTLP exporter takes 0.1-0.15 s (assembly
                // loading, JIT): do it while the run starts. Nothing is lost: the instruments read
                // the latest snapshot whenever the provider first collects, and a scrape waits for
                // the provider (PrometheusScrape.Collect).
                var building = Task.Run(() => BuildProvider(options.Otlp, options.OtlpExportInterval, scrape));
                provider = building;
                scrape?.CollectsAfter(building);
                if (options.MetricsPort is { } port) endpoint = MetricsEndpoint.Start(port, scrape!);
            }
            KernelMessages? messages = null;
            if (options.LogFile is not null || options.PeopleLog)
            {
                logger = RunLog.Create(options.LogFile, options.People, options.PeopleLog ? Serilog.Events.LogEventLevel.Warning : null);
                messages = new KernelMessages(logger, scenario, options.Shard, options.LiveControl);
            }
            return new RunTelemetry(scenario, options.Shard, options.LiveControl, next, metrics, provider, endpoint, logger, messages) { Scrape = scrape };
        }
        catch
        {
            endpoint?.Dispose();
            // The provider may still be building; it goes once built (a failed build has nothing to dispose).
            provider?.ContinueWith(static built => { if (built.IsCompletedSuccessfully) built.Result.Dispose(); }, TaskScheduler.Default).Wait();
            metrics?.Dispose();
            logger?.Dispose();
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
        _logger = RunLog.Create(logFile, people, peopleLog ? Serilog.Events.LogEventLevel.Warning : null);
        _messages = new KernelMessages(_logger, _scenario, _shard, _live);
    }

    private static MeterProvider BuildProvider(OtlpTarget? otlp, TimeSpan? exportInterval, PrometheusScrape? scrape)
    {
        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(TcpActorsMetrics.MeterName)
            // Later detectors win a merge, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the default name.
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("tcpactors").AddEnvironmentVariableDetector());
        if (otlp is not null)
        {
            builder.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = otlp.Endpoint;
                exporter.Protocol = otlp.Protocol;
                if (exportInterval is { } every)
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)every.TotalMilliseconds;
                else if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL")))
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 1000;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            });
        }
        if (scrape is not null) builder.AddReader(scrape.Reader);
        return builder.Build();
    }

    /// <summary>Publishes the sample to the instruments and the log, then to the next observer.</summary>
    public void OnSample(LiveSnapshot snapshot)
    {
        _metrics?.OnSample(snapshot);
        _messages?.OnSample(snapshot);
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
        // The histograms are synchronous instruments: a value recorded before the provider
        // listens is lost, so the provider built in the background must be there first.
        _provider?.Wait();
        _metrics?.RecordDurations(report);
        _metrics?.OnEnded(TimeSpan.FromSeconds(report.VirtualSeconds));
    }

    /// <summary>Logs the end of the run (the summary line and what a kernel would have warned of).</summary>
    public void LogEnd(RunReport report) => _messages?.OnCompleted(report);

    /// <summary>
    /// Closes the log (after <see cref="LogEnd"/>): log.json is whole from then on, while
    /// the final OTLP export of <see cref="Dispose"/> may still be under way — so a caller can
    /// move the run directory into place without waiting for the network.
    /// </summary>
    public void CloseLog()
    {
        Interlocked.Exchange(ref _logger, null)?.Dispose();
    }

    /// <summary>Exports the last values (OTLP), stops <c>/metrics</c>, closes the log.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // The endpoint first: a scrape must not find the provider gone. The provider's shutdown
        // makes the OTLP reader export once more, so the meter must still be alive then.
        Endpoint?.Dispose();
        _provider?.GetAwaiter().GetResult().Dispose();
        _metrics?.Dispose();
        CloseLog();
    }
}
