using System.Globalization;
using System.Text;
using System.Xml;
using TcpActors.Observability.Ladder;
using TcpActors.Simulation.Reporting;
using TcpActors.Tcp;

namespace TcpActors.Observability.Html;

/// <summary>
/// <c>report.html</c> of a run directory (DESIGN.md §7): one self-contained page — inline CSS and
/// SVG, no script, no font or CDN, so it opens offline and can be mailed as it is. It shows the
/// endpoints per state over time (long-lived states apart from transient ones, TIME_WAIT's
/// build-up and drain at a glance), the outcome, segment and per-state tables, and the ladder
/// diagram of a traced couple. The page is XHTML-compatible (written by an
/// <see cref="XmlWriter"/>, so it is well-formed XML as well as HTML5).
/// </summary>
public static class HtmlReport
{
    /// <summary>The file name in the run directory.</summary>
    public const string FileName = "report.html";

    private const string Xhtml = "http://www.w3.org/1999/xhtml";

    // No '<', '>' or '&' here: the style element is raw text to an HTML parser but escaped by the XML writer.
    private const string Css = """
        body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2em auto; max-width: 1000px; color: #212529; padding: 0 1em; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #dee2e6; }
        h3 { font-size: 1.05em; }
        p.lead { color: #495057; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.5em 1.5em 0.5em 0; display: inline-table; vertical-align: top; }
        th, td { border: 1px solid #dee2e6; padding: 0.2em 0.6em; text-align: right; font-variant-numeric: tabular-nums; }
        th:first-child, td:first-child { text-align: left; }
        caption { font-weight: 600; text-align: left; padding-bottom: 0.3em; }
        .ok { color: #2b8a3e; font-weight: 600; }
        .bad { color: #c92a2a; font-weight: 600; }
        code { background: #f1f3f5; padding: 0 0.25em; }
        svg text { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: 11px; fill: #343a40; }
        svg .grid { stroke: #e9ecef; }
        svg .axis-line { stroke: #868e96; }
        svg .tick, svg .axis { fill: #868e96; }
        svg .peak { fill: #c92a2a; font-weight: 700; }
        svg.ladder .side { stroke: #495057; stroke-width: 2; }
        svg.ladder .head { font-size: 13px; font-weight: 700; }
        svg.ladder text.time { fill: #868e96; font-weight: 400; }
        svg.ladder .state { fill: #1864ab; font-weight: 700; }
        svg.ladder circle.state { fill: #1864ab; }
        svg.ladder .outcome { fill: #2b8a3e; font-weight: 700; }
        svg.ladder circle.outcome { fill: #2b8a3e; }
        svg.ladder .arrowhead { fill: #495057; }
        svg.ladder line.seg { stroke-width: 1.5; }
        svg.ladder .syn { stroke: #2b8a3e; fill: #2b8a3e; }
        svg.ladder .fin { stroke: #e67700; fill: #e67700; }
        svg.ladder .rst { stroke: #c92a2a; fill: #c92a2a; }
        svg.ladder .ack { stroke: #495057; fill: #343a40; }
        svg.ladder line.lost { stroke-dasharray: 4 3; }
        svg.ladder line.dup { stroke-width: 3; }
        svg.ladder .lost-mark { fill: #c92a2a; font-size: 16px; font-weight: 700; }
        svg.ladder text.label { stroke: none; }
        """;

    /// <summary>
    /// Writes <c>report.html</c> into <paramref name="directory"/> atomically (a temporary file, then a
    /// rename) and returns its path.
    /// </summary>
    public static string Write(RunReport report, IReadOnlyList<CoupleLadder> ladders, string directory)
    {
        string html = Render(report, ladders);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        string temp = Path.Combine(directory, $".{FileName}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, html, new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>The page for <paramref name="report"/>, with the ladders of <see cref="ChooseLadders"/>.</summary>
    public static string Render(RunReport report, IReadOnlyList<CoupleLadder> ladders)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(ladders);
        // The HTML5 doctype, spelled exactly; XmlWriter's own would add a space before '>'.
        var text = new StringBuilder(64 * 1024).Append("<!DOCTYPE html>\n");
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, ConformanceLevel = ConformanceLevel.Fragment, Indent = true, IndentChars = " ", NewLineChars = "\n" };
        using (var w = XmlWriter.Create(text, settings))
        {
            w.WriteStartElement("html", Xhtml);
            w.WriteAttributeString("lang", "en");
            Head(w, report);
            w.WriteStartElement("body", Xhtml);
            Heading(w, report);
            Charts(w, report);
            Tables(w, report);
            Ladders(w, ChooseLadders(ladders));
            Element(w, "p", "Written by tcpactors. The state counts are sampled every run.sample_every of virtual time; " +
                            "the ladder is drawn from the run's trace (the repository's docs/traces.md and docs/cli.md tell every field).", "lead");
            w.WriteFullEndElement();
            w.WriteFullEndElement();
        }
        return text.Append('\n').ToString();
    }

