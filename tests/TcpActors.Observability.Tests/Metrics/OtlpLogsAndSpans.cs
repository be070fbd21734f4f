using System.Text;
using static TcpActors.Observability.Tests.Metrics.OtlpMetricsRequest;

namespace TcpActors.Observability.Tests.Metrics;

/// <summary>A log record of an OTLP logs request: its body (the rendered message), severity, attributes and resource.</summary>
internal sealed record OtlpLogRecord(string Body, string Severity, IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, string> Resource);

/// <summary>A span of an OTLP traces request: ids as hex, times in Unix nanoseconds, attributes as text.</summary>
internal sealed record OtlpSpan(string Scope, string Name, string TraceId, string SpanId, string ParentSpanId, ulong StartNanos, ulong EndNanos,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, string> Resource);

/// <summary>
/// Just enough of opentelemetry-proto's logs/v1 and trace/v1 to read back what a run sent, with
/// <see cref="OtlpMetricsRequest"/>'s wire-format reader.
/// </summary>
internal static class OtlpLogsAndSpans
{
    /// <summary>ExportLogsServiceRequest.resource_logs = 1 → resource = 1, scope_logs = 2 → log_records = 2
    /// (LogRecord: severity_text = 3, body = 5, attributes = 6).</summary>
    public static List<OtlpLogRecord> Logs(byte[] body)
    {
        var records = new List<OtlpLogRecord>();
        foreach (var resourceLogs in Fields(body, 1))
        {
            var resource = Resource(resourceLogs);
            foreach (var scopeLogs in Fields(resourceLogs, 2))
            {
                foreach (var record in Fields(scopeLogs, 2))
                {
                    string text = Fields(record, 5).Select(AnyValue).FirstOrDefault() ?? "";
                    string severity = Strings(record, 3).FirstOrDefault() ?? "";
                    records.Add(new OtlpLogRecord(text, severity, Attributes(record, 6), resource));
                }
            }
        }
        return records;
    }

    /// <summary>ExportTraceServiceRequest.resource_spans = 1 → resource = 1, scope_spans = 2 → scope = 1, spans = 2
    /// (Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, start = 7, end = 8, attributes = 9).</summary>
    public static List<OtlpSpan> Spans(byte[] body)
    {
        var spans = new List<OtlpSpan>();
        foreach (var resourceSpans in Fields(body, 1))
        {
            var resource = Resource(resourceSpans);
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                string scope = "";
                foreach (var s in Fields(scopeSpans, 1)) scope = Strings(s, 1).FirstOrDefault() ?? "";
                foreach (var span in Fields(scopeSpans, 2))
                {
                    spans.Add(new OtlpSpan(scope, Strings(span, 5).First(), Hex(span, 1), Hex(span, 2), Hex(span, 4),
                        (ulong)Fixed64(span, 7), (ulong)Fixed64(span, 8), Attributes(span, 9), resource));
                }
            }
        }
        return spans;
    }

    private static Dictionary<string, string> Resource(ReadOnlyMemory<byte> resourceSignal)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var resource in Fields(resourceSignal, 1))
        {
            foreach (var kv in Fields(resource, 1)) { var (k, v) = KeyValue(kv); attributes[k] = v; }
        }
        return attributes;
    }

    private static string Hex(ReadOnlyMemory<byte> message, int field)
    {
        var text = new StringBuilder();
        foreach (var bytes in Fields(message, field)) text.Append(Convert.ToHexStringLower(bytes.Span));
        return text.ToString();
    }
}
