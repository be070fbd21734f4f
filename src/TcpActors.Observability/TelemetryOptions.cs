using TcpActors.Observability.Metrics;

namespace TcpActors.Observability;

/// <summary>What a run exports besides its run directory (<c>tcpactors run</c> options).</summary>
public sealed record TelemetryOptions
{
    /// <summary>The <c>shard</c> attribute: the <c>--shard</c> index, <c>0</c> for a one-shard run, <c>all</c> for shards summed in one process.</summary>
    public string Shard { get; init; } = "0";

    /// <summary>Send metrics, logs and traces over OTLP (<c>--otlp URL</c>); null: <c>TCPACTORS_OTLP</c> or appsettings.json's <c>Otlp</c>, else none.</summary>
    public OtlpTarget? Otlp { get; init; }

    /// <summary>
    /// Serve <c>/metrics</c> on 127.0.0.1 at this port while the run goes (<c>--metrics-port N</c>;
    /// 0 picks a free port); null: <c>TCPACTORS_METRICSPORT</c> or appsettings.json's <c>MetricsPort</c>, else nothing.
    /// </summary>
    public int? MetricsPort { get; init; }

    /// <summary>
    /// Keep a Prometheus scrape of the run's meter (<see cref="RunTelemetry.Scrape"/>) for the
    /// dashboard, which serves <c>/metrics</c> on its own port behind its token, and have the
    /// dashboard share the run's host: given that scrape, <c>Dashboard.DashboardServer.Start</c> joins
    /// it, and the host starts once it has (or once anything else needs it, such as an in-process
    /// scrape). The scrape alone is implied by <see cref="MetricsPort"/>.
    /// </summary>
    public bool Scrape { get; init; }

    /// <summary>
    /// How often OTLP exports; default 1 s of wall time (a run in virtual time is short), unless
    /// <c>OTEL_METRIC_EXPORT_INTERVAL</c> says otherwise.
    /// </summary>
    public TimeSpan? OtlpExportInterval { get; init; }

    /// <summary>When the run began (the command's start: the root span's start); null: when the telemetry starts.</summary>
    public DateTime? Started { get; init; }

    /// <summary>Write the compact JSON log here (<c>log.json</c> in the run directory); null writes none.</summary>
    public string? LogFile { get; init; }

    /// <summary>Where warnings for people go: a writer, or null for standard error.</summary>
    public TextWriter? People { get; init; }

    /// <summary>True to write warnings for people at all.</summary>
    public bool PeopleLog { get; init; } = true;

    /// <summary>The run's live control (the dashboard's chaos API, or a replay of live changes): its chaos is logged and gauged like the schedule's.</summary>
    public Simulation.Live.LiveControl? LiveControl { get; init; }

    /// <summary>The shard attribute for a run of <paramref name="shards"/> shards, or of shard <paramref name="index"/> only.</summary>
    public static string ShardAttributeFor(int? index, int shards) =>
        index is { } i ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : shards == 1 ? "0" : "all";
}