    /// <summary>
    /// The ladders worth drawing: the first traced couple, and the next one the network hurt
    /// (a segment dropped, corrupted or duplicated) or that did not complete, if any.
    /// </summary>
    public static IReadOnlyList<CoupleLadder> ChooseLadders(IReadOnlyList<CoupleLadder> ladders)
    {
        var chosen = new List<CoupleLadder>(2);
        if (ladders.Count == 0) return chosen;
        chosen.Add(ladders[0]);
        for (int i = 1; i < ladders.Count; i++)
        {
            if (ladders[i].SegmentsHurt > 0 || !Completed(ladders[i]))
            {
                chosen.Add(ladders[i]);
                break;
            }
        }
        return chosen;
    }

    private static bool Completed(CoupleLadder ladder)
    {
        foreach (var e in ladder.Events)
        {
            if (e.Kind == LadderEventKind.Outcome) return e.Outcome == Simulation.Telemetry.CoupleOutcome.Completed;
        }
        return false;
    }

    private static void Head(XmlWriter w, RunReport report)
    {
        w.WriteStartElement("head", Xhtml);
        w.WriteStartElement("meta", Xhtml);
        w.WriteAttributeString("charset", "utf-8");
        w.WriteEndElement();
        w.WriteStartElement("meta", Xhtml);
        w.WriteAttributeString("name", "viewport");
        w.WriteAttributeString("content", "width=device-width, initial-scale=1");
        w.WriteEndElement();
        Element(w, "title", $"tcpactors: {report.Scenario} (seed {report.Seed})");
        Element(w, "style", Css + ChaosBands.Css);
        w.WriteFullEndElement();
    }

    private static void Heading(XmlWriter w, RunReport report)
    {
        Element(w, "h1", $"{report.Scenario}");
        w.WriteStartElement("p", Xhtml);
        w.WriteAttributeString("class", "lead");
        w.WriteString($"seed {report.Seed} · profile {report.Profile} · {N(report.Couples)} couples · " +
                      $"{S(report.VirtualSeconds)} s of virtual time in {S(report.WallSeconds)} s of wall time · " +
                      $"{N(report.Events)} events · shards {report.Shards} · ");
        if (report.Interrupted) Span(w, "interrupted (Ctrl+C): the report covers what was simulated", "bad");
        else if (report.Invariants.Ok) Span(w, "every invariant held", "ok");
        else Span(w, $"{report.Invariants.Violations.Count} invariant(s) violated", "bad");
        w.WriteFullEndElement();
        w.WriteStartElement("p", Xhtml);
        w.WriteString("digest ");
        Element(w, "code", report.Digest);
        w.WriteFullEndElement();
        if (report.Invariants.Violations.Count > 0)
        {
            w.WriteStartElement("ul", Xhtml);
            foreach (string v in report.Invariants.Violations) Element(w, "li", v, "bad");
            w.WriteFullEndElement();
        }
    }

    private static void Charts(XmlWriter w, RunReport report)
    {
        Element(w, "h2", "Endpoints per TCP state");
        var tw = Peak(report, TcpState.TimeWait);
        Element(w, "p", $"TIME_WAIT peaked at {N(tw.Count)} endpoints at t = {S(tw.At)} s and ended the run at " +
                        $"{N(Final(report, TcpState.TimeWait))}. Long-lived states — where endpoints sit, and pile up — are drawn apart " +
                        "from the transient ones an endpoint passes through during a handshake or a close.", "lead");
        Element(w, "h3", "Long-lived states: ESTABLISHED, CLOSE_WAIT, FIN_WAIT_2, TIME_WAIT");
        StateChart.Write(w, report.TimeSeries, StateChart.LongLived, "Long-lived states over virtual time", report.Peaks, report.Chaos);
        Element(w, "h3", "Transient states: SYN_SENT, SYN_RECEIVED, FIN_WAIT_1, CLOSING, LAST_ACK");
        StateChart.Write(w, report.TimeSeries, StateChart.Transient, "Transient states over virtual time", report.Peaks, report.Chaos);
        Element(w, "p", "Each line is the count at every sample; the pale band under it spans the fewest and the most " +
                        "endpoints the state had at any instant between two samples (exact, like the peaks).", "note");
        ChaosBands.WriteTable(w, report.Chaos);
    }

    /// <summary>The report's exact peak of a state (DESIGN.md §7), never one read from the samples.</summary>
    private static StatePeak Peak(RunReport report, TcpState state) =>
        report.Peaks.TryGetValue(state.ToMetricName(), out var peak) ? peak : new StatePeak();

