using OpenTelemetry.Exporter;

namespace TcpActors.Observability.Metrics;

/// <summary>
/// Where <c>--otlp URL</c> sends metrics, and over which OTLP transport. The protocol is the
/// standard variable's (<c>OTEL_EXPORTER_OTLP_METRICS_PROTOCOL</c>, else
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>: <c>grpc</c> or <c>http/protobuf</c>) when set; otherwise it
/// follows the URL: port 4318 or a path ending in <c>/v1/metrics</c> is http/protobuf, anything
/// else gRPC (4317 is gRPC's port; OTLP specification, "OTLP/HTTP" and "OTLP/gRPC").
/// </summary>
public sealed record OtlpTarget(Uri Endpoint, OtlpExportProtocol Protocol)
{
    /// <summary>The signal path of OTLP/HTTP metrics.</summary>
    public const string HttpMetricsPath = "/v1/metrics";

    /// <summary>Parses <paramref name="url"/>; <paramref name="environment"/> reads a variable (null → the process's).</summary>
    public static bool TryParse(string url, Func<string, string?>? environment, out OtlpTarget? target, out string problem)
    {
        environment ??= Environment.GetEnvironmentVariable;
        target = null;
        problem = "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            problem = $"--otlp must be an http:// or https:// URL such as http://localhost:4317 (gRPC) or http://localhost:4318/v1/metrics (http/protobuf); got '{url}'";
            return false;
        }
        string? named = environment("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL") ?? environment("OTEL_EXPORTER_OTLP_PROTOCOL");
        OtlpExportProtocol protocol;
        switch (named?.Trim())
        {
            case null or "":
                protocol = uri.Port == 4318 || uri.AbsolutePath.EndsWith(HttpMetricsPath, StringComparison.Ordinal)
                    ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                break;
            case "grpc":
                protocol = OtlpExportProtocol.Grpc;
                break;
            case "http/protobuf":
                protocol = OtlpExportProtocol.HttpProtobuf;
                break;
            default:
                problem = $"OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf (http/json is not supported); got '{named}'";
                return false;
        }
        // An endpoint set in code is used as is for http/protobuf; a base URL gets the signal path,
        // as OTEL_EXPORTER_OTLP_ENDPOINT would.
        if (protocol == OtlpExportProtocol.HttpProtobuf && uri.AbsolutePath is "" or "/")
            uri = new Uri(uri, HttpMetricsPath);
        target = new OtlpTarget(uri, protocol);
        return true;
    }

    /// <summary>The signal path of OTLP/HTTP logs.</summary>
    public const string HttpLogsPath = "/v1/logs";

    /// <summary>The signal path of OTLP/HTTP traces.</summary>
    public const string HttpTracesPath = "/v1/traces";

    /// <summary>
    /// Where logs and traces go: the same collector as the metrics. gRPC has one endpoint for
    /// every signal; OTLP/HTTP has one path per signal (OTLP specification, "OTLP/HTTP Request"),
    /// so a metrics URL ending in <c>/v1/metrics</c> gets the other signal's path instead.
    /// </summary>
    public Uri EndpointFor(string httpSignalPath)
    {
        if (Protocol == OtlpExportProtocol.Grpc) return Endpoint;
        string path = Endpoint.AbsolutePath;
        string prefix = path.EndsWith(HttpMetricsPath, StringComparison.Ordinal) ? path[..^HttpMetricsPath.Length] : path.TrimEnd('/');
        return new UriBuilder(Endpoint) { Path = prefix + httpSignalPath }.Uri;
    }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>.</summary>
    public string ProtocolName => Protocol == OtlpExportProtocol.Grpc ? "grpc" : "http/protobuf";
}
