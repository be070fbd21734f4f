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

    /// <summary>Creates the reader; add <see cref="Reader"/> to a meter provider.</summary>
    public PrometheusScrape()
    {
        Reader = new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
    }

    /// <summary>The reader to add to the meter provider (Prometheus wants cumulative values).</summary>
    public MetricReader Reader { get; }

    /// <summary>The content type of the text exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Collects now and returns the metrics as Prometheus text; empty once the provider is gone.</summary>
    public string Collect()
    {
        // Scrapes may overlap; one collection at a time keeps each text whole.
        lock (_lock)
        {
            return Reader.Collect(timeoutMilliseconds: 5000) ? _exporter.LastText : "";
        }
    }
}
