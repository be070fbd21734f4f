namespace TcpActors.Observability.Logging;

/// <summary>
/// The headers an OTLP exporter sends with every request, from <c>OTEL_EXPORTER_OTLP_HEADERS</c>
/// or, for one signal, <c>OTEL_EXPORTER_OTLP_LOGS_HEADERS</c> (and its siblings), which then
/// takes the general one's place (OpenTelemetry specification, protocol/exporter.md, "Specifying
/// headers via environment variables"). The format is the W3C Baggage header's without its
/// properties: <c>key=value</c> members separated by commas, blanks around either taken off, each
/// value percent-encoded (RFC 3986: <c>%20</c> is a space, <c>+</c> stays a plus; a value in plain
/// text decodes to itself). The members are split at the raw commas before a value is decoded, so
/// <c>%2C</c> is a comma inside a value. The metrics and trace exporters read the same variables
/// themselves (the OpenTelemetry SDK); this is for the log sink (Serilog.Sinks.OpenTelemetry),
/// which is given its endpoint by us and so reads no environment of its own.
/// </summary>
public static class OtlpHeaders
{
    /// <summary>The variable every signal's exporter reads.</summary>
    public const string Variable = "OTEL_EXPORTER_OTLP_HEADERS";

    /// <summary>The variable of the logs signal, which wins over <see cref="Variable"/> when set.</summary>
    public const string LogsVariable = "OTEL_EXPORTER_OTLP_LOGS_HEADERS";

    /// <summary>
    /// The headers of the log exporter from <paramref name="setting"/> (a variable's value by its
    /// name; null when unset): <see cref="LogsVariable"/> when it is set and not empty, else <see cref="Variable"/>.
    /// </summary>
    /// <returns>False, with a sentence naming the variable, when the value is not such a list.</returns>
    public static bool TryForLogs(Func<string, string?> setting, out IReadOnlyDictionary<string, string> headers, out string problem)
    {
        ArgumentNullException.ThrowIfNull(setting);
        // An empty variable counts as unset (the specification's rule for every OTEL_* variable).
        string variable = setting(LogsVariable) is { Length: > 0 } ? LogsVariable : Variable;
        if (TryParse(setting(variable) ?? "", out headers, out string why))
        {
            problem = "";
            return true;
        }
        problem = $"{variable}: {why}";
        return false;
    }

    /// <summary>Parses <c>key=value,key2=value2</c>; empty members (a trailing comma) are skipped; a key given twice keeps its last value.</summary>
    public static bool TryParse(string text, out IReadOnlyDictionary<string, string> headers, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Header names are case-insensitive (RFC 9110 §5.1).
        var parsed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        headers = parsed;
        problem = "";
        foreach (string member in text.Split(','))
        {
            string pair = member.Trim();
            if (pair.Length == 0) continue;
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                problem = $"\"{pair}\" is not key=value (the format is key=value,key2=value2 with percent-encoded values)";
                return false;
            }
            string key = pair[..equals].Trim();
            if (!IsToken(key))
            {
                problem = $"\"{key}\" is not a header name (letters, digits and !#$%&'*+-.^_`|~ only, RFC 9110 §5.6.2)";
                return false;
            }
            // A % not followed by two hex digits is left as it is, as a value in plain text is.
            string value = Uri.UnescapeDataString(pair[(equals + 1)..].Trim());
            // A header value is one line of visible text (RFC 9110 §5.5): a decoded CR or LF would start another header.
            if (value.Any(c => char.IsControl(c) && c != '\t'))
            {
                problem = $"the value of \"{key}\" holds a control character once decoded";
                return false;
            }
            parsed[key] = value;
        }
        return true;
    }

    /// <summary>RFC 9110 §5.6.2: <c>token = 1*tchar</c>.</summary>
    private static bool IsToken(string text)
    {
        if (text.Length == 0) return false;
        foreach (char c in text)
        {
            bool tchar = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
            if (!tchar) return false;
        }
        return true;
    }
}
