using System.Globalization;
using System.Xml;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Observability.Html;

/// <summary>
/// A line chart of endpoints per TCP state over virtual time, as an inline SVG (report.html),
/// each line over a band from the state's exact minimum to its exact maximum between samples.
/// Long runs are thinned to at most <see cref="MaxColumns"/> columns, each keeping its lowest and
/// highest sample, so a peak is never smoothed away. TIME_WAIT, when charted, is drawn thick
/// and filled beneath, and its peak is labelled: the build-up is the first thing one sees.
/// </summary>
public static class StateChart
{
    /// <summary>The long-lived states: where endpoints sit and pile up (split from the transient ones).</summary>
    public static ReadOnlySpan<TcpState> LongLived => [TcpState.Established, TcpState.CloseWait, TcpState.FinWait2, TcpState.TimeWait];

    /// <summary>The transient states an endpoint passes through during a handshake or a close.</summary>
    public static ReadOnlySpan<TcpState> Transient => [TcpState.SynSent, TcpState.SynReceived, TcpState.FinWait1, TcpState.Closing, TcpState.LastAck];

    /// <summary>Most columns drawn; beyond it samples are bucketed (min and max kept).</summary>
    public const int MaxColumns = 600;

    private const double Width = 900, Height = 300, Left = 70, Right = 190, TopMargin = 16, Bottom = 40;
    private const string Svg = SvgMarkup.Namespace;

    /// <summary>The stroke colour of each state (indexed by <see cref="TcpState"/>).</summary>
    public static string Colour(TcpState state) => state switch
    {
        TcpState.Established => "#2b8a3e",
        TcpState.CloseWait => "#e67700",
        TcpState.FinWait2 => "#1971c2",
        TcpState.TimeWait => "#c92a2a",
        TcpState.SynSent => "#5f3dc4",
        TcpState.SynReceived => "#0c8599",
        TcpState.FinWait1 => "#364fc7",
        TcpState.Closing => "#862e9c",
        TcpState.LastAck => "#d9480f",
        TcpState.Listen => "#868e96",
        _ => "#495057",
    };

