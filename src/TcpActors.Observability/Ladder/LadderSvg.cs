using System.Globalization;
using System.Xml;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Observability.Html;
using TcpActors.Tcp;

namespace TcpActors.Observability.Ladder;

/// <summary>
/// Draws a <see cref="CoupleLadder"/> as an inline SVG ladder diagram for report.html: the client's
/// and the server's vertical lines, one row per trace event going down, each segment a slanted
/// arrow labelled with its flags, seq and ack (SYN green, FIN orange, RST red, data blue, bare
/// ACK grey), each state written beside its side — the picture the seed stories draw. A dropped
/// segment's arrow stops half-way at an X. Every element has a <c>title</c>, so hovering shows
/// the event's time.
/// </summary>
public static class LadderSvg
{
    private const double Width = 860;
    private const double ClientX = 250;
    private const double ServerX = 610;
    private const double Top = 56;
    private const double Row = 26;
    private const string Svg = SvgMarkup.Namespace;

    /// <summary>Writes the ladder as an <c>svg</c> element, at most <paramref name="maxEvents"/> rows.</summary>
    public static void Write(XmlWriter w, CoupleLadder ladder, int maxEvents = 200)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(ladder);
        int rows = Math.Min(ladder.Events.Count, maxEvents);
        double height = Top + rows * Row + 36;
        string marker = $"ladder-arrow-{ladder.Couple}";

        w.WriteStartElement("svg", Svg);
        w.WriteAttributeString("class", "ladder");
        w.WriteAttributeString("width", SvgMarkup.Num(Width));
        w.WriteAttributeString("height", SvgMarkup.Num(height));
        w.WriteAttributeString("viewBox", $"0 0 {SvgMarkup.Num(Width)} {SvgMarkup.Num(height)}");
        w.WriteAttributeString("role", "img");
        w.WriteElementString("title", Svg, LadderText.Summary(ladder));

        w.WriteStartElement("defs", Svg);
        w.WriteStartElement("marker", Svg);
        w.WriteAttributeString("id", marker);
        w.WriteAttributeString("viewBox", "0 0 10 10");
        w.WriteAttributeString("refX", "9");
        w.WriteAttributeString("refY", "5");
        w.WriteAttributeString("markerWidth", "7");
        w.WriteAttributeString("markerHeight", "7");
        w.WriteAttributeString("orient", "auto-start-reverse");
        Path(w, "M0,0 L10,5 L0,10 z", "arrowhead");
        w.WriteEndElement();
        w.WriteEndElement();

        SvgMarkup.Text(w, 8, 20, "t (s)", "head", "start");
        SvgMarkup.Text(w, ClientX, 20, "client", "head", "middle");
        SvgMarkup.Text(w, ServerX, 20, "server", "head", "middle");
        SvgMarkup.Text(w, ClientX, 40, ladder.InitialState(TraceSide.Client).ToTraceName(), "state", "middle");
        SvgMarkup.Text(w, ServerX, 40, ladder.InitialState(TraceSide.Server).ToTraceName(), "state", "middle");
        Line(w, ClientX, Top - 8, ClientX, height - 24, "side", null);
        Line(w, ServerX, Top - 8, ServerX, height - 24, "side", null);

