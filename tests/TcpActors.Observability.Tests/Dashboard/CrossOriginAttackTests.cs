using System.Text.Json;
using Microsoft.Playwright;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>
/// A real browser as the attacker: a page the user has open elsewhere tries to steer the run
/// through the dashboard on 127.0.0.1, with every request a page can make to another origin, and
/// a page that renamed itself to the dashboard's address (DNS rebinding). Nothing it sends is applied.
/// </summary>
public sealed class CrossOriginAttackTests
{
    private static readonly TimeSpan HoldAt = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Four ways to change the run from another origin: a "simple" text/plain POST (sent without a
    /// preflight), a JSON POST and a DELETE (each preflighted), a text/plain form shaped to carry
    /// JSON and a urlencoded form. The page says what the browser did with each.
    /// </summary>
    private static string AttackPage(Uri dashboard, string query) => $$"""
        <!doctype html>
        <html><body>
        <iframe name="sink-json"></iframe><iframe name="sink-urlencoded"></iframe>
        <form id="form-json" method="post" target="sink-json" enctype="text/plain" action="{{dashboard}}api/chaos{{query}}">
          <input name='{"kind":"loss","loss":0.9,"pad":"' value='"}'>
        </form>
        <form id="form-urlencoded" method="post" target="sink-urlencoded" action="{{dashboard}}api/chaos{{query}}">
          <input name="kind" value="partition">
        </form>
        <script>
        const target = "{{dashboard}}api/chaos{{query}}";
        const outcome = {};
        async function tryFetch(name, init) {
          try { const r = await fetch(target, init); outcome[name] = "answered " + r.type; }
          catch (e) { outcome[name] = "blocked"; }
        }
        function submit(form, frame) {
          return new Promise(resolve => {
            document.getElementsByName(frame)[0].onload = () => { outcome[form] = "answered"; resolve(); };
            document.getElementById(form).submit();
          });
        }
        (async () => {
          await tryFetch("text/plain", { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body: '{"kind":"loss","loss":0.9}' });
          await tryFetch("json", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"kind":"partition"}' });
          await tryFetch("delete", { method: "DELETE" });
          await submit("form-json", "sink-json");
          await submit("form-urlencoded", "sink-urlencoded");
          document.body.dataset.outcome = JSON.stringify(outcome);
        })();
        </script>
        </body></html>
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_page_on_another_loopback_port_cannot_apply_or_remove_chaos_even_knowing_the_token(bool knowsToken)
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        var ours = await run.Client.PostAsync("/api/chaos", new StringContent("""{"kind":"delay","delay_ms":50}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, ours.StatusCode);
        // With the token in its hands (a leaked URL), the page still has only what a browser lets
        // another origin send: the Origin check and the JSON-only rule hold without the token.
        string query = knowsToken ? "?token=" + run.Server.Token : "";
        await using var attacker = new AttackerSite(AttackPage(run.Server.Url, query));
        await using var chromium = await Chromium.LaunchAsync();

        IPage page = await chromium.OpenAsync(attacker.Url);
        await page.WaitForFunctionAsync("() => document.body.dataset.outcome !== undefined");

        var outcome = JsonDocument.Parse(await page.GetAttributeAsync("body", "data-outcome") ?? "{}").RootElement;
        // The simple request and both forms reached the dashboard and were answered (opaquely, to
        // the page); the preflighted ones were stopped by the browser, the preflight not granted.
        Assert.Equal("answered opaque", outcome.GetProperty("text/plain").GetString());
        Assert.Equal("answered", outcome.GetProperty("form-json").GetString());
        Assert.Equal("answered", outcome.GetProperty("form-urlencoded").GetString());
        Assert.Equal("blocked", outcome.GetProperty("json").GetString());
        Assert.Equal("blocked", outcome.GetProperty("delete").GetString());

        var state = JsonDocument.Parse(await run.Client.GetStringAsync("/api/state")).RootElement;
        var chaos = Assert.Single(state.GetProperty("chaos").EnumerateArray());
        Assert.Equal("delay", chaos.GetProperty("chaos").GetProperty("kind").GetString());
        Assert.Single(run.Control.Changes);
    }

    [Fact]
    public async Task A_page_that_rebinds_its_name_to_the_dashboards_address_gets_421_for_every_call()
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        // DNS rebinding, played by the browser's own resolver: rebind.test is 127.0.0.1. The
        // attacker's page, once loaded as rebind.test:PORT, is to the browser the same origin as
        // the API it calls there. (The document is whatever that address answered, here the
        // dashboard's refusal: it is the attacker's script, run in that origin, that matters.)
        await using var chromium = await Chromium.LaunchAsync("--host-resolver-rules=MAP rebind.test 127.0.0.1");
        IPage page = await chromium.OpenAsync(new Uri($"http://rebind.test:{run.Server.Port}/"));

        // Even with the token: what a rebound page can read and send is all refused by name.
        string script = $$"""
            async () => {
              const post = await fetch("/api/chaos?token={{run.Server.Token}}", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"kind":"partition"}' });
              const state = await fetch("/api/state?token={{run.Server.Token}}");
              const problem = await post.json();
              return [post.status, state.status, problem.detail];
            }
            """;
        var answers = await page.EvaluateAsync<JsonElement>(script);

        Assert.Equal(421, answers[0].GetInt32());
        Assert.Equal(421, answers[1].GetInt32());
        Assert.Contains("rebind.test", answers[2].GetString(), StringComparison.Ordinal);
        Assert.Empty(run.Control.Changes);
    }
}
