using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace TcpActors.Cli.Tests;

/// <summary><c>tcpactors run --realtime/--time-scale/--dashboard</c> end to end, as a child process.</summary>
public class DashboardCommandTests
{
    [Fact]
    public void A_real_time_run_at_time_scale_1000_gives_the_same_digest_as_the_virtual_time_run()
    {
        using var dir = new WorkDirectory();

        RunCommandTests.RunSmallStorm(dir, "virtual");
        var paced = RunCommandTests.RunSmallStorm(dir, "paced", "--time-scale", "1000");

        Assert.Equal(RunReportFile.Read(dir["virtual"]).Digest, RunReportFile.Read(dir["paced"]).Digest);
        Assert.Equal(0, RunReportFile.Read(dir["paced"]).Report.GetProperty("live_changes").GetArrayLength());
        // The paced run says how well it kept up; a virtual-time run has nothing to say.
        Assert.False(RunReportFile.Read(dir["virtual"]).Report.TryGetProperty("realtime", out _));
        JsonElement realTime = RunReportFile.Read(dir["paced"]).Report.GetProperty("realtime");
        Assert.Equal(1000, realTime.GetProperty("time_scale").GetDouble());
        Assert.True(realTime.GetProperty("max_lag_seconds").GetDouble() >= 0);
        Assert.InRange(realTime.GetProperty("max_lag_at_seconds").GetDouble(), 0, 100);
        Assert.Contains("worst lag", paced.Stdout);
    }

    [Fact]
    public async Task A_dashboard_run_takes_live_chaos_stays_up_after_the_end_until_ctrl_c_and_replays_to_the_same_digest()
    {
        using var dir = new WorkDirectory();
        using var process = TcpActorsProcess.Start(dir.Path,
            [.. RunCommandTests.SmallStorm, "--out", dir["live"], "--dashboard", "--port", "0", "--time-scale", "20"]);
        string line = process.WaitForLine(l => l.StartsWith("dashboard: http", StringComparison.Ordinal));
        using var client = Client(line);

        // The server binds before the run starts; until it has, a change is refused with 409 (bounded retry).
        HttpResponseMessage posted;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            posted = await client.PostAsync("/api/chaos", new StringContent("""{"kind":"loss","loss":0.3}""", Encoding.UTF8, "application/json"));
        }
        while (posted.StatusCode == HttpStatusCode.Conflict && DateTime.UtcNow < deadline && !await Task.Delay(50).ContinueWith(_ => false));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        process.WaitForLine(l => l.StartsWith("dashboard: still serving", StringComparison.Ordinal));
        var live = RunReportFile.Read(dir["live"]);
        var change = Assert.Single(live.Report.GetProperty("live_changes").EnumerateArray());
        Assert.Equal(0.3, change.GetProperty("chaos").GetProperty("loss").GetDouble());
        var state = JsonDocument.Parse(await client.GetStringAsync("/api/state")).RootElement;
        Assert.False(state.GetProperty("running").GetBoolean());
        Assert.Equal(live.Digest, state.GetProperty("digest").GetString());
        Assert.Contains("tcpactors_connections{", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);

        process.Interrupt();
        var outcome = process.WaitForExit();
        Assert.True(outcome.ExitCode == 0, outcome.ToString());

