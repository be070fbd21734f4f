using System.Buffers.Binary;
using System.Text;

namespace TcpActors.Observability.Tests.Metrics;

/// <summary>
/// Just enough of the OTLP protobuf schema (opentelemetry-proto, collector/metrics/v1 and
/// metrics/v1) to read back what the exporter sent: resource attributes, scope names, metric
/// names, and for each number or histogram data point its attributes and integer value (or count).
/// Decoded with the protobuf wire format by hand; the generated classes are not on our feed.
/// </summary>
internal sealed class OtlpMetricsRequest
{
    public Dictionary<string, string> ResourceAttributes { get; } = [];
    public List<OtlpMetric> Metrics { get; } = [];

    public static OtlpMetricsRequest Parse(byte[] body)
    {
        var request = new OtlpMetricsRequest();
        // ExportMetricsServiceRequest.resource_metrics = 1
        foreach (var resourceMetrics in Fields(body, 1))
        {
            // ResourceMetrics.resource = 1 → Resource.attributes = 1
            foreach (var resource in Fields(resourceMetrics, 1))
            {
                foreach (var kv in Fields(resource, 1)) { var (k, v) = KeyValue(kv); request.ResourceAttributes[k] = v; }
            }
            // ResourceMetrics.scope_metrics = 2 → ScopeMetrics.scope = 1 (name = 1), metrics = 2
            foreach (var scopeMetrics in Fields(resourceMetrics, 2))
            {
                string scope = "";
                foreach (var s in Fields(scopeMetrics, 1)) scope = Strings(s, 1).FirstOrDefault() ?? "";
                foreach (var metric in Fields(scopeMetrics, 2)) request.Metrics.Add(Metric(scope, metric));
            }
        }
        return request;
    }

    private static OtlpMetric Metric(string scope, ReadOnlyMemory<byte> metric)
    {
        var result = new OtlpMetric(scope, Strings(metric, 1).First());
        // Metric.gauge = 5, sum = 7 (NumberDataPoint: attributes = 7, as_int = 6),
        // histogram = 9 (HistogramDataPoint: attributes = 9, count = 4).
        foreach (int kind in (int[])[5, 7])
        {
            foreach (var data in Fields(metric, kind))
            {
                result.Kind = kind == 5 ? "gauge" : "sum";
                foreach (var point in Fields(data, 1)) result.Points.Add(new OtlpPoint(Attributes(point, 7), Fixed64(point, 6)));
            }
        }
        foreach (var data in Fields(metric, 9))
        {
            result.Kind = "histogram";
            foreach (var point in Fields(data, 1)) result.Points.Add(new OtlpPoint(Attributes(point, 9), Fixed64(point, 4)));
        }
        return result;
    }

    internal static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var kv in Fields(message, field)) { var (k, v) = KeyValue(kv); attributes[k] = v; }
        return attributes;
    }

    // KeyValue { key = 1; AnyValue value = 2 }
    internal static (string Key, string Value) KeyValue(ReadOnlyMemory<byte> kv) =>
        (Strings(kv, 1).First(), Fields(kv, 2).Select(AnyValue).FirstOrDefault() ?? "");

    /// <summary>AnyValue { string_value = 1; bool_value = 2; int_value = 3; double_value = 4 } as invariant text.</summary>
    internal static string AnyValue(ReadOnlyMemory<byte> value)
    {
        foreach (var (number, _, payload) in Walk(value))
        {
            switch (number)
            {
                case 1: return Encoding.UTF8.GetString(payload.Span);
                case 2: { int at = 0; return Varint(payload.Span, ref at) != 0 ? "true" : "false"; }
                case 3: { int at = 0; return ((long)Varint(payload.Span, ref at)).ToString(System.Globalization.CultureInfo.InvariantCulture); }
                case 4: return BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(payload.Span)).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return "";
    }

    internal static IEnumerable<string> Strings(ReadOnlyMemory<byte> message, int field) =>
        Fields(message, field).Select(f => Encoding.UTF8.GetString(f.Span));

    internal static long Fixed64(ReadOnlyMemory<byte> message, int field)
    {
        long value = 0;
        foreach (var (number, wireType, payload) in Walk(message))
        {
            if (number == field && wireType == 1) value = BinaryPrimitives.ReadInt64LittleEndian(payload.Span);
        }
        return value;
    }

    internal static IEnumerable<ReadOnlyMemory<byte>> Fields(ReadOnlyMemory<byte> message, int field)
    {
        foreach (var (number, wireType, payload) in Walk(message))
        {
            if (number == field && wireType == 2) yield return payload;
        }
    }

    /// <summary>The fields of a message: number, wire type and payload (fixed bytes or the length-delimited content).</summary>
    internal static IEnumerable<(int Number, int WireType, ReadOnlyMemory<byte> Payload)> Walk(ReadOnlyMemory<byte> message)
    {
        int at = 0;
        while (at < message.Length)
        {
            ulong tag = Varint(message.Span, ref at);
            int number = (int)(tag >> 3), wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    int start = at;
                    Varint(message.Span, ref at);
                    yield return (number, wireType, message[start..at]);
                    break;
                case 1:
                    yield return (number, wireType, message.Slice(at, 8));
                    at += 8;
                    break;
                case 2:
                    int length = (int)Varint(message.Span, ref at);
                    yield return (number, wireType, message.Slice(at, length));
                    at += length;
                    break;
                case 5:
                    yield return (number, wireType, message.Slice(at, 4));
                    at += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wireType} at byte {at}");
            }
        }
    }

    internal static ulong Varint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }
}

internal sealed class OtlpMetric(string scope, string name)
{
    public string Scope { get; } = scope;
    public string Name { get; } = name;
    public string Kind { get; set; } = "";
    public List<OtlpPoint> Points { get; } = [];
}

internal sealed record OtlpPoint(IReadOnlyDictionary<string, string> Attributes, long Value);
