using System.Net;
using System.Net.Sockets;
using TcpActors.Observability.Dashboard;
using TcpActors.Observability.Metrics;
using TcpActors.Observability.Tests.Metrics;
using TcpActors.Simulation;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>
/// The dashboard and <c>--metrics-port</c>'s <c>/metrics</c> on the run's one generic host, as
/// <c>tcpactors run --dashboard --metrics-port</c> starts them: each port serves its own site and
/// nothing of the other's, the checks of the dashboard hold there, the telemetry's end exports
/// while the dashboard stays up with the final values, and the host stops with its last user.
/// </summary>
[Collection(MeterCollection.Name)]
public sealed class SharedHostTests
{
    private const string Token = "s3cret";
    private const string TimeWait = """tcpactors_connections{scenario="small-storm",shard="0",tcp_state="time_wait"}""";

    /// <summary>The run's telemetry with a metrics port and a dashboard joined to its host, the run held at 10 s.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        private readonly PausingObserver _hold = new(TimeSpan.FromSeconds(10));
        private readonly Task<RunReport> _run;

        public Setup(OtlpTarget? otlp = null)
        {
            var scenario = TestRuns.SmallStorm(couples: 50, durationSeconds: 70);
            Telemetry = RunTelemetry.Start(scenario, new TelemetryOptions { MetricsPort = 0, Scrape = true, Otlp = otlp, PeopleLog = false }, next: _hold);
            Dashboard = DashboardServer.Start(scenario, new DashboardOptions { Port = 0, Token = Token }, new LiveControl(), Telemetry.Scrape, next: Telemetry);
            Metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Telemetry.Endpoint!.Port}"), Timeout = TimeSpan.FromSeconds(30) };
            Page = new HttpClient { BaseAddress = Dashboard.Url, Timeout = TimeSpan.FromSeconds(30) };
            Api = new HttpClient { BaseAddress = Dashboard.Url, Timeout = TimeSpan.FromSeconds(30) };
            Api.DefaultRequestHeaders.Authorization = new("Bearer", Token);
            var simulation = new SimulationOptions { Observer = Dashboard };
            _run = Task.Factory.StartNew(() => SimulationRunner.Run(scenario, simulation), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Held = _hold.WaitUntilPaused();
        }

        public RunTelemetry Telemetry { get; }
        public DashboardServer Dashboard { get; }
        public Simulation.Telemetry.LiveSnapshot Held { get; }

        /// <summary>The metrics port.</summary>
        public HttpClient Metrics { get; }

        /// <summary>The dashboard's port, without the token.</summary>
        public HttpClient Page { get; }

        /// <summary>The dashboard's port, with the token.</summary>
        public HttpClient Api { get; }

        /// <summary>Lets the run end as <c>tcpactors run</c> ends it: the report to both, the final scrape, the telemetry's end.</summary>
        public RunReport Finish()
        {
            _hold.Resume();
            Assert.True(_run.Wait(TimeSpan.FromMinutes(1)), "the run did not finish within a minute");
            var report = _run.Result;
            Dashboard.OnCompleted(report);
            Telemetry.OnCompleted(report);
            Dashboard.FreezeMetrics();
            return report;
        }

