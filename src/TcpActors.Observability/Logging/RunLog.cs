using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Sinks.OpenTelemetry;
using TcpActors.Observability.Metrics;

namespace TcpActors.Observability.Logging;

/// <summary>
/// The run's Serilog logger (DESIGN.md §7 Logs): warnings for people on the console, every
/// event as compact JSON (<c>log.json</c>, <see cref="CompactJsonFormatter"/>) for machines. The
/// file is written by a background worker (Serilog.Sinks.Async) so that the run's worker thread,
/// which raises the warnings, never waits on the disk.
/// </summary>
public static class RunLog
{
    /// <summary>File name of the JSON log in the run directory.</summary>
    public const string FileName = "log.json";

    /// <summary>How a people line looks: the CLI's own prefix, then the message.</summary>
    public const string PeopleTemplate = "tcpactors: {Message:lj}{NewLine}";

    /// <summary>
    /// A logger writing every event of Information and up to <paramref name="jsonFile"/> (when
    /// given) and Warnings and up to <paramref name="people"/>: a writer, or null for the
    /// console's standard error through Serilog.Sinks.Console. <paramref name="peopleLevel"/>
    /// null writes nothing for people.
    /// </summary>
    public static Logger Create(string? jsonFile, TextWriter? people, LogEventLevel? peopleLevel = LogEventLevel.Warning, Task<Logger>? alsoTo = null)
    {
        var config = new LoggerConfiguration().MinimumLevel.Information().Enrich.FromLogContext();
        // Not owned: the OTLP logger outlives this one, so that closing log.json never waits on the network.
        if (alsoTo is not null) config.WriteTo.Sink(new PendingLoggerSink(alsoTo));
        if (jsonFile is not null)
        {
            config.WriteTo.Async(a => a.File(new CompactJsonFormatter(), jsonFile), bufferSize: 10_000, blockWhenFull: true);
        }
        if (peopleLevel is { } level)
        {
            if (people is null)
            {
                // Standard error, so that the warnings never mix with the summary a script reads.
                config.WriteTo.Console(level, PeopleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture, standardErrorFromLevel: LogEventLevel.Verbose);
            }
            else
            {
                config.WriteTo.Sink(new WriterSink(people, new MessageTemplateTextFormatter(PeopleTemplate, System.Globalization.CultureInfo.InvariantCulture)), level);
            }
        }
        return config.CreateLogger();
    }

    /// <summary>
    /// A logger that sends every event of Information and up over OTLP (Serilog.Sinks.OpenTelemetry)
    /// to the collector of <paramref name="target"/>: the same one as the metrics, at its logs
    /// path for OTLP/HTTP, with <paramref name="headers"/> on every request
    /// (<c>OTEL_EXPORTER_OTLP_HEADERS</c>, <see cref="OtlpHeaders"/>). The sink batches in the
    /// background; disposing it sends what is left.
    /// </summary>
    public static Logger Otlp(OtlpTarget target, string serviceName, IReadOnlyDictionary<string, string>? headers = null)
    {
        return new LoggerConfiguration().MinimumLevel.Information()
            .WriteTo.OpenTelemetry(o =>
            {
                // Endpoint null: the sink derives no traces endpoint; our spans go through the SDK (RunTrace).
                o.Endpoint = null;
                o.LogsEndpoint = target.EndpointFor(OtlpTarget.HttpLogsPath).ToString();
                o.Protocol = target.Protocol == OpenTelemetry.Exporter.OtlpExportProtocol.Grpc ? OtlpProtocol.Grpc : OtlpProtocol.HttpProtobuf;
                o.ResourceAttributes = new Dictionary<string, object> { ["service.name"] = serviceName };
                if (headers is not null) foreach (var (name, value) in headers) o.Headers[name] = value;
                // The environment is ours to read (TelemetrySettings: it may come from appsettings.json
                // too, and the endpoint is the command line's), so the sink reads none of it.
            }, ignoreEnvironment: true)
            .CreateLogger();
    }
}
