using System.Globalization;
using System.Text;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tracing;

/// <summary>
/// Writes a trace as JSON lines in DESIGN.md §7's exact format, one object per event, as the
/// events happen (nothing is kept in memory beyond the writer's buffer):
/// <code>
/// {"t":0.010,"couple":0,"side":"server","event":"state","from":"LISTEN","to":"SYN_RECEIVED"}
/// {"t":0.000,"couple":0,"event":"segment","dir":"client_to_server","flags":"SYN","seq":1000,"ack":0,"len":0,"fate":"delivered"}
/// {"t":131.000,"couple":0,"side":"client","event":"outcome","outcome":"timed_out"}
/// </code>
/// Times are virtual seconds with at least three decimals. Numbers use the invariant culture.
/// </summary>
public sealed class JsonLinesTraceWriter : ITraceSink, IDisposable
{
    private static readonly string[] s_fates = ["delivered", "dropped", "corrupted", "duplicated"];
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly StringBuilder _line = new(160);

    /// <summary>Writes to <paramref name="writer"/>; <paramref name="ownsWriter"/> disposes it with this.</summary>
    public JsonLinesTraceWriter(TextWriter writer, bool ownsWriter = false)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _ownsWriter = ownsWriter;
    }

    /// <summary>Creates (or truncates) the file at <paramref name="path"/>, UTF-8 without BOM.</summary>
    public static JsonLinesTraceWriter Create(string path) =>
        new(new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" }, ownsWriter: true);

    /// <summary>Lines written so far.</summary>
    public long Lines { get; private set; }

    /// <inheritdoc />
    public void State(TimeSpan t, int couple, TraceSide side, TcpState from, TcpState to)
    {
        Begin(t, couple);
        _line.Append(",\"side\":\"").Append(SideName(side)).Append("\",\"event\":\"state\",\"from\":\"")
            .Append(from.ToTraceName()).Append("\",\"to\":\"").Append(to.ToTraceName()).Append("\"}");
        End();
    }

    /// <inheritdoc />
    public void Segment(TimeSpan t, int couple, LinkDirection direction, in Segment segment, TraceFate fate)
    {
        Begin(t, couple);
        _line.Append(",\"event\":\"segment\",\"dir\":\"").Append(direction.ToName())
            .Append("\",\"flags\":\"").Append(segment.Flags.ToWireshark())
            .Append("\",\"seq\":").Append(segment.Seq.Value.ToString(CultureInfo.InvariantCulture))
            .Append(",\"ack\":").Append(segment.Ack.Value.ToString(CultureInfo.InvariantCulture))
            .Append(",\"len\":").Append(segment.PayloadLength.ToString(CultureInfo.InvariantCulture))
            .Append(",\"fate\":\"").Append(s_fates[(int)fate]).Append("\"}");
        End();
    }

    /// <inheritdoc />
    public void Outcome(TimeSpan t, int couple, TraceSide side, CoupleOutcome outcome)
    {
        Begin(t, couple);
        _line.Append(",\"side\":\"").Append(SideName(side)).Append("\",\"event\":\"outcome\",\"outcome\":\"")
            .Append(outcome.ToName()).Append("\"}");
        End();
    }

    /// <inheritdoc />
    public void Flush() => _writer.Flush();

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Flush();
        if (_ownsWriter) _writer.Dispose();
    }

    /// <summary>Virtual seconds as the trace prints them: <c>0.010</c>, <c>131.000</c>, <c>0.0105</c>.</summary>
    public static string FormatSeconds(TimeSpan t) =>
        (t.Ticks / (double)TimeSpan.TicksPerSecond).ToString("0.000####", CultureInfo.InvariantCulture);

    private static string SideName(TraceSide side) => side == TraceSide.Client ? "client" : "server";

    private void Begin(TimeSpan t, int couple)
    {
        _line.Clear();
        _line.Append("{\"t\":").Append(FormatSeconds(t)).Append(",\"couple\":").Append(couple.ToString(CultureInfo.InvariantCulture));
    }

    private void End()
    {
        _writer.Write(_line);
        _writer.Write('\n');
        Lines++;
    }
}
