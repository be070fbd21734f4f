using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;

namespace TcpActors.Observability.Logging;

/// <summary>
/// One JSON object per line in the compact log event format (CLEF, as written by
/// Serilog.Formatting.Compact, which is not on this project's feed): <c>@t</c> timestamp,
/// <c>@mt</c> template, <c>@m</c> rendered message, <c>@l</c> level when not Information,
/// <c>@x</c> exception, then the properties by name. Seq, <c>clef-tool</c> and <c>jq</c> read it.
/// </summary>
internal sealed class CompactJsonFormatter : ITextFormatter
{
    private static readonly JsonValueFormatter s_values = new(typeTagName: "$type");

    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write("{\"@t\":\"");
        output.Write(logEvent.Timestamp.UtcDateTime.ToString("O"));
        output.Write("\",\"@mt\":");
        JsonValueFormatter.WriteQuotedJsonString(logEvent.MessageTemplate.Text, output);
        output.Write(",\"@m\":");
        JsonValueFormatter.WriteQuotedJsonString(logEvent.RenderMessage(), output);
        if (logEvent.Level != LogEventLevel.Information)
        {
            output.Write(",\"@l\":\"");
            output.Write(logEvent.Level);
            output.Write('"');
        }
        if (logEvent.Exception is not null)
        {
            output.Write(",\"@x\":");
            JsonValueFormatter.WriteQuotedJsonString(logEvent.Exception.ToString(), output);
        }
        foreach (var property in logEvent.Properties)
        {
            string name = property.Key.Length > 0 && property.Key[0] == '@' ? "@" + property.Key : property.Key;
            output.Write(',');
            JsonValueFormatter.WriteQuotedJsonString(name, output);
            output.Write(':');
            s_values.Format(property.Value, output);
        }
        output.Write('}');
        output.Write('\n');
    }
}
