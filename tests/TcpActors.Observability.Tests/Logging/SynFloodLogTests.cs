using TcpActors.Observability.Logging;
using TcpActors.Observability.Tests.Metrics;
using TcpActors.Simulation;

namespace TcpActors.Observability.Tests.Logging;

public sealed class SynFloodLogTests
{
    private static string Flood(string syncookies) => $$"""
        name: small-flood
        seed: 9
        tcp: { syn_backlog: 16, syncookies: {{syncookies}} }
        hosts: { clients: { count: 1 }, servers: { count: 1, port: 8080, backlog: 16 } }
        network: { delay: 15ms }
        workload:
          couples: 20
          churn: { rate: 2/s, lifetime: 2s, by: client }
          exchange: { request: 100B, response: 1KB }
          syn_flood: { at: 2s, for: 3s, rate: 200/s, target: server-0 }
        run: { duration: 10s, sample_every: 1s, shards: 1 }
        """;

    [Fact]
    public void A_flood_into_a_full_syn_queue_without_cookies_is_logged_as_linux_does_dropping_requests()
    {
        var log = new LogEvents();
        var scenario = TestRuns.Yaml(Flood("false"));
        var messages = new KernelMessages(log.Logger, scenario, "0");

        var report = SimulationRunner.Run(scenario, new SimulationOptions { Observer = messages });
        messages.OnCompleted(report);

        Assert.True(report.Hosts.SynQueueFullDrops > 0);
        var warning = Assert.Single(log.Warnings, w => w.MessageTemplate.Text.Contains("Possible SYN flooding", StringComparison.Ordinal));
        Assert.StartsWith("TCP: request_sock_TCP: Possible SYN flooding on port 8080. Dropping request.", warning.RenderMessage());
        Assert.Equal(report.Hosts.SynQueueFullDrops, LogEvents.Long(warning, "SynQueueFullDrops"));
    }

    [Fact]
    public void A_flood_into_a_full_syn_queue_with_cookies_is_logged_as_sending_cookies()
    {
        var log = new LogEvents();
        var scenario = TestRuns.Yaml(Flood("true"));
        var messages = new KernelMessages(log.Logger, scenario, "0");

        var report = SimulationRunner.Run(scenario, new SimulationOptions { Observer = messages });
        messages.OnCompleted(report);

        Assert.True(report.Hosts.SyncookiesSent > 0);
        var warning = Assert.Single(log.Warnings, w => w.MessageTemplate.Text.Contains("Possible SYN flooding", StringComparison.Ordinal));
        Assert.StartsWith("TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.", warning.RenderMessage());
    }
}
