using System.Text.Json;
using TcpActors.Observability.Html;
using TcpActors.Observability.Tests.Dashboard;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Html;

/// <summary>report.html as a person sees it: laid out by a real browser (Chromium).</summary>
public class ReportInBrowserTests
{
    [Fact]
    public async Task Every_legend_and_label_of_the_charts_lies_inside_its_svg_even_with_seven_digit_peaks()
    {
        // Every state peaks at 1,234,567 (SYN_RECEIVED's legend is the longest there is).
        var series = new TimeSeries();
        var counts = new long[TcpStateNames.Count];
        for (int row = 0; row <= 100; row++)
        {
            foreach (TcpState state in TcpStateNames.All) counts[(int)state] = row == 97 ? 1_234_567 : row * 1_000;
            series.Add(TimeSpan.FromSeconds(row), counts);
        }
        var recorder = new TcpActors.Observability.Ladder.LadderRecorder(maxCouples: 2);
        var report = SmallStorm.Run(recorder) with { TimeSeries = series, Peaks = ReportMerger.Peaks(series) };
        string dir = Path.Combine(Path.GetTempPath(), "tcpactors-html-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = HtmlReport.Write(report, recorder.Ladders, dir);
            await using var browser = await Chromium.LaunchAsync();
            var page = await browser.OpenAsync(new Uri(path));

            string outside = await page.EvaluateAsync<string>("""
                () => {
                  const bad = [];
                  let texts = 0;
                  for (const svg of document.querySelectorAll('svg')) {
                    const box = svg.getBoundingClientRect();
                    for (const t of svg.querySelectorAll('text')) {
                      texts++;
                      const r = t.getBoundingClientRect();
                      if (r.width === 0) continue;
                      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
                        bad.push(`${t.textContent}: [${r.left.toFixed(1)}, ${r.right.toFixed(1)}] x [${r.top.toFixed(1)}, ${r.bottom.toFixed(1)}] outside [${box.left.toFixed(1)}, ${box.right.toFixed(1)}] x [${box.top.toFixed(1)}, ${box.bottom.toFixed(1)}]`);
                    }
                  }
                  return JSON.stringify({ texts, bad });
                }
                """);
            using var result = JsonDocument.Parse(outside);
            Assert.True(result.RootElement.GetProperty("texts").GetInt32() > 40, outside);
            Assert.Empty(result.RootElement.GetProperty("bad").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains("peak 1,234,567", await page.ContentAsync(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
