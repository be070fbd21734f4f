using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>The page in a real browser: the charts fill from the event stream, the chaos buttons change the run.</summary>
public sealed class DashboardPageTests
{
    /// <summary>
    /// 1,000 couples on a clean network, every client closing at t = 20 s: TIME_WAIT climbs to a
    /// thousand and drains 60 s later (Linux TCP_TIMEWAIT_LEN), the picture the dashboard exists for.
    /// </summary>
    private static Scenario Storm() => ScenarioLoader.LoadText("""
        name: dashboard-storm
        seed: 3
        profile: linux
        hosts:
          clients: { count: 4 }
          servers: { count: 1, port: 80 }
        network: { delay: 10ms, jitter: 2ms, loss: 0 }
        workload:
          couples: 1000
          open: { at: 0s, over: 5s }
          exchange: { request: 100B, response: 1KB }
          close: { at: 20s, over: 2s, by: client }
        run: { duration: 100s, sample_every: 1s, shards: 1 }
        """, "dashboard-storm.yaml").GetOrThrow();

    private static async Task<JsonElement> State(DashboardRun run) =>
        JsonDocument.Parse(await run.Client.GetStringAsync("/api/state")).RootElement;

    private static long Number(string text) => long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_chart_fills_from_the_stream_and_pressing_loss_30_percent_drops_segments()
    {
        await using var run = new DashboardRun(Storm(), holdAt: TimeSpan.FromSeconds(15));
        await using var chromium = await Chromium.LaunchAsync();
        IPage page = await chromium.OpenAsync(run.Server.PageUrl);

        // Held at t = 15 s, before the clients close: 16 samples (0 … 15 s) have been published.
        await page.WaitForFunctionAsync("() => Number(document.getElementById('chart-long').dataset.samples) === 16");
        string establishedPoints = await page.GetAttributeAsync("#chart-long polyline[data-state='established']", "points") ?? "";
        Assert.Equal(16, establishedPoints.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(2000, Number(await page.InnerTextAsync("#stat-established .v")));
        Assert.Equal(0, (await State(run)).GetProperty("segments").GetProperty("dropped_by_cause").GetProperty("loss").GetInt64());

        await page.ClickAsync("#btn-loss");

        await page.WaitForFunctionAsync("() => document.getElementById('chaos-list').textContent.includes('loss 30%')");
        var chaos = (await State(run)).GetProperty("chaos");
        Assert.Equal(1, chaos.GetArrayLength());
        Assert.Equal(0.3, chaos[0].GetProperty("chaos").GetProperty("loss").GetDouble());

        var report = run.Finish();
        await page.WaitForFunctionAsync("() => document.body.dataset.finished === 'true'");
        long droppedByLoss = (await State(run)).GetProperty("segments").GetProperty("dropped_by_cause").GetProperty("loss").GetInt64();
        Assert.True(droppedByLoss > 0, "the teardown at t = 20 s crosses a 30% lossy network");
        Assert.True(report.Peaks["time_wait"].Count > 900, "TIME_WAIT builds up after the close");
        Assert.Equal(report.Segments.DroppedByCause.Loss, droppedByLoss);
        Assert.Equal(droppedByLoss, Number(await page.InnerTextAsync("#segments-droppedbyloss")));
        Assert.Equal(101, Number(await page.GetAttributeAsync("#chart-long", "data-samples") ?? "0"));
        Assert.Contains(report.Digest[..16], await page.InnerTextAsync("#digest"), StringComparison.Ordinal);

        string screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000, "a screenshot of the whole page");
    }

    [Fact]
    public async Task Every_chaos_window_scheduled_or_pressed_is_a_labelled_band_on_both_charts()
    {
        var scenario = Storm() with
        {
            Chaos = ScenarioLoader.LoadText("""
                name: x
                workload: { couples: 1 }
                run: { duration: 100s }
                chaos:
                  - { at: 5s, for: 5s, loss: 0.1 }
                  - { at: 30s, crash: server-0, restart_after: 10s }
                """, "x.yaml").GetOrThrow().Chaos,
        };
        await using var run = new DashboardRun(scenario, holdAt: TimeSpan.FromSeconds(15));
        await using var chromium = await Chromium.LaunchAsync();
        IPage page = await chromium.OpenAsync(run.Server.PageUrl);

        // Held at t = 15 s: the loss window is over, the crash to come.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#chart-long rect.chaos-band').length === 1");
        Assert.Equal(["loss 0.1"], await page.Locator("#chart-long text.chaos-label").AllTextContentsAsync());

        await page.ClickAsync("#btn-partition");
        await page.WaitForFunctionAsync("() => document.getElementById('chaos-list').textContent.includes('partition')");
        var report = run.Finish();
        await page.WaitForFunctionAsync("() => document.body.dataset.finished === 'true'");

        // In order of time: the partition pressed at t = 15 s comes before the crash at 30 s.
        Assert.Equal(["loss 0.1", "partition", "crash server-0"], report.Chaos.Select(w => w.Label));
        foreach (string chart in (string[])["#chart-long", "#chart-transient"])
        {
            await page.WaitForFunctionAsync($"() => document.querySelectorAll('{chart} rect.chaos-band').length === 3");
            Assert.Equal(["loss 0.1", "partition", "crash server-0"], await page.Locator($"{chart} text.chaos-label").AllTextContentsAsync());
            // The bands stand where the report says: x runs from 56 at 0 s to 796 at 100 s.
            var bands = page.Locator($"{chart} rect.chaos-band");
            for (int i = 0; i < 3; i++)
            {
                double x = double.Parse(await bands.Nth(i).GetAttributeAsync("x") ?? "", CultureInfo.InvariantCulture);
                double width = double.Parse(await bands.Nth(i).GetAttributeAsync("width") ?? "", CultureInfo.InvariantCulture);
                Assert.Equal(56 + 7.4 * report.Chaos[i].At, x, 0.5);
                Assert.Equal(7.4 * (report.Chaos[i].Until!.Value - report.Chaos[i].At), width, 0.5);
            }
        }
        Assert.Equal("api", report.Chaos[1].Source);

        string screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-chaos.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
    }