        public async ValueTask DisposeAsync()
        {
            _hold.Resume();
            _run.Wait(TimeSpan.FromMinutes(1));
            await Dashboard.DisposeAsync();
            Telemetry.Dispose();
            Metrics.Dispose();
            Page.Dispose();
            Api.Dispose();
        }
    }

    [Fact]
    public async Task The_dashboard_and_the_metrics_port_are_two_sites_of_one_host_each_serving_only_its_own()
    {
        await using var setup = new Setup();

        // One host: the dashboard joined the one the telemetry's scrape collects on.
        Assert.Same(setup.Telemetry.Scrape!.Host.WhenStarted(), setup.Dashboard.Started);
        await setup.Dashboard.Started.WaitAsync(TimeSpan.FromMinutes(1));
        string held = setup.Held[TcpState.TimeWait].ToString(System.Globalization.CultureInfo.InvariantCulture);

        // The metrics port: /metrics without a token, and nothing of the dashboard.
        string scraped = await setup.Metrics.GetStringAsync("/metrics");
        Assert.Equal(held, PrometheusTextTests.Sample(scraped.Split('\n'), TimeWait));
        foreach (string path in (string[])["/", "/api/state", "/api/events", "/api/chaos"])
            Assert.Equal(HttpStatusCode.NotFound, (await setup.Metrics.GetAsync(path)).StatusCode);

        // The dashboard's port: its page, its API and its /metrics behind the token, never the metrics port's open /metrics.
        Assert.Equal(HttpStatusCode.OK, (await setup.Page.GetAsync("/")).StatusCode);
        await ControlApiTests.Problem(await setup.Page.GetAsync("/metrics"), 401);
        await ControlApiTests.Problem(await setup.Page.GetAsync("/api/state"), 401);
        Assert.Equal(held, PrometheusTextTests.Sample((await setup.Api.GetStringAsync("/metrics")).Split('\n'), TimeWait));
        var state = System.Text.Json.JsonDocument.Parse(await setup.Api.GetStringAsync("/api/state")).RootElement;
        Assert.Equal(10.0, state.GetProperty("t").GetDouble());

        // Its checks hold on the shared host as on its own: a foreign Host, a foreign Origin, a body not JSON.
        using (var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/state"))
        {
            rebound.Headers.Host = $"evil.example:{setup.Dashboard.Port}";
            await ControlApiTests.Problem(await setup.Api.SendAsync(rebound), 421);
        }
        using (var foreign = new HttpRequestMessage(HttpMethod.Delete, "/api/chaos"))
        {
            foreign.Headers.Add("Origin", "http://127.0.0.1:1");
            await ControlApiTests.Problem(await setup.Api.SendAsync(foreign), 403);
        }
        await ControlApiTests.Problem(await setup.Api.PostAsync("/api/chaos", new StringContent("""{"kind":"partition"}""")), 415);
    }

    [Fact]
    public async Task After_the_telemetrys_end_both_ports_serve_the_final_values_until_the_dashboard_stops_and_then_neither_listens()
    {
        var setup = new Setup();
        int metricsPort = setup.Telemetry.Endpoint!.Port;
        int dashboardPort = setup.Dashboard.Port;
        try
        {
            var report = setup.Finish();
            setup.Telemetry.Dispose();

            string final = report.StatesFinal["time_wait"].ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(setup.Held[TcpState.TimeWait].ToString(System.Globalization.CultureInfo.InvariantCulture), final);
            Assert.Equal(final, PrometheusTextTests.Sample((await setup.Metrics.GetStringAsync("/metrics")).Split('\n'), TimeWait));
            string dashboards = await setup.Api.GetStringAsync("/metrics");
            Assert.Equal(final, PrometheusTextTests.Sample(dashboards.Split('\n'), TimeWait));
            Assert.Contains($"tcpactors_handshake_duration_seconds_count{{scenario=\"small-storm\",shard=\"0\"}} {report.HandshakeSeconds.Count}", dashboards, StringComparison.Ordinal);
            var state = System.Text.Json.JsonDocument.Parse(await setup.Api.GetStringAsync("/api/state")).RootElement;
            Assert.Equal(report.Digest, state.GetProperty("digest").GetString());
        }
        finally
        {
            await setup.DisposeAsync();
        }

        // The dashboard was the host's last user: the host has stopped, and both sockets are closed.
        foreach (int port in (int[])[metricsPort, dashboardPort])
        {
            using var client = new TcpClient();
            var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
    }

    [Fact]
    public async Task A_dashboard_stopped_first_answers_no_more_while_metrics_go_on_until_the_telemetry_ends()
    {
        await using var setup = new Setup();
        await setup.Dashboard.Started.WaitAsync(TimeSpan.FromMinutes(1));

        await setup.Dashboard.DisposeAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => setup.Api.GetAsync("/api/state"));
        Assert.Equal(HttpStatusCode.OK, (await setup.Metrics.GetAsync("/metrics")).StatusCode);
        setup.Finish();
        setup.Telemetry.Dispose();
        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, setup.Telemetry.Endpoint!.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task The_telemetrys_end_makes_the_final_otlp_export_while_the_dashboard_still_serves()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        Assert.True(OtlpTarget.TryParse(receiver.MetricsUrl, _ => null, out var target, out string problem), problem);
        await using var setup = new Setup(target);

        var report = setup.Finish();
        setup.Telemetry.Dispose();

        // Disposed, the telemetry has exported its final values although the host serves on.
        var last = OtlpMetricsRequest.Parse(receiver.Bodies[^1]);
        Assert.Equal(report.HandshakeSeconds.Count, last.Metrics.Single(m => m.Name == TcpActorsMetrics.HandshakeDuration).Points.Single().Value);
        Assert.Equal(report.StatesFinal["time_wait"], last.Metrics.Single(m => m.Name == TcpActorsMetrics.Connections).Points.Single(p => p.Attributes["tcp.state"] == "time_wait").Value);
        Assert.Equal(HttpStatusCode.OK, (await setup.Api.GetAsync("/api/state")).StatusCode);
        // That was the reader's last export: stopping the host with the dashboard exports nothing more.
        int exports = receiver.Bodies.Count;
        await setup.Dashboard.DisposeAsync();
        Assert.Equal(exports, receiver.Bodies.Count);
    }
}