    /// <summary>
    /// Writes the chart of <paramref name="states"/> as an <c>svg</c> element: each state's
    /// sampled line over a pale band from its exact minimum to its exact maximum within each
    /// interval, so a state that lives between two samples still shows. <paramref name="peaks"/>
    /// are the report's exact peaks (by state metric name); without them the band's top is used.
    /// <paramref name="chaos"/> windows are shaded under the lines.
    /// </summary>
    public static void Write(XmlWriter w, TimeSeries series, ReadOnlySpan<TcpState> states, string title,
        IReadOnlyDictionary<string, Simulation.Reporting.StatePeak>? peaks = null,
        IReadOnlyList<Simulation.Reporting.ChaosWindow>? chaos = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(series);
        double plotW = Width - Left - Right, plotH = Height - TopMargin - Bottom;
        double tMax = series.Rows > 0 ? Math.Max(series.TimeAt(series.Rows - 1).TotalSeconds, 1e-9) : 1;
        (long Count, TimeSpan At) PeakOf(TcpState state)
        {
            if (peaks is not null && peaks.TryGetValue(state.ToMetricName(), out var p)) return (p.Count, TimeSpan.FromSeconds(p.At));
            long best = 0;
            TimeSpan at = TimeSpan.Zero;
            for (int row = 0; row < series.Rows; row++)
            {
                if (series.Max(row, state) > best) (best, at) = (series.Max(row, state), series.TimeAt(row));
            }
            return (best, at);
        }
        long yTop = 1;
        foreach (var s in states) yTop = Math.Max(yTop, PeakOf(s).Count);
        double yStep = Math.Max(1, NiceStep(yTop, 5)); // whole endpoints
        double yMax = Math.Ceiling(yTop / yStep) * yStep;
        double xStep = NiceStep(tMax, 8);

        w.WriteStartElement("svg", Svg);
        w.WriteAttributeString("class", "chart");
        w.WriteAttributeString("width", SvgMarkup.Num(Width));
        w.WriteAttributeString("height", SvgMarkup.Num(Height));
        w.WriteAttributeString("viewBox", $"0 0 {SvgMarkup.Num(Width)} {SvgMarkup.Num(Height)}");
        w.WriteAttributeString("role", "img");
        w.WriteElementString("title", Svg, title);

        for (double y = 0; y <= yMax + yStep / 2; y += yStep)
        {
            double py = TopMargin + plotH - y / yMax * plotH;
            Line(w, Left, py, Left + plotW, py, "grid");
            SvgMarkup.Text(w, Left - 6, py + 4, Count((long)y), "tick", "end");
        }
        for (double x = 0; x <= tMax + xStep / 1000; x += xStep)
        {
            double px = Left + x / tMax * plotW;
            Line(w, px, TopMargin, px, TopMargin + plotH, "grid");
            SvgMarkup.Text(w, px, TopMargin + plotH + 16, x.ToString("0.###", CultureInfo.InvariantCulture), "tick", "middle");
        }
        SvgMarkup.Text(w, Left + plotW / 2, Height - 6, "virtual time (s)", "axis", "middle");
        Line(w, Left, TopMargin + plotH, Left + plotW, TopMargin + plotH, "axis-line");
        Line(w, Left, TopMargin, Left, TopMargin + plotH, "axis-line");

        if (chaos is not null) ChaosBands.Write(w, chaos, tMax, Left, TopMargin, plotW, plotH);
        int legendRow = 0;
        foreach (var state in states)
        {
            string points = Points(series, state, tMax, yMax, plotW, plotH);
            var peak = PeakOf(state);
            string name = state.ToTraceName();
            w.WriteStartElement("g", Svg);
            w.WriteAttributeString("class", $"series {state.ToMetricName()}");
            w.WriteElementString("title", Svg, $"{name}: peak {Count(peak.Count)} at {Seconds(peak.At)} s");
            if (state == TcpState.TimeWait && points.Length > 0)
            {
                double baseY = TopMargin + plotH;
                Polygon(w, $"{SvgMarkup.Num(Left)},{SvgMarkup.Num(baseY)} {points} {SvgMarkup.Num(Left + plotW * Math.Min(1, series.TimeAt(series.Rows - 1).TotalSeconds / tMax))},{SvgMarkup.Num(baseY)}", Colour(state));
            }
            string band = Band(series, state, tMax, yMax, plotW, plotH);
            if (band.Length > 0) BandPolygon(w, band, Colour(state));
            if (points.Length > 0) Polyline(w, points, Colour(state), state == TcpState.TimeWait ? 3 : 1.6);
            if (state == TcpState.TimeWait && peak.Count > 0)
            {
                double px = Left + peak.At.TotalSeconds / tMax * plotW, py = TopMargin + plotH - peak.Count / yMax * plotH;
                SvgMarkup.Text(w, Math.Min(px + 6, Left + plotW - 4), Math.Max(py - 6, TopMargin + 12), $"TIME_WAIT peak {Count(peak.Count)} at {Seconds(peak.At)} s", "peak", px + 6 > Left + plotW - 200 ? "end" : "start");
            }
            // Name and peak on two lines: "SYN_RECEIVED (peak 1,000,000)" on one would run past the SVG's edge.
            double ly = TopMargin + 10 + legendRow * 36;
            double lx = Left + plotW + 14;
            Line(w, lx, ly, lx + 18, ly, "legend-swatch", Colour(state), state == TcpState.TimeWait ? 3 : 2);
            SvgMarkup.Text(w, lx + 24, ly + 4, name, "legend", "start");
            SvgMarkup.Text(w, lx + 24, ly + 19, $"peak {Count(peak.Count)}", "legend", "start");
            w.WriteEndElement();
            legendRow++;
        }
        if (series.Rows == 0) SvgMarkup.Text(w, Left + plotW / 2, TopMargin + plotH / 2, "no samples", "axis", "middle");
        w.WriteEndElement();
    }

    /// <summary>A step of 1, 2 or 5 times a power of ten giving about <paramref name="ticks"/> ticks over <paramref name="range"/>.</summary>
    public static double NiceStep(double range, int ticks)
    {
        if (range <= 0) return 1;
        double raw = range / ticks;
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / power;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * power;
    }

