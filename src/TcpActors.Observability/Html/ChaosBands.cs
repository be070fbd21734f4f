using System.Globalization;
using System.Xml;
using TcpActors.Simulation.Reporting;

namespace TcpActors.Observability.Html;

/// <summary>
/// The report's chaos on report.html: a shaded band with its label over each time chart for every
/// window (a dashed line for an instant event), so a dip in a chart says why; and a table of the
/// windows. The same windows as <c>report.json</c>'s <c>chaos</c>.
/// </summary>
public static class ChaosBands
{
    /// <summary>Most windows drawn on a chart; the table says how many more there were.</summary>
    public const int MaxDrawn = 200;

    private const string Svg = SvgMarkup.Namespace;
    private const string Xhtml = "http://www.w3.org/1999/xhtml";
    private const double LabelRow = 12;
    private const int LabelRows = 3;

    /// <summary>CSS for the bands and the table (no '&lt;', '&gt;' or '&amp;': it goes in a style element).</summary>
    public const string Css = """
        svg .chaos-band { fill: #f08c00; fill-opacity: 0.13; stroke: #f08c00; stroke-opacity: 0.5; stroke-dasharray: 3 3; }
        svg .chaos-instant { stroke: #f08c00; stroke-width: 1.5; stroke-dasharray: 4 3; }
        svg text.chaos-label { fill: #d9480f; font-size: 10px; }
        table.chaos td { text-align: left; }
        """;

    /// <summary>
    /// Shades each window of <paramref name="chaos"/> over the plot area (left, top, width, height)
    /// of a chart whose x axis runs from 0 to <paramref name="tMax"/> seconds.
    /// </summary>
    public static void Write(XmlWriter w, IReadOnlyList<ChaosWindow> chaos, double tMax, double left, double top, double plotW, double plotH)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(chaos);
        if (chaos.Count == 0 || tMax <= 0) return;
        double X(double t) => left + Math.Clamp(t / tMax, 0, 1) * plotW;
        w.WriteStartElement("g", Svg);
        w.WriteAttributeString("class", "chaos");
        for (int i = 0; i < chaos.Count && i < MaxDrawn; i++)
        {
            ChaosWindow c = chaos[i];
            double x0 = X(c.At);
            w.WriteStartElement("g", Svg);
            w.WriteAttributeString("class", "chaos-window");
            w.WriteAttributeString("data-kind", c.Kind);
            w.WriteAttributeString("data-source", c.Source);
            w.WriteElementString("title", Svg, $"{c.Label}: {Span(c)} ({c.Source})");
            if (c.Until is { } until)
            {
                double x1 = Math.Max(X(until), x0 + 1);
                w.WriteStartElement("rect", Svg);
                w.WriteAttributeString("class", "chaos-band");
                w.WriteAttributeString("x", SvgMarkup.Num(x0));
                w.WriteAttributeString("y", SvgMarkup.Num(top));
                w.WriteAttributeString("width", SvgMarkup.Num(x1 - x0));
                w.WriteAttributeString("height", SvgMarkup.Num(plotH));
                w.WriteEndElement();
            }
            else
            {
                w.WriteStartElement("line", Svg);
                w.WriteAttributeString("class", "chaos-instant");
                w.WriteAttributeString("x1", SvgMarkup.Num(x0));
                w.WriteAttributeString("y1", SvgMarkup.Num(top));
                w.WriteAttributeString("x2", SvgMarkup.Num(x0));
                w.WriteAttributeString("y2", SvgMarkup.Num(top + plotH));
                w.WriteEndElement();
            }
            // Labels take turns on three rows so that neighbouring windows do not write over each other;
            // one that would run past the plot's right edge is anchored at its end instead.
            double y = top + 10 + i % LabelRows * LabelRow;
            bool nearRight = x0 > left + plotW - 6.5 * c.Label.Length - 6;
            SvgMarkup.Text(w, nearRight ? left + plotW - 3 : x0 + 3, y, c.Label, "chaos-label", nearRight ? "end" : "start");
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>The table of the windows (nothing when the run had no chaos).</summary>
    public static void WriteTable(XmlWriter w, IReadOnlyList<ChaosWindow> chaos)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(chaos);
        if (chaos.Count == 0) return;
        w.WriteStartElement("table", Xhtml);
        w.WriteAttributeString("class", "chaos");
        w.WriteElementString("caption", Xhtml, chaos.Count > MaxDrawn
            ? $"Chaos: {chaos.Count} windows (the first {MaxDrawn} are shaded on the charts and listed)"
            : $"Chaos: {chaos.Count} window(s), shaded on the charts");
        w.WriteStartElement("tr", Xhtml);
        foreach (string head in (string[])["window", "kind", "targets", "parameters", "source"]) w.WriteElementString("th", Xhtml, head);
        w.WriteEndElement();
        for (int i = 0; i < chaos.Count && i < MaxDrawn; i++)
        {
            ChaosWindow c = chaos[i];
            w.WriteStartElement("tr", Xhtml);
            w.WriteElementString("td", Xhtml, Span(c));
            w.WriteElementString("td", Xhtml, c.Kind);
            w.WriteElementString("td", Xhtml, string.Join(", ", c.Targets));
            w.WriteElementString("td", Xhtml, string.Join(", ", c.Parameters.Select(p => $"{p.Key}: {p.Value}")));
            w.WriteElementString("td", Xhtml, c.Source == ChaosWindow.Api ? $"api #{c.Id}" : $"schedule #{c.Id}");
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static string Span(ChaosWindow c) => c.Until is { } until ? $"{S(c.At)} s → {S(until)} s" : $"at {S(c.At)} s";

    private static string S(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
