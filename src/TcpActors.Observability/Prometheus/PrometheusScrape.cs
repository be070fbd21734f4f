using OpenTelemetry.Metrics;

namespace TcpActors.Observability.Prometheus;

/// <summary>
/// A pull reader of the run's meter provider: each <see cref="Collect"/> (one per scrape of
/// <c>/metrics</c>) makes the provider observe every instrument and returns the exposition text.
/// It is a reader beside the OTLP one, so Prometheus and OTLP show the same numbers.
/// </summary>
public sealed class PrometheusScrape
{
    private readonly PrometheusTextExporter _exporter = new();
    private readonly Lock _lock = new();

    /// <summary>The building of the provider this reader is added to, when that happens in the background.</summary>
    private Task? _providerBuilt;

    /// <summary>Creates the reader; add <see cref="Reader"/> to a meter provider.</summary>
    public PrometheusScrape()
    {
        Reader = new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
    }

    /// <summary>The reader to add to the meter provider (Prometheus wants cumulative values).</summary>
    public MetricReader Reader { get; }

    /// <summary>The content type of the text exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// The provider this reader belongs to is being built in the background (<see cref="RunTelemetry"/>):
    /// a scrape that comes first waits for it rather than answering empty.
    /// </summary>
    public void CollectsAfter(Task providerBuilt) => _providerBuilt = providerBuilt;

    /// <summary>Collects now and returns the metrics as Prometheus text; empty once the provider is gone.</summary>
    public string Collect()
    {
        // A failed build is reported where the provider is used (RunTelemetry); here it is only "no metrics".
        if (_providerBuilt is { IsCompleted: false } building) ((IAsyncResult)building).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5));
        // Scrapes may overlap; one collection at a time keeps each text whole.
        lock (_lock)
        {
            return Reader.Collect(timeoutMilliseconds: 5000) ? _exporter.LastText : "";
        }
    }
}
