using System.Globalization;
using System.Text.Json;
using TcpActors.Simulation.Live;

namespace TcpActors.Observability.Dashboard;

/// <summary>
/// Reads the body of <c>POST /api/chaos</c> field by field, so that every refusal names the field
/// and says in plain words what it should be: a person reads it in a terminal or on the page, and
/// nothing of the parser's own vocabulary (types, paths, byte offsets) leaks into it.
/// </summary>
internal static class ChaosRequest
{
    /// <summary>What a request looks like, for the refusals.</summary>
    public const string Example = """e.g. {"kind":"loss","loss":0.3}""";

    private const string Kinds = "loss, delay, partition or crash";

    /// <summary>A refusal: the field at fault (null for the body as a whole) and why.</summary>
    public readonly record struct Refusal(string? Field, string Detail);

    /// <summary>The chaos the body asks for, or why it is refused.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> body, int serverHosts, out LiveChaos chaos, out Refusal refusal)
    {
        chaos = null!;
        refusal = default;
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty) return Refuse(null, $"the body is empty; send one chaos as JSON, {Example}", out refusal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line && e.BytePositionInLine is { } column
                ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, column {column + 1})")
                : "";
            return Refuse(null, $"the body is not valid JSON{where}; send one chaos, {Example}", out refusal);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) return Refuse(null, $"the body must be one JSON object, {Example}", out refusal);
            JsonElement? kind = null, loss = null, delayMs = null, host = null;
            foreach (JsonProperty field in document.RootElement.EnumerateObject())
            {
                ref JsonElement? slot = ref kind;
                switch (field.Name)
                {
                    case "kind": slot = ref kind; break;
                    case "loss": slot = ref loss; break;
                    case "delay_ms": slot = ref delayMs; break;
                    case "host": slot = ref host; break;
                    default:
                        return Refuse(field.Name, $"unknown field \"{field.Name}\"; a chaos has \"kind\" ({Kinds}) and, for loss, delay or crash, \"loss\", \"delay_ms\" or \"host\"", out refusal);
                }
                // A repeated field would silently take its last value; say so instead.
                if (slot is not null) return Refuse(field.Name, $"field \"{field.Name}\" is given twice; give it once", out refusal);
                slot = field.Value;
            }

            if (kind is not { } kindValue) return Refuse("kind", $"missing field \"kind\": one of {Kinds}", out refusal);
            string? kindName = kindValue.ValueKind == JsonValueKind.String ? kindValue.GetString() : null;
            LiveChaosKind? parsed = kindName switch
            {
                "loss" => LiveChaosKind.Loss,
                "delay" => LiveChaosKind.Delay,
                "partition" => LiveChaosKind.Partition,
                "crash" => LiveChaosKind.Crash,
                _ => null,
            };
            if (parsed is not { } chosen)
            {
                string got = kindName is null ? kindValue.GetRawText() : $"\"{kindName}\"";
                return Refuse("kind", $"field \"kind\" must be one of {Kinds}; got {Limit(got)}", out refusal);
            }

            // Each kind takes its own value and no other: a "host" on a loss change is a mistake, not a no-op.
            (string Name, JsonElement? Value)[] others = [("loss", loss), ("delay_ms", delayMs), ("host", host)];
            string? own = chosen switch { LiveChaosKind.Loss => "loss", LiveChaosKind.Delay => "delay_ms", LiveChaosKind.Crash => "host", _ => null };
            foreach (var (name, value) in others)
            {
                if (value is not null && name != own)
                    return Refuse(name, $"field \"{name}\" does not belong to a {kindName} chaos{(own is null ? ", which takes no value" : $", which takes \"{own}\"")}", out refusal);
            }

            switch (chosen)
            {
                case LiveChaosKind.Loss:
                    if (!Number(loss, "loss", "a probability from 0 to 1", 0, 1, out double p, out refusal)) return false;
                    chaos = new LiveChaos { Kind = chosen, Loss = p };
                    return true;
                case LiveChaosKind.Delay:
                    if (!Number(delayMs, "delay_ms", "a one-way delay in milliseconds from 0 to 60000", 0, 60_000, out double d, out refusal)) return false;
                    chaos = new LiveChaos { Kind = chosen, DelayMs = d };
                    return true;
                case LiveChaosKind.Crash:
                    string which = serverHosts == 1 ? "0, the only server host" : $"a server host's index from 0 to {serverHosts - 1}";
                    if (!Number(host, "host", which, 0, serverHosts - 1, out double h, out refusal)) return false;
                    if (h != Math.Floor(h)) return Refuse("host", $"field \"host\" must be {which}; got {h.ToString(CultureInfo.InvariantCulture)}", out refusal);
                    chaos = new LiveChaos { Kind = chosen, Host = (int)h };
                    return true;
                default:
                    chaos = new LiveChaos { Kind = chosen };
                    return true;
            }
        }
    }

    private static bool Number(JsonElement? element, string field, string what, double min, double max, out double value, out Refusal refusal)
    {
        value = 0;
        refusal = default;
        if (element is not { } given) return Refuse(field, $"missing field \"{field}\": {what}", out refusal);
        if (given.ValueKind != JsonValueKind.Number || !given.TryGetDouble(out value) || !double.IsFinite(value))
            return Refuse(field, $"field \"{field}\" must be a number, {what}; got {Limit(given.GetRawText())}", out refusal);
        if (value < min || value > max)
            return Refuse(field, $"field \"{field}\" must be {what}; got {value.ToString(CultureInfo.InvariantCulture)}", out refusal);
        return true;
    }

    /// <summary>A value quoted back is cut short: a refusal is one line, whatever was sent.</summary>
    private static string Limit(string raw) => raw.Length <= 40 ? raw : raw[..40] + "…";

    private static bool Refuse(string? field, string detail, out Refusal refusal)
    {
        refusal = new Refusal(field, detail);
        return false;
    }
}