    private static string Points(TimeSeries series, TcpState state, double tMax, double yMax, double plotW, double plotH)
    {
        int rows = series.Rows;
        if (rows == 0) return "";
        var points = new System.Text.StringBuilder(Math.Min(rows, 2 * MaxColumns) * 14);
        void Add(int row)
        {
            double px = Left + series.TimeAt(row).TotalSeconds / tMax * plotW;
            double py = TopMargin + plotH - series.Count(row, state) / yMax * plotH;
            if (points.Length > 0) points.Append(' ');
            points.Append(SvgMarkup.Num(px)).Append(',').Append(SvgMarkup.Num(py));
        }
        if (rows <= 2 * MaxColumns)
        {
            for (int row = 0; row < rows; row++) Add(row);
            return points.ToString();
        }
        for (int c = 0; c < MaxColumns; c++)
        {
            int from = (int)((long)c * rows / MaxColumns), to = (int)((long)(c + 1) * rows / MaxColumns);
            int lo = from, hi = from;
            for (int row = from; row < to; row++)
            {
                if (series.Count(row, state) < series.Count(lo, state)) lo = row;
                if (series.Count(row, state) > series.Count(hi, state)) hi = row;
            }
            Add(Math.Min(lo, hi));
            if (lo != hi) Add(Math.Max(lo, hi));
        }
        return points.ToString();
    }

    /// <summary>
    /// The band of a state: along its interval maxima, then back along its minima (per column
    /// when thinned: the highest maximum and the lowest minimum of the rows it covers).
    /// </summary>
    private static string Band(TimeSeries series, TcpState state, double tMax, double yMax, double plotW, double plotH)
    {
        int rows = series.Rows;
        bool any = false;
        for (int row = 0; row < rows && !any; row++) any = series.Max(row, state) != series.Min(row, state);
        if (!any) return ""; // no state moved between samples: the line says it all
        int columns = Math.Min(rows, 2 * MaxColumns);
        var top = new (double X, double Y)[columns];
        var bottom = new (double X, double Y)[columns];
        for (int c = 0; c < columns; c++)
        {
            int from = (int)((long)c * rows / columns), to = Math.Max(from + 1, (int)((long)(c + 1) * rows / columns));
            long hi = long.MinValue, lo = long.MaxValue;
            for (int row = from; row < to; row++)
            {
                hi = Math.Max(hi, series.Max(row, state));
                lo = Math.Min(lo, series.Min(row, state));
            }
            double px = Left + series.TimeAt(to - 1).TotalSeconds / tMax * plotW;
            top[c] = (px, TopMargin + plotH - hi / yMax * plotH);
            bottom[c] = (px, TopMargin + plotH - lo / yMax * plotH);
        }
        var points = new System.Text.StringBuilder(columns * 28);
        foreach (var (x, y) in top) points.Append(SvgMarkup.Num(x)).Append(',').Append(SvgMarkup.Num(y)).Append(' ');
        for (int c = columns - 1; c >= 0; c--) points.Append(SvgMarkup.Num(bottom[c].X)).Append(',').Append(SvgMarkup.Num(bottom[c].Y)).Append(c > 0 ? " " : "");
        return points.ToString();
    }

    private static void BandPolygon(XmlWriter w, string points, string colour)
    {
        w.WriteStartElement("polygon", Svg);
        w.WriteAttributeString("class", "band");
        w.WriteAttributeString("points", points);
        w.WriteAttributeString("fill", colour);
        w.WriteAttributeString("fill-opacity", "0.25");
        w.WriteAttributeString("stroke", "none");
        w.WriteEndElement();
    }

    private static string Count(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static void Polyline(XmlWriter w, string points, string colour, double width)
    {
        w.WriteStartElement("polyline", Svg);
        w.WriteAttributeString("points", points);
        w.WriteAttributeString("fill", "none");
        w.WriteAttributeString("stroke", colour);
        w.WriteAttributeString("stroke-width", SvgMarkup.Num(width));
        w.WriteAttributeString("stroke-linejoin", "round");
        w.WriteEndElement();
    }

    private static void Polygon(XmlWriter w, string points, string colour)
    {
        w.WriteStartElement("polygon", Svg);
        w.WriteAttributeString("points", points);
        w.WriteAttributeString("fill", colour);
        w.WriteAttributeString("fill-opacity", "0.15");
        w.WriteAttributeString("stroke", "none");
        w.WriteEndElement();
    }

    private static void Line(XmlWriter w, double x1, double y1, double x2, double y2, string cls, string? colour = null, double width = 1)
    {
        w.WriteStartElement("line", Svg);
        w.WriteAttributeString("x1", SvgMarkup.Num(x1));
        w.WriteAttributeString("y1", SvgMarkup.Num(y1));
        w.WriteAttributeString("x2", SvgMarkup.Num(x2));
        w.WriteAttributeString("y2", SvgMarkup.Num(y2));
        w.WriteAttributeString("class", cls);
        if (colour is not null)
        {
            w.WriteAttributeString("stroke", colour);
            w.WriteAttributeString("stroke-width", SvgMarkup.Num(width));
        }
        w.WriteEndElement();
    }

}
