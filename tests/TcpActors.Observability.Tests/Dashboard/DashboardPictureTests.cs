using System.Globalization;
using Microsoft.Playwright;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>What a person reads off the dashboard: axes and counters.</summary>
public sealed class DashboardPictureTests
{
    /// <summary>One couple: ESTABLISHED peaks at 2 (both ends), the count where quarter steps repeated ticks (0, 1, 1, 2, 2).</summary>
    private static Scenario OneCouple() => ScenarioLoader.LoadText("""
        name: one-couple
        seed: 5
        profile: linux
        hosts:
          clients: { count: 1 }
          servers: { count: 1, port: 80 }
        network: { delay: 10ms }
        workload:
          couples: 1
          open: { at: 0s, over: 0s }
          exchange: { request: 100B, response: 1KB }
          close: { at: 5s, over: 0s, by: client }
        run: { duration: 10s, sample_every: 1s, shards: 1 }
        """, "one-couple.yaml").GetOrThrow();

    [Fact]
    public async Task Small_counts_get_whole_unique_evenly_stepped_ticks_and_every_outcome_is_counted()
    {
        await using var run = new DashboardRun(OneCouple(), holdAt: TimeSpan.FromSeconds(3));
        await using var chromium = await Chromium.LaunchAsync();
        IPage page = await chromium.OpenAsync(run.Server.PageUrl);
        await page.WaitForFunctionAsync("() => Number(document.getElementById('chart-long').dataset.samples) === 4");

        var ticks = (await page.Locator("#chart-long text.ytick").AllTextContentsAsync())
            .Select(t => long.Parse(t, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([0L, 1L, 2L], ticks);

        foreach (string row in (string[])["aborted", "notstarted", "couplesrefused", "couplestimedout", "couplesreset", "couplesportexhausted", "completed", "open"])
            Assert.Equal(1, await page.Locator($"#outcomes-{row}").CountAsync());
        run.Finish();
    }
}
