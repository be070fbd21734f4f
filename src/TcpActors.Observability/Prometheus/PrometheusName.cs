using System.Text;

namespace TcpActors.Observability.Prometheus;

/// <summary>
/// The usual OpenTelemetry → Prometheus name translation (OpenTelemetry specification,
/// "Prometheus and OpenMetrics compatibility"): invalid characters become <c>_</c>, a unit is
/// appended in words (<c>s</c> → <c>_seconds</c>; annotations in braces such as
/// <c>{connection}</c> are dropped), and monotonic counters end in <c>_total</c>.
/// </summary>
public static class PrometheusName
{
    /// <summary><c>tcpactors.segments</c> (counter) → <c>tcpactors_segments_total</c>.</summary>
    public static string ForMetric(string name, string? unit, bool isCounter)
    {
        var text = new StringBuilder(Sanitize(name));
        string? unitWord = UnitWord(unit);
        if (unitWord is not null && !text.ToString().EndsWith("_" + unitWord, StringComparison.Ordinal)) text.Append('_').Append(unitWord);
        if (isCounter) text.Append("_total");
        return text.ToString();
    }

    /// <summary><c>tcp.state</c> → <c>tcp_state</c>.</summary>
    public static string ForLabel(string key) => Sanitize(key);

    private static string? UnitWord(string? unit) => unit switch
    {
        null or "" or "1" => null,
        _ when unit.StartsWith('{') => null,
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        _ => Sanitize(unit),
    };

    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            bool valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or ':';
            text.Append(valid ? c : '_');
        }
        if (text.Length > 0 && char.IsAsciiDigit(text[0])) text.Insert(0, '_');
        return text.ToString();
    }
}
