using System.Globalization;
using System.Xml.Linq;
using TcpActors.Observability.Html;
using TcpActors.Observability.Ladder;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Html;

public class HtmlReportTests
{
    private static readonly XNamespace X = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace S = "http://www.w3.org/2000/svg";

    /// <summary>HTML elements that have no end tag; every other one must be written with one.</summary>
    private static readonly string[] VoidElements = ["meta", "br", "hr", "img", "input", "link"];

    private static (RunReport Report, IReadOnlyList<CoupleLadder> Ladders, string Html) Render(string loss = "0")
    {
        var recorder = new LadderRecorder(maxCouples: SmallStorm.Couples);
        var report = SmallStorm.Run(recorder, loss);
        return (report, recorder.Ladders, HtmlReport.Render(report, recorder.Ladders));
    }

    [Fact]
    public void The_page_is_well_formed_xhtml_that_an_html_parser_reads_the_same_way()
    {
        var (_, _, html) = Render();

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        var doc = XDocument.Parse(html);
        Assert.Equal(X + "html", doc.Root!.Name);
        Assert.Equal("utf-8", doc.Descendants(X + "meta").First().Attribute("charset")!.Value);
        foreach (var e in doc.Descendants())
        {
            if (e.Name.Namespace == X && e.IsEmpty)
                Assert.Contains(e.Name.LocalName, VoidElements);
        }
    }

    [Fact]
    public void The_page_is_self_contained_no_script_stylesheet_image_or_font_is_fetched()
    {
        var (_, _, html) = Render();

        var doc = XDocument.Parse(html);
        Assert.Empty(doc.Descendants(X + "script"));
        Assert.Empty(doc.Descendants(X + "link"));
        Assert.Empty(doc.Descendants(X + "img"));
        Assert.DoesNotContain(doc.Descendants().Attributes(), a => a.Name.LocalName is "src" or "href");
        Assert.DoesNotContain("url(http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chart_shows_time_wait_climbing_to_the_couple_count_and_draining_and_names_its_peak()
    {
        var (report, _, html) = Render();

        var doc = XDocument.Parse(html);
        var charts = doc.Descendants(S + "svg").Where(s => (string?)s.Attribute("class") == "chart").ToList();
        Assert.Equal(2, charts.Count);
        var timeWait = charts[0].Descendants(S + "g").Single(g => (string?)g.Attribute("class") == "series time_wait");
        var line = timeWait.Element(S + "polyline")!;
        double[] ys = line.Attribute("points")!.Value.Split(' ').Select(p => double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(report.TimeSeries.Rows, ys.Length);
        double baseline = ys[0];
        double top = ys.Min();
        // SVG y grows downwards; ESTABLISHED (both sides of every couple) sets the scale at twice the
        // couple count, so TIME_WAIT (clients only) climbs half of the 244-pixel plot.
        Assert.Equal(baseline - 244 / 2, top);
        Assert.Equal(baseline, ys[^1]);
        Assert.NotNull(timeWait.Element(S + "polygon"));
        var peak = report.Peaks["time_wait"];
        Assert.Equal(SmallStorm.Couples, peak.Count);
        Assert.Contains(timeWait.Descendants(S + "text"), t => t.Value == $"TIME_WAIT peak {SmallStorm.Couples} at {peak.At:0.###} s");
        Assert.Contains(charts[1].Descendants(S + "g"), g => (string?)g.Attribute("class") == "series last_ack");
        Assert.DoesNotContain(charts[1].Descendants(S + "g"), g => (string?)g.Attribute("class") == "series time_wait");
    }

    [Fact]
    public void The_ladder_of_couple_0_draws_its_segments_as_arrows_and_its_states_on_each_side()
    {
        var (_, ladders, html) = Render();

        var doc = XDocument.Parse(html);
        var ladder = doc.Descendants(S + "svg").First(s => (string?)s.Attribute("class") == "ladder");
        var couple0 = ladders[0];
        var segments = ladder.Elements(S + "g").Where(g => (string?)g.Attribute("class") == "segment").ToList();
        var states = ladder.Elements(S + "g").Where(g => (string?)g.Attribute("class") == "state").ToList();
        var expected = couple0.Events.Where(e => e.Kind == LadderEventKind.Segment).Select(e => e.SegmentLabel).ToList();
        Assert.Equal(expected, segments.Select(g => g.Elements(S + "text").Last().Value));
        Assert.All(segments, g => Assert.Equal("url(#ladder-arrow-0)", (string?)g.Element(S + "line")!.Attribute("marker-end")));
        var stateNames = states.Select(g => g.Elements(S + "text").Last().Value).ToList();
        foreach (string state in (string[])["SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "CLOSE_WAIT", "LAST_ACK", "FIN_WAIT_2", "TIME_WAIT"])
            Assert.Contains(state, stateNames);
        Assert.Contains("SYN,ACK", string.Join(" ", expected), StringComparison.Ordinal);
        Assert.Contains("FIN,ACK", string.Join(" ", expected), StringComparison.Ordinal);
    }

    [Fact]
    public void On_a_lossy_network_a_second_ladder_shows_a_couple_the_network_hurt_with_a_lost_arrow()
    {
        var (_, ladders, html) = Render(loss: "10%");

        var chosen = HtmlReport.ChooseLadders(ladders);
        var doc = XDocument.Parse(html);
        var svgs = doc.Descendants(S + "svg").Where(s => (string?)s.Attribute("class") == "ladder").ToList();

        Assert.Equal(chosen.Count, svgs.Count);
        Assert.Contains(chosen, l => l.SegmentsHurt > 0);
        Assert.Contains(svgs.SelectMany(s => s.Descendants(S + "line")), l => ((string?)l.Attribute("class"))!.Contains("lost", StringComparison.Ordinal));
    }

    [Fact]
    public void The_tables_carry_the_reports_outcomes_segments_and_per_state_peaks()
    {
        var (report, _, html) = Render();

        var doc = XDocument.Parse(html);
        var cells = doc.Descendants(X + "tr").Select(tr => string.Join("|", tr.Elements().Select(c => c.Value))).ToList();
        Assert.Contains($"completed|{report.Outcomes.Completed:#,0}", cells);
        Assert.Contains($"sent|{report.Segments.Sent:#,0}", cells);
        Assert.Contains(cells, c => c.StartsWith($"TIME_WAIT|{SmallStorm.Couples}|", StringComparison.Ordinal));
        Assert.Contains(report.Digest, html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_run_is_thinned_to_a_bounded_number_of_points_without_losing_its_peak()
    {
        var series = new TimeSeries();
        var counts = new long[TcpStateNames.Count];
        for (int row = 0; row < 50_000; row++)
        {
            counts[(int)TcpState.TimeWait] = row == 31_337 ? 1_000_000 : row % 100;
            series.Add(TimeSpan.FromSeconds(row), counts);
        }
        var report = Render().Report with { TimeSeries = series, Peaks = ReportMerger.Peaks(series) };

        var doc = XDocument.Parse(HtmlReport.Render(report, []));

        var line = doc.Descendants(S + "g").First(g => (string?)g.Attribute("class") == "series time_wait").Element(S + "polyline")!;
        string[] points = line.Attribute("points")!.Value.Split(' ');
        Assert.InRange(points.Length, StateChart.MaxColumns, 2 * StateChart.MaxColumns);
        Assert.Contains(points, p => p.EndsWith(",16", StringComparison.Ordinal)); // the peak touches the plot's top edge
        Assert.Contains("No couple was traced", doc.Root!.Value, StringComparison.Ordinal);
    }
}
