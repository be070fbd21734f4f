using System.Globalization;
using System.Text.Json;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Ladder;

/// <summary>
/// Reads a JSON-lines trace (<c>--trace FILE</c>, DESIGN.md §7) back into the ladder of one couple,
/// for <c>tcpactors trace --couple N</c>. A line that is not a trace event is an error naming the
/// line, not something to skip: a ladder that silently leaves out an event would lie.
/// </summary>
public static class TraceFileReader
{
    /// <summary>
    /// The events of <paramref name="couple"/> in <paramref name="reader"/>, in file order, and every
    /// couple the trace holds (sorted).
    /// </summary>
    /// <param name="reader">The trace's text.</param>
    /// <param name="couple">The couple to collect.</param>
    /// <param name="name">The file's name, for error messages.</param>
    /// <exception cref="InvalidDataException">A line is not a trace event of DESIGN.md §7.</exception>
    public static (CoupleLadder Ladder, IReadOnlyList<int> Couples) Read(TextReader reader, int couple, string name)
    {
        var ladder = new CoupleLadder(couple);
        var couples = new SortedSet<int>();
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                int c = e.GetProperty("couple").GetInt32();
                couples.Add(c);
                if (c != couple) continue;
                ladder.Add(Parse(e));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
            {
                throw new InvalidDataException($"{name}:{number}: not a trace event: {ex.Message}", ex);
            }
        }
        return (ladder, [.. couples]);
    }

    /// <summary>Reads <paramref name="path"/>; see <see cref="Read(TextReader, int, string)"/>.</summary>
    public static (CoupleLadder Ladder, IReadOnlyList<int> Couples) Read(string path, int couple)
    {
        using var reader = new StreamReader(path);
        return Read(reader, couple, path);
    }

    private static LadderEvent Parse(JsonElement e)
    {
        // Times are decimal seconds; decimal keeps 0.0105 exact on the way to ticks.
        decimal seconds = decimal.Parse(e.GetProperty("t").GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
        var t = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        string kind = Text(e, "event");
        switch (kind)
        {
            case "state":
                return LadderEvent.OfState(t, Side(e), Required<TcpState>(TraceNames.TryParseState, Text(e, "from"), "state"), Required<TcpState>(TraceNames.TryParseState, Text(e, "to"), "state"));
            case "segment":
                return LadderEvent.OfSegment(t,
                    Required<LinkDirection>(TraceNames.TryParseDirection, Text(e, "dir"), "dir"),
                    Required<TcpFlags>(TraceNames.TryParseFlags, Text(e, "flags"), "flags"),
                    e.GetProperty("seq").GetUInt32(), e.GetProperty("ack").GetUInt32(), e.GetProperty("len").GetInt32(),
                    Required<TraceFate>(TraceNames.TryParseFate, Text(e, "fate"), "fate"));
            case "outcome":
                return LadderEvent.OfOutcome(t, Side(e), Required<CoupleOutcome>(TraceNames.TryParseOutcome, Text(e, "outcome"), "outcome"));
            default:
                throw new FormatException($"unknown event '{kind}'");
        }
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static T Required<T>(TryParse<T> parse, string text, string field) =>
        parse(text, out T value) ? value : throw new FormatException($"bad {field} '{text}'");

    private static TraceSide Side(JsonElement e) =>
        Required<TraceSide>(TraceNames.TryParseSide, Text(e, "side"), "side");

    private static string Text(JsonElement e, string property) =>
        e.GetProperty(property).GetString() ?? throw new FormatException($"{property} is null");
}
