using System.Globalization;
using Microsoft.Extensions.Configuration;
using TcpActors.Observability.Metrics;

namespace TcpActors.Observability;

/// <summary>
/// What the telemetry of a run is configured from, as a .NET service is: an optional
/// <c>appsettings.json</c> in the current directory, then environment variables (the standard
/// <c>OTEL_*</c> ones, read by the OpenTelemetry SDK, and <c>TCPACTORS_*</c> with the prefix
/// removed), then the command line (<see cref="TelemetryOptions"/>), each overriding the one before.
/// Keys of our own: <c>Otlp</c> (<c>--otlp</c>, <c>TCPACTORS_OTLP</c>) and <c>MetricsPort</c>
/// (<c>--metrics-port</c>, <c>TCPACTORS_METRICSPORT</c>).
/// </summary>
internal sealed record TelemetrySettings
{
    /// <summary>The settings file a .NET service reads from its content root (here: the current directory).</summary>
    public const string SettingsFile = "appsettings.json";

    /// <summary>The prefix of our own environment variables.</summary>
    public const string EnvironmentPrefix = "TCPACTORS_";

    /// <summary>The key of the OTLP URL.</summary>
    public const string OtlpKey = "Otlp";

    /// <summary>The key of the metrics port.</summary>
    public const string MetricsPortKey = "MetricsPort";

    /// <summary>The merged configuration, given to the host (the SDK reads <c>OTEL_*</c> from it).</summary>
    public required IConfiguration Configuration { get; init; }

    /// <summary>Where OTLP goes; null sends nothing.</summary>
    public OtlpTarget? Otlp { get; init; }

    /// <summary>The port of <c>/metrics</c>; null serves none.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>The headers the OTLP log sink sends (<see cref="Logging.OtlpHeaders"/>); empty without OTLP.</summary>
    public IReadOnlyDictionary<string, string> OtlpLogHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>How often OTLP exports metrics; null: 1 s unless <c>OTEL_METRIC_EXPORT_INTERVAL</c> says otherwise.</summary>
    public TimeSpan? OtlpExportInterval { get; init; }

    /// <summary>
    /// The settings of a run: <paramref name="options"/> (the command line) over the environment
    /// over <c>appsettings.json</c>. <paramref name="environment"/> null reads the process's.
    /// </summary>
    /// <exception cref="TelemetrySettingsException">A value from the environment or the file is not valid.</exception>
    public static TelemetrySettings Resolve(TelemetryOptions options, IDictionary<string, string?>? environment = null)
    {
        var builder = new ConfigurationBuilder();
        string file = Path.Combine(Directory.GetCurrentDirectory(), SettingsFile);
        // Read only when present: the file provider and its JSON parser cost start-up time otherwise.
        if (File.Exists(file)) builder.AddJsonFile(file, optional: true, reloadOnChange: false);
        if (environment is null)
        {
            builder.AddEnvironmentVariables();
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }
        else
        {
            builder.AddInMemoryCollection(environment);
            builder.AddInMemoryCollection(environment
                .Where(kv => kv.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                .Select(kv => KeyValuePair.Create(kv.Key[EnvironmentPrefix.Length..], kv.Value)));
        }
        var configuration = builder.Build();

        OtlpTarget? otlp = options.Otlp;
        if (otlp is null && configuration[OtlpKey] is { Length: > 0 } url)
        {
            if (!OtlpTarget.TryParse(url, name => configuration[name], out otlp, out string problem))
                throw new TelemetrySettingsException($"{Source(OtlpKey)}: {problem}");
        }
        int? metricsPort = options.MetricsPort;
        if (metricsPort is null && configuration[MetricsPortKey] is { Length: > 0 } port)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n > 65535)
                throw new TelemetrySettingsException($"{Source(MetricsPortKey)}: must be a port number 0-65535; got '{port}'");
            metricsPort = n;
        }
        IReadOnlyDictionary<string, string> logHeaders = new Dictionary<string, string>();
        // The SDK reads these for the metrics and the spans; the log sink is told them here. Only
        // with OTLP on: a run that exports nothing has nothing to refuse them for.
        if (otlp is not null && !Logging.OtlpHeaders.TryForLogs(name => configuration[name], out logHeaders, out string headersProblem))
            throw new TelemetrySettingsException(headersProblem);
        return new TelemetrySettings { Configuration = configuration, Otlp = otlp, MetricsPort = metricsPort, OtlpExportInterval = options.OtlpExportInterval, OtlpLogHeaders = logHeaders };
    }

    private static string Source(string key) => $"{EnvironmentPrefix}{key.ToUpperInvariant()} (or {key} in {SettingsFile})";
}

/// <summary>A telemetry setting from the environment or <c>appsettings.json</c> is not valid (a usage error: exit 2).</summary>
public sealed class TelemetrySettingsException(string message) : Exception(message);