    [Fact]
    public async Task The_page_uses_the_token_from_its_own_address_for_the_stream_and_the_buttons()
    {
        await using var run = new DashboardRun(Storm(), holdAt: TimeSpan.FromSeconds(10), token: "t0ken");
        await using var chromium = await Chromium.LaunchAsync();
        IPage page = await chromium.OpenAsync(new Uri(run.Server.Url, "/?token=t0ken"));

        await page.WaitForFunctionAsync("() => Number(document.getElementById('chart-long').dataset.samples) === 11");
        await page.ClickAsync("#btn-partition");

        await page.WaitForFunctionAsync("() => document.getElementById('chaos-list').textContent.includes('partition')");
        Assert.Equal("partition", Assert.Single(run.Control.Active).Chaos.ToString());
        await page.ClickAsync("#btn-heal");
        await page.WaitForFunctionAsync("() => !document.getElementById('chaos-list').textContent.includes('partition')");
        Assert.Empty(run.Control.Active);
    }

    /// <summary>
    /// Both sides of 500 couples close at t = 10 s over 20 ms links: every endpoint spends one
    /// round trip in CLOSING, between two samples a second apart, on two shards; TIME_WAIT ends at 70 s,
    /// so every connection has a duration.
    /// </summary>
    private static Scenario SimultaneousCloseSampledEverySecond() => ScenarioLoader.LoadText("""
        name: dashboard-simultaneous-close
        seed: 2
        profile: linux
        hosts:
          clients: { count: 2 }
          servers: { count: 2, port: 80 }
        network: { delay: 20ms }
        workload:
          couples: 500
          open: { at: 0s, over: 2s }
          exchange: { request: 100B, response: 100B }
          close: { at: 10s, over: 0s, by: both }
        run: { duration: 75s, sample_every: 1s, shards: 2 }
        """, "dashboard-simultaneous-close.yaml").GetOrThrow();

    [Fact]
    public async Task Closing_that_lives_between_samples_is_a_band_up_to_its_exact_peak_and_the_end_shows_the_duration_quantiles()
    {
        await using var run = new DashboardRun(SimultaneousCloseSampledEverySecond(), holdAt: TimeSpan.FromSeconds(5));
        await using var chromium = await Chromium.LaunchAsync();
        IPage page = await chromium.OpenAsync(run.Server.PageUrl);
        await page.WaitForFunctionAsync("() => Number(document.getElementById('chart-transient').dataset.samples) === 6");
        Assert.Equal(0, await page.Locator("#chart-transient polygon.minmax-band[data-state='closing']").CountAsync());

        var report = run.Finish();
        await page.WaitForFunctionAsync("() => document.body.dataset.finished === 'true' && Number(document.getElementById('chart-transient').dataset.samples) === 76");
        Assert.Equal(1000, report.Peaks["closing"].Count);

        // No sample catches CLOSING: its line lies on zero (y = 220) all along …
        string line = await page.GetAttributeAsync("#chart-transient polyline[data-state='closing']", "points") ?? "";
        Assert.All(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), p => Assert.Equal(220, Y(p), 0.05));
        // … and its band reaches the exact peak: y = 220 − 212 × peak / axis top (the highest tick).
        string band = await page.GetAttributeAsync("#chart-transient polygon.minmax-band[data-state='closing']", "points") ?? "";
        double axisTop = (await page.Locator("#chart-transient text.ytick").AllTextContentsAsync()).Max(t => (double)Number(t));
        double highest = band.Split(' ', StringSplitOptions.RemoveEmptyEntries).Min(Y);
        Assert.Equal(220 - 212 * report.Peaks["closing"].Count / axisTop, highest, 0.1);

        // The end's quantiles are report.json's, to the bit, and read in milliseconds.
        foreach (var (row, q) in new[] { ("handshake", report.HandshakeSeconds), ("connection", report.ConnectionSeconds) })
        {
            Assert.True(q.Count > 0, row);
            var cells = await page.Locator($"#quantiles-{row} td[data-seconds]").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.seconds)");
            Assert.Equal([q.P50, q.P90, q.P99, q.P999, q.Max], cells.Select(c => double.Parse(c, CultureInfo.InvariantCulture)));
        }
        string handshake = await page.InnerTextAsync("#quantiles-handshake");
        Assert.Contains((report.HandshakeSeconds.P99 * 1000).ToString("0.##", CultureInfo.InvariantCulture) + " ms", handshake, StringComparison.Ordinal);
        // A connection lasts its 60 s of TIME_WAIT and more: seconds, not tens of thousands of milliseconds.
        string connection = await page.InnerTextAsync("#quantiles-connection");
        Assert.Contains(report.ConnectionSeconds.Max.ToString("0.#", CultureInfo.InvariantCulture) + " s", connection, StringComparison.Ordinal);

        string screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-band.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
    }

    private static double Y(string point) => double.Parse(point[(point.IndexOf(',') + 1)..], CultureInfo.InvariantCulture);
}