    private static void Tables(XmlWriter w, RunReport report)
    {
        Element(w, "h2", "Outcomes and segments");
        var o = report.Outcomes;
        Table(w, "Couples by outcome",
        [
            ("completed", o.Completed), ("refused", o.Refused), ("timed_out", o.TimedOut), ("reset", o.Reset),
            ("port_exhausted", o.PortExhausted), ("aborted", o.Aborted), ("crashed", o.Crashed),
            ("open at the end", o.Open), ("not started", o.NotStarted),
        ]);
        var s = report.Segments;
        Table(w, "Segments",
        [
            ("sent", s.Sent), ("delivered", s.Delivered), ("dropped", s.Dropped), ("duplicated", s.Duplicated),
            ("corrupted", s.Corrupted), ("retransmitted", s.Retransmitted), ("reordered", s.Reordered),
            ("in flight at the end", s.InFlight), ("unroutable", s.Unroutable),
        ]);
        var d = s.DroppedByCause;
        Table(w, "Drops by cause", [("loss", d.Loss), ("partition", d.Partition), ("blackhole", d.Blackhole), ("queue_full", d.QueueFull), ("targeted", d.Targeted)]);
        var c = report.ConnectOutcomes;
        Table(w, "connect() outcomes",
        [
            ("established", c.Established), ("refused", c.Refused), ("timed_out", c.TimedOut), ("reset", c.Reset), ("port_exhausted", c.PortExhausted),
        ]);
        var r = report.Resets;
        Table(w, "Resets",
        [
            ("sent", r.Sent), ("received", r.Received), ("injected", r.Injected), ("challenge ACKs", r.ChallengeAcks),
            ("TIME_WAIT overflow", report.TimeWaitOverflow),
        ]);

        w.WriteStartElement("table", Xhtml);
        Element(w, "caption", "Endpoints per state");
        w.WriteStartElement("tr", Xhtml);
        Element(w, "th", "state");
        Element(w, "th", "peak");
        Element(w, "th", "peak at (s)");
        Element(w, "th", "at the end");
        w.WriteFullEndElement();
        foreach (TcpState state in TcpStateNames.All)
        {
            var peak = Peak(report, state);
            w.WriteStartElement("tr", Xhtml);
            Element(w, "td", state.ToTraceName());
            Element(w, "td", N(peak.Count));
            Element(w, "td", S(peak.At));
            Element(w, "td", N(Final(report, state)));
            w.WriteFullEndElement();
        }
        w.WriteFullEndElement();

        var h = report.HandshakeSeconds;
        var l = report.ConnectionSeconds;
        w.WriteStartElement("table", Xhtml);
        Element(w, "caption", "Durations (s)");
        w.WriteStartElement("tr", Xhtml);
        foreach (string head in (string[])["", "count", "p50", "p90", "p99", "p99.9", "max"]) Element(w, "th", head);
        w.WriteFullEndElement();
        foreach (var (name, q) in (ReadOnlySpan<(string, Quantiles)>)[("handshake", h), ("connection", l)])
        {
            w.WriteStartElement("tr", Xhtml);
            Element(w, "td", name);
            Element(w, "td", N(q.Count));
            Element(w, "td", S(q.P50));
            Element(w, "td", S(q.P90));
            Element(w, "td", S(q.P99));
            Element(w, "td", S(q.P999));
            Element(w, "td", S(q.Max));
            w.WriteFullEndElement();
        }
        w.WriteFullEndElement();
    }

    private static void Ladders(XmlWriter w, IReadOnlyList<CoupleLadder> ladders)
    {
        Element(w, "h2", "Ladder diagram of a traced couple");
        if (ladders.Count == 0)
        {
            Element(w, "p", "No couple was traced in this run (--trace-couples 0, or no couple started).", "lead");
            return;
        }
        foreach (var ladder in ladders)
        {
            Element(w, "h3", $"Couple {ladder.Couple}");
            Element(w, "p", LadderText.Summary(ladder) + $". In a terminal: tcpactors trace --couple {ladder.Couple} RUN-DIR (with --trace).", "lead");
            LadderSvg.Write(w, ladder);
        }
    }

    private static long Final(RunReport report, TcpState state) =>
        report.StatesFinal.TryGetValue(state.ToMetricName(), out long n) ? n : 0;

    private static void Table(XmlWriter w, string caption, ReadOnlySpan<(string Name, long Count)> rows)
    {
        w.WriteStartElement("table", Xhtml);
        Element(w, "caption", caption);
        foreach (var (name, count) in rows)
        {
            w.WriteStartElement("tr", Xhtml);
            Element(w, "td", name);
            Element(w, "td", N(count));
            w.WriteFullEndElement();
        }
        w.WriteFullEndElement();
    }

    private static void Element(XmlWriter w, string name, string text, string? cls = null)
    {
        w.WriteStartElement(name, Xhtml);
        if (cls is not null) w.WriteAttributeString("class", cls);
        w.WriteString(text);
        // Never <td/>: an HTML parser reads a self-closed non-void element as an open tag.
        w.WriteFullEndElement();
    }

    private static void Span(XmlWriter w, string text, string cls) => Element(w, "span", text, cls);

    private static string N(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    private static string S(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