        for (int i = 0; i < rows; i++)
        {
            var e = ladder.Events[i];
            double y = Top + i * Row + Row / 2;
            string t = JsonLinesTraceWriter.FormatSeconds(e.T);
            w.WriteStartElement("g", Svg);
            w.WriteAttributeString("class", e.Kind.ToString().ToLowerInvariant());
            w.WriteElementString("title", Svg, Describe(e, t));
            SvgMarkup.Text(w, 8, y + 4, t, "time", "start");
            switch (e.Kind)
            {
                case LadderEventKind.State:
                    StateLabel(w, e.Side, y, e.To.ToTraceName(), "state");
                    break;
                case LadderEventKind.Outcome:
                    StateLabel(w, e.Side, y, $"outcome: {e.Outcome.ToName()}", "outcome");
                    break;
                default:
                    SegmentArrow(w, e, y, marker);
                    break;
            }
            w.WriteEndElement();
        }
        if (ladder.Events.Count > rows || ladder.Omitted > 0)
            SvgMarkup.Text(w, Width / 2, height - 8, $"… {ladder.Events.Count - rows + ladder.Omitted} more events not drawn", "time", "middle");
        w.WriteEndElement();
    }

    private static void SegmentArrow(XmlWriter w, in LadderEvent e, double y, string marker)
    {
        bool right = e.Direction == LinkDirection.ClientToServer;
        double x1 = right ? ClientX : ServerX;
        double x2 = right ? ServerX : ClientX;
        double y2 = y + Row * 0.65; // slanted: the segment takes time to cross, and the next row's label stays clear
        string kind = FlagClass(e.Flags);
        string label = e.SegmentLabel + (e.Fate == TraceFate.Delivered ? "" : $" ({e.Fate.ToName()})");
        if (e.Fate is TraceFate.Dropped or TraceFate.Corrupted)
        {
            // Lost on the way: the arrow ends in the middle of the wire.
            double xm = x1 + (x2 - x1) * 0.55;
            double ym = y + (y2 - y) * 0.55;
            Line(w, x1, y, xm, ym, $"seg {kind} lost", null);
            SvgMarkup.Text(w, xm, ym + 5, "✕", "lost-mark", "middle");
        }
        else
        {
            Line(w, x1, y, x2, y2, e.Fate == TraceFate.Duplicated ? $"seg {kind} dup" : $"seg {kind}", marker);
        }
        SvgMarkup.Text(w, (ClientX + ServerX) / 2, y - 1, label, $"label {kind}", "middle");
    }

    private static string FlagClass(TcpFlags flags) =>
        (flags & TcpFlags.Rst) != 0 ? "rst"
        : (flags & TcpFlags.Syn) != 0 ? "syn"
        : (flags & TcpFlags.Fin) != 0 ? "fin"
        : "ack";

    private static string Describe(in LadderEvent e, string t) => e.Kind switch
    {
        LadderEventKind.State => $"t={t}s {e.Side.ToName()}: {e.From.ToTraceName()} → {e.To.ToTraceName()}",
        LadderEventKind.Outcome => $"t={t}s {e.Side.ToName()}: outcome {e.Outcome.ToName()}",
        _ => $"t={t}s {e.Direction.ToName()}: {e.SegmentLabel}, {e.Fate.ToName()}",
    };

    private static void StateLabel(XmlWriter w, TraceSide side, double y, string text, string cls)
    {
        bool client = side == TraceSide.Client;
        Circle(w, client ? ClientX : ServerX, y, cls);
        SvgMarkup.Text(w, client ? ClientX - 10 : ServerX + 10, y + 4, text, cls, client ? "end" : "start");
    }

    private static void Line(XmlWriter w, double x1, double y1, double x2, double y2, string cls, string? marker)
    {
        w.WriteStartElement("line", Svg);
        w.WriteAttributeString("x1", SvgMarkup.Num(x1));
        w.WriteAttributeString("y1", SvgMarkup.Num(y1));
        w.WriteAttributeString("x2", SvgMarkup.Num(x2));
        w.WriteAttributeString("y2", SvgMarkup.Num(y2));
        w.WriteAttributeString("class", cls);
        if (marker is not null) w.WriteAttributeString("marker-end", $"url(#{marker})");
        w.WriteEndElement();
    }

    private static void Circle(XmlWriter w, double x, double y, string cls)
    {
        w.WriteStartElement("circle", Svg);
        w.WriteAttributeString("cx", SvgMarkup.Num(x));
        w.WriteAttributeString("cy", SvgMarkup.Num(y));
        w.WriteAttributeString("r", "3");
        w.WriteAttributeString("class", cls);
        w.WriteEndElement();
    }

    private static void Path(XmlWriter w, string d, string cls)
    {
        w.WriteStartElement("path", Svg);
        w.WriteAttributeString("d", d);
        w.WriteAttributeString("class", cls);
        w.WriteEndElement();
    }

}