        RunCommandTests.RunSmallStorm(dir, "replay", "--live-changes", dir["live"]);
        Assert.Equal(live.Digest, RunReportFile.Read(dir["replay"]).Digest);
        // The replay shows the live window as the live run did: in report.json's chaos, and shaded with its label on both charts.
        var window = Assert.Single(RunReportFile.Read(dir["replay"]).Report.GetProperty("chaos").EnumerateArray());
        Assert.Equal(live.Report.GetProperty("chaos").ToString(), RunReportFile.Read(dir["replay"]).Report.GetProperty("chaos").ToString());
        Assert.Equal("api", window.GetProperty("source").GetString());
        Assert.Equal("loss", window.GetProperty("kind").GetString());
        Assert.Equal("0.3", window.GetProperty("parameters").GetProperty("loss").GetString());
        Assert.Equal(change.GetProperty("t").GetDouble(), window.GetProperty("at").GetDouble());
        var html = System.Xml.Linq.XDocument.Parse(File.ReadAllText(Path.Combine(dir["replay"], "report.html")));
        System.Xml.Linq.XNamespace svg = "http://www.w3.org/2000/svg";
        var labels = html.Descendants(svg + "text").Where(t => (string?)t.Attribute("class") == "chaos-label").Select(t => t.Value);
        Assert.Equal(["loss 0.3", "loss 0.3"], labels);
        Assert.Equal(2, html.Descendants(svg + "rect").Count(r => (string?)r.Attribute("class") == "chaos-band"));
        RunCommandTests.RunSmallStorm(dir, "clean");
        Assert.NotEqual(live.Digest, RunReportFile.Read(dir["clean"]).Digest);
    }

    [Fact]
    public async Task A_dashboard_run_with_realtime_false_goes_as_fast_as_virtual_time_streams_every_sample_and_stays_up_until_ctrl_c()
    {
        using var dir = new WorkDirectory();
        RunCommandTests.RunSmallStorm(dir, "virtual");
        using var process = TcpActorsProcess.Start(dir.Path,
            [.. RunCommandTests.SmallStorm, "--out", dir["dashboard"], "--dashboard", "--port", "0", "--realtime", "false"]);
        string line = process.WaitForLine(l => l.StartsWith("dashboard: http", StringComparison.Ordinal));
        using var client = Client(line);

        process.WaitForLine(l => l.StartsWith("dashboard: still serving", StringComparison.Ordinal));
        var run = RunReportFile.Read(dir["dashboard"]);
        // Paced at one virtual second per wall second, the 100 s scenario would take 100 s.
        Assert.True(run.Report.GetProperty("wall_seconds").GetDouble() < 50, run.Report.GetProperty("wall_seconds").ToString());
        Assert.Equal(RunReportFile.Read(dir["virtual"]).Digest, run.Digest);
        var state = JsonDocument.Parse(await client.GetStringAsync("/api/state")).RootElement;
        Assert.False(state.GetProperty("realtime").GetBoolean());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("lag_seconds").ValueKind);
        Assert.Equal(run.Digest, state.GetProperty("digest").GetString());
        // A page opened after the end still draws the whole run: every sample of the time series.
        using (var events = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead))
        using (var reader = new StreamReader(await events.Content.ReadAsStreamAsync()))
        {
            Assert.Equal("event: history", await reader.ReadLineAsync());
            string history = (await reader.ReadLineAsync())!["data: ".Length..];
            Assert.Equal(run.TimeSeries.Length - 1, JsonDocument.Parse(history).RootElement.GetArrayLength()); // minus the CSV header
        }

        process.Interrupt();
        var outcome = process.WaitForExit();
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
    }

    /// <summary>A client of the dashboard whose URL, token and all, a line <c>dashboard: URL</c> printed.</summary>
    private static HttpClient Client(string line)
    {
        var url = new Uri(line["dashboard: ".Length..].Trim());
        string token = System.Web.HttpUtility.ParseQueryString(url.Query)["token"] ?? throw new Xunit.Sdk.XunitException($"no token in {line}");
        var client = new HttpClient { BaseAddress = new Uri(url.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("my-s3cret")]
    public async Task The_dashboard_prints_its_url_with_the_token_which_every_api_call_needs(string? given)
    {
        using var dir = new WorkDirectory();
        string[] token = given is null ? [] : ["--dashboard-token", given];
        using var process = TcpActorsProcess.Start(dir.Path,
            [.. RunCommandTests.SmallStorm, "--out", dir["run"], "--dashboard", "--port", "0", "--realtime", "false", .. token]);

        // As Jupyter prints its own: open the URL and the page has the token; without it, nothing but the page.
        string line = process.WaitForLine(l => l.StartsWith("dashboard: http", StringComparison.Ordinal));
        Assert.Matches(given is null ? @"^dashboard: http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{48}$" : $@"^dashboard: http://127\.0\.0\.1:\d+/\?token={given}$", line.Trim());
        string still = process.WaitForLine(l => l.StartsWith("dashboard: still serving", StringComparison.Ordinal));
        Assert.Contains(line["dashboard: ".Length..].Trim(), still, StringComparison.Ordinal);
        using var client = Client(line);
        using var bare = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/state")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.GetAsync("/api/state")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bare.GetAsync("/")).StatusCode);
        var ended = await client.DeleteAsync("/api/chaos");
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        Assert.Equal("application/problem+json", ended.Content.Headers.ContentType?.MediaType);

        process.Interrupt();
        var outcome = process.WaitForExit();
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
    }

    [Fact]
    public void A_dashboard_port_in_use_is_exit_2_with_the_port_named_and_nothing_written()
    {
        using var dir = new WorkDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var outcome = TcpActorsProcess.Run(dir.Path, [.. RunCommandTests.SmallStorm, "--dashboard", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains($"--port {port}: cannot listen on 127.0.0.1:{port}", outcome.Stderr, StringComparison.Ordinal);
        Assert.True(dir.IsEmpty);
    }

    [Theory]
    [InlineData("--port 9000", "--port needs --dashboard")]
    [InlineData("--dashboard-token abc", "--dashboard-token needs --dashboard")]
    [InlineData("--dashboard --dashboard-host 0.0.0.0", "needs --dashboard-token")]
    [InlineData("--dashboard --dashboard-host nowhere", "--dashboard-host must be an IP address")]
    [InlineData("--dashboard --dashboard-token to\tken", "--dashboard-token must be a word without spaces")]
    [InlineData("--time-scale 0", "--time-scale must be a number above 0")]
    [InlineData("--dashboard --realtime false --time-scale 10", "--realtime false and --time-scale 10 contradict each other")]
    [InlineData("--realtime false --time-scale 0.5", "--realtime false and --time-scale 0.5 contradict each other")]
    [InlineData("--live-changes missing.json", "--live-changes missing.json: no such report.json")]
    public void Dashboard_and_pacing_options_used_wrongly_are_usage_errors_that_write_nothing(string options, string reason)
    {
        using var dir = new WorkDirectory();

        var outcome = TcpActorsProcess.Run(dir.Path, [.. RunCommandTests.SmallStorm, .. options.Split(' ')]);

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains(reason, outcome.Stderr, StringComparison.Ordinal);
        Assert.True(dir.IsEmpty);
    }
}
