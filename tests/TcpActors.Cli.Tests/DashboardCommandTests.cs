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
        using var client = new HttpClient { BaseAddress = new Uri(line["dashboard: ".Length..].Trim()), Timeout = TimeSpan.FromSeconds(30) };

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
        using var client = new HttpClient { BaseAddress = new Uri(line["dashboard: ".Length..].Trim()), Timeout = TimeSpan.FromSeconds(30) };

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
