using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TcpActors.Observability.Dashboard;
using TcpActors.Simulation;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>The control API in the manner of Toxiproxy: state, chaos on and off, refusals that change nothing, the token.</summary>
public sealed class ControlApiTests
{
    private static readonly TimeSpan HoldAt = TimeSpan.FromSeconds(5);

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task State_tells_the_virtual_time_the_counts_and_the_chaos_of_the_held_sample()
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);

        var state = await Json(await run.Client.GetAsync("/api/state"));

        Assert.Equal(5.0, state.GetProperty("t").GetDouble());
        Assert.True(state.GetProperty("running").GetBoolean());
        Assert.Equal(2 * SmallStorm.Couples, state.GetProperty("states").GetProperty("established").GetInt64());
        Assert.True(state.GetProperty("segments").GetProperty("sent").GetInt64() > 0);
        Assert.Equal(0, state.GetProperty("chaos").GetArrayLength());
    }

    [Fact]
    public async Task Posted_loss_lands_at_the_next_sample_boundary_is_recorded_and_replays_to_the_same_digest()
    {
        var scenario = SmallStorm.Scenario();
        RunReport live;
        await using (var run = new DashboardRun(scenario, HoldAt))
        {
            var posted = await run.Client.PostAsync("/api/chaos", Body("""{"kind":"loss","loss":0.3}"""));
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            var change = await Json(posted);
            // Held at the sample of t=5 s: the shard has taken changes up to t=4 s, so t=5 s is the first boundary none has passed.
            Assert.Equal(5.0, change.GetProperty("t").GetDouble());
            var listed = await Json(await run.Client.GetAsync("/api/chaos"));
            Assert.Equal("loss", listed[0].GetProperty("chaos").GetProperty("kind").GetString());

            live = run.Finish();
        }

        Assert.Single(live.LiveChanges);
        Assert.True(live.Segments.DroppedByCause.Loss > 0, "30% loss drops segments of a loss-free network");
        var clean = SimulationRunner.Run(scenario);
        Assert.NotEqual(clean.Digest, live.Digest);
        var replay = SimulationRunner.Run(scenario, new SimulationOptions { LiveControl = LiveControl.Replay(live.LiveChanges) });
        Assert.Equal(live.Digest, replay.Digest);
        Assert.Equal(live.LiveChanges, replay.LiveChanges);
    }

    [Fact]
    public async Task Deleting_a_live_chaos_heals_the_network_at_the_next_boundary()
    {
        var scenario = SmallStorm.Scenario();
        await using var run = new DashboardRun(scenario, HoldAt);
        var applied = await Json(await run.Client.PostAsync("/api/chaos", Body("""{"kind":"partition"}""")));
        int id = applied.GetProperty("id").GetInt32();

        var removed = await run.Client.DeleteAsync($"/api/chaos/{id}");

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.False((await Json(removed)).GetProperty("apply").GetBoolean());
        Assert.Equal(0, (await Json(await run.Client.GetAsync("/api/chaos"))).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.DeleteAsync($"/api/chaos/{id}")).StatusCode);
        // Applied and removed at the same boundary: a window of no length cuts nothing.
        var report = run.Finish();
        Assert.Equal(0, report.Segments.DroppedByCause.Partition);
        Assert.Equal(2, report.LiveChanges.Count);
    }

    [Fact]
    public async Task Crashing_server_0_live_loses_its_endpoints_and_removing_the_crash_restarts_it()
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        var crash = await Json(await run.Client.PostAsync("/api/chaos", Body("""{"kind":"crash","host":0}""")));

        Assert.Equal(HttpStatusCode.OK, (await run.Client.DeleteAsync($"/api/chaos/{crash.GetProperty("id").GetInt32()}")).StatusCode);

        var report = run.Finish();
        Assert.Equal(1, report.Hosts.Crashes);
        Assert.Equal(SmallStorm.Couples, report.Hosts.ConnectionsLostInCrashes);
    }

    public static TheoryData<string, string, string?, string?> BadRequests => new()
    {
        // method, path, body, the field the refusal names (null: the request as a whole)
        { "POST", "/api/chaos", "not json", null },
        { "POST", "/api/chaos", "", null },
        { "POST", "/api/chaos", "[1,2]", null },
        { "POST", "/api/chaos", "{}", "kind" },
        { "POST", "/api/chaos", """{"loss":0.3}""", "kind" },
        { "POST", "/api/chaos", """{"kind":"lose"}""", "kind" },
        { "POST", "/api/chaos", """{"kind":9}""", "kind" },
        { "POST", "/api/chaos", """{"kind":"loss"}""", "loss" },
        { "POST", "/api/chaos", """{"kind":"loss","loss":1.5}""", "loss" },
        { "POST", "/api/chaos", """{"kind":"loss","loss":"0.3"}""", "loss" },
        { "POST", "/api/chaos", """{"kind":"loss","loss":0.3,"colour":"red"}""", "colour" },
        { "POST", "/api/chaos", """{"kind":"loss","loss":0.3,"loss":0.9}""", "loss" },
        { "POST", "/api/chaos", """{"kind":"partition","kind":"loss","loss":0.3}""", "kind" },
        { "POST", "/api/chaos", """{"kind":"partition","loss":0.3}""", "loss" },
        { "POST", "/api/chaos", """{"kind":"delay","delay_ms":-5}""", "delay_ms" },
        { "POST", "/api/chaos", """{"kind":"crash","host":7}""", "host" },
        { "POST", "/api/chaos", """{"kind":"crash","host":0.5}""", "host" },
        { "PUT", "/api/chaos", """{"kind":"partition"}""", null },
        { "DELETE", "/api/chaos/seven", null, null },
        { "GET", "/api/proxies", null, null },
        { "POST", "/api/state", "{}", null },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task An_unknown_or_malformed_request_gets_400_problem_json_naming_the_field_in_plain_words_and_changes_nothing(
        string method, string path, string? body, string? field)
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Body(body) };

        var response = await run.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem(response, 400);
        Assert.Equal(field, problem.TryGetProperty("field", out var named) ? named.GetString() : null);
        if (field is not null) Assert.Contains($"\"{field}\"", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(run.Control.Changes);
        Assert.Empty(run.Finish().LiveChanges);
    }

    /// <summary>
    /// A refusal as RFC 9457 says, in plain words: the sentence as <c>detail</c> (and as
    /// <c>error</c>, as before), nothing of .NET's own vocabulary.
    /// </summary>
    internal static async Task<JsonElement> Problem(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Equal(detail, problem.GetProperty("error").GetString());
        Assert.DoesNotContain('\n', detail);
        foreach (string internals in (string[])["System.", "Json", "LiveChaos", "Nullable", "Path:", "LineNumber", "BytePosition", "Exception", "TcpActors"])
            Assert.DoesNotContain(internals, text, StringComparison.Ordinal);
        return problem;
    }

    [Fact]
    public async Task Without_a_token_given_the_run_draws_one_and_every_api_call_without_it_gets_401()
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        using var bare = run.NewClient();

        Assert.Matches("^[0-9a-f]{48}$", run.Server.Token);
        Assert.Equal($"{run.Server.Url}?token={run.Server.Token}", run.Server.PageUrl.ToString());
        await Problem(await bare.GetAsync("/api/state"), 401);
        await Problem(await bare.PostAsync("/api/chaos", Body("""{"kind":"partition"}""")), 401);
        await Problem(await bare.DeleteAsync("/api/chaos"), 401);
        Assert.Empty(run.Control.Changes);
        Assert.Equal(HttpStatusCode.OK, (await bare.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bare.GetAsync(run.Server.PageUrl.PathAndQuery.Replace("/?", "/api/state?", StringComparison.Ordinal))).StatusCode);
        await using var other = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        Assert.NotEqual(run.Server.Token, other.Server.Token);
    }

    [Fact]
    public async Task With_a_token_every_api_call_without_it_or_with_a_wrong_one_gets_401()
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt, token: "s3cret");
        using var bare = run.NewClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.GetAsync("/api/state")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.GetAsync("/api/state?token=wrong")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/chaos") { Content = Body("""{"kind":"partition"}""") };
        wrong.Headers.Authorization = new("Bearer", "s3cre");
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.SendAsync(wrong)).StatusCode);
        using var basic = new HttpRequestMessage(HttpMethod.Post, "/api/chaos") { Content = Body("""{"kind":"partition"}""") };
        basic.Headers.Authorization = new("Basic", "s3cret");
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.SendAsync(basic)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.GetAsync("/metrics")).StatusCode);
        Assert.Empty(run.Control.Changes);

        Assert.Equal(HttpStatusCode.OK, (await bare.GetAsync("/api/state?token=s3cret")).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Post, "/api/chaos") { Content = Body("""{"kind":"partition"}""") };
        right.Headers.Authorization = new("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.Created, (await bare.SendAsync(right)).StatusCode);
        // The page carries no data; it reads the token from its own address.
        Assert.Equal(HttpStatusCode.OK, (await bare.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    [InlineData("Bearer")]
    public async Task The_authorization_scheme_is_taken_in_any_case(string scheme)
    {
        // RFC 9110 §11.1: "It uses a case-insensitive token to identify the authentication scheme".
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt, token: "s3cret");
        using var bare = run.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chaos") { Content = Body("""{"kind":"partition"}""") };
        request.Headers.TryAddWithoutValidation("Authorization", scheme + " s3cret");

        Assert.Equal(HttpStatusCode.Created, (await bare.SendAsync(request)).StatusCode);
        Assert.Single(run.Control.Changes);
    }

    [Fact]
    public void Binding_beyond_loopback_without_a_token_is_refused()
    {
        var e = Assert.Throws<DashboardException>(() =>
            DashboardServer.Start(SmallStorm.Scenario(), new DashboardOptions { Address = IPAddress.Any, Port = 0 }, new LiveControl(), null));

        Assert.Contains("--dashboard-token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_in_use_is_refused_with_the_port_named()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var e = Assert.Throws<DashboardException>(() =>
            DashboardServer.Start(SmallStorm.Scenario(), new DashboardOptions { Port = port }, new LiveControl(), null));

        Assert.Contains($"--port {port}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_change_before_the_run_starts_or_after_it_ends_is_a_409_saying_so()
    {
        var scenario = SmallStorm.Scenario();
        var control = new LiveControl();
        await using var server = DashboardServer.Start(scenario, new DashboardOptions { Port = 0 }, control, null);
        using var client = new HttpClient { BaseAddress = server.Url };
        client.DefaultRequestHeaders.Authorization = new("Bearer", server.Token);

        foreach (var early in await Changes(client))
            Assert.Contains("has not started", (await Problem(early, 409)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        SimulationRunner.Run(scenario, new SimulationOptions { LiveControl = control, Observer = server });

        // POST, DELETE of all and DELETE of one answer alike: the run is over, whatever was asked.
        foreach (var late in await Changes(client))
            Assert.Contains("the run has ended", (await Problem(late, 409)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(control.Changes);
    }

    private static async Task<HttpResponseMessage[]> Changes(HttpClient client) =>
    [
        await client.PostAsync("/api/chaos", Body("""{"kind":"partition"}""")),
        await client.DeleteAsync("/api/chaos"),
        await client.DeleteAsync("/api/chaos/1"),
    ];
}
