using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace TcpActors.Observability.Prometheus;

/// <summary>
/// Renders the metrics of one collection in the Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/). It is pulled: a
/// <see cref="PrometheusScrape"/> asks its reader to collect, and the collection calls
/// <see cref="Export"/> on the same thread, so the text comes from the very instruments OTLP reads.
/// It is not marked <c>[ExportModes(ExportModes.Pull)]</c>: the SDK lets such a reader collect
/// only inside its internal PullMetricScope, which only its own Prometheus exporter can open; a
/// plain <see cref="BaseExportingMetricReader"/> without a periodic worker never pushes anyway.
/// </summary>
internal sealed class PrometheusTextExporter : BaseExporter<Metric>
{
    /// <summary>The text of the last collection.</summary>
    public string LastText { get; private set; } = "";

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var text = new StringBuilder();
        foreach (var metric in batch) Write(text, metric);
        LastText = text.ToString();
        return ExportResult.Success;
    }

    private static void Write(StringBuilder text, Metric metric)
    {
        bool counter = metric.MetricType is MetricType.LongSum or MetricType.DoubleSum;
        bool histogram = metric.MetricType == MetricType.Histogram;
        string name = PrometheusName.ForMetric(metric.Name, metric.Unit, counter);
        string type = counter ? "counter" : histogram ? "histogram" : "gauge";
        if (!string.IsNullOrEmpty(metric.Description)) text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            string labels = Labels(point);
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    Sample(text, name, labels, point.GetSumLong());
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    Sample(text, name, labels, point.GetSumDouble());
                    break;
                case MetricType.LongGauge:
                    Sample(text, name, labels, point.GetGaugeLastValueLong());
                    break;
                case MetricType.DoubleGauge:
                    Sample(text, name, labels, point.GetGaugeLastValueDouble());
                    break;
                case MetricType.Histogram:
                    long cumulative = 0;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        string le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                        string bucketLabels = labels.Length == 0 ? $"le=\"{le}\"" : $"{labels},le=\"{le}\"";
                        Sample(text, name + "_bucket", bucketLabels, cumulative);
                    }
                    Sample(text, name + "_sum", labels, point.GetHistogramSum());
                    Sample(text, name + "_count", labels, point.GetHistogramCount());
                    break;
            }
        }
    }

    private static string Labels(in MetricPoint point)
    {
        var text = new StringBuilder();
        foreach (var tag in point.Tags)
        {
            if (text.Length > 0) text.Append(',');
            text.Append(PrometheusName.ForLabel(tag.Key)).Append("=\"").Append(EscapeLabel(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }
        return text.ToString();
    }

    private static void Sample(StringBuilder text, string name, string labels, long value) =>
        Line(text, name, labels).Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Sample(StringBuilder text, string name, string labels, double value) =>
        Line(text, name, labels).Append(Number(value)).Append('\n');

    private static StringBuilder Line(StringBuilder text, string name, string labels)
    {
        text.Append(name);
        if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
        return text.Append(' ');
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    // The exposition format escapes \, " and newline in label values; only \ and newline in HELP.
    private static string EscapeLabel(string value) => value.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\n");

    private static string EscapeHelp(string value) => value.Replace("\\", @"\\").Replace("\n", @"\n");
}
