using System.Text.Json;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Engine;

/// <summary>Each built-in scenario, scaled down for test speed, shows the behaviour it is named for.</summary>
public class BuiltInScenarioTests
{
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Churn_levels_time_wait_off_at_the_close_rate_times_60s(string engine)
    {
        var scenario = Runs.BuiltIn("churn-time-wait").WithCouples(20_000).WithDuration(TimeSpan.FromSeconds(100));
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        // Little's law: 200 closes/s × 60 s of TIME_WAIT = 12,000 once the first ones expire.
        Assert.InRange(report.CountAt(TcpState.TimeWait, 70), 11_800, 12_200);
        Assert.InRange(report.CountAt(TcpState.TimeWait, 95), 11_800, 12_200);
        Assert.InRange(report.CountAt(TcpState.TimeWait, 30), 5_600, 6_200);
        Assert.Equal(0, report.Outcomes.PortExhausted);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Port_exhaustion_appears_above_470_connections_per_second_to_one_destination(string engine)
    {
        var scenario = Runs.BuiltIn("port-exhaustion").WithDuration(TimeSpan.FromSeconds(65)).WithCouples(39_000);
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        // 28,232 ports / 600 per second: every port is in TIME_WAIT after ≈ 47 s.
        Assert.True(report.Outcomes.PortExhausted > 3_000, $"port_exhausted {report.Outcomes.PortExhausted}");
        Assert.Equal(report.Outcomes.PortExhausted, report.ConnectOutcomes.PortExhausted);
        Assert.InRange(report.Peaks["time_wait"].Count, 28_000, 28_232);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Port_exhaustion_does_not_appear_below_470_connections_per_second(string engine)
    {
        var scenario = Runs.BuiltIn("port-exhaustion").WithDuration(TimeSpan.FromSeconds(65)).WithCouples(29_250);
        scenario = scenario with
        {
            Workload = scenario.Workload with { Churn = scenario.Workload.Churn! with { RatePerSecond = 450 } },
        };
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(0, report.Outcomes.PortExhausted);
        Assert.True(report.Peaks["time_wait"].Count > 26_000);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Lossy_handshakes_retransmit_syns_and_most_couples_still_establish(string engine)
    {
        var scenario = Runs.BuiltIn("lossy-handshake").WithCouples(300);
        var trace = new StringWriter();
        RunReport report;
        using (var writer = new JsonLinesTraceWriter(trace))
            report = Runs.Run(scenario, engine, new SimulationOptions { Trace = writer, TraceCouples = 300 });

        // SYNs retransmitted: some couple's client sent its SYN more than once, on Linux's schedule
        // (1 s after the first, then 1 s linear steps).
        var synTimes = trace.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("event").GetString() == "segment" && e.GetProperty("flags").GetString() == "SYN")
            .GroupBy(e => e.GetProperty("couple").GetInt32(), e => e.GetProperty("t").GetDouble())
            .Where(g => g.Count() > 1)
            .ToList();
        Assert.True(synTimes.Count > 20, $"{synTimes.Count} couples retransmitted their SYN");
        Assert.All(synTimes, g => Assert.Equal(1.0, g.ElementAt(1) - g.First(), 6));

        Runs.AssertInvariantsHold(report);
        Assert.True(report.Segments.Retransmitted > 100, $"retransmitted {report.Segments.Retransmitted}");
        Assert.True(report.ConnectOutcomes.Established > 250, $"established {report.ConnectOutcomes.Established}");
        Assert.True(report.CountAt(TcpState.Established, 140) > 400, "both ends of most couples are established before the close");
        // A quarter of SYNs or SYN-ACKs are lost: the slowest handshakes waited for retransmissions (1 s, 2 s, …).
        Assert.True(report.HandshakeSeconds.P99 >= 1.0, $"p99 {report.HandshakeSeconds.P99}");
        Assert.True(report.HandshakeSeconds.P50 < 0.2, $"p50 {report.HandshakeSeconds.P50}");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Simultaneous_close_passes_through_closing_and_leaves_both_sides_in_time_wait(string engine)
    {
        var scenario = Runs.BuiltIn("simultaneous-close").WithCouples(200);
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(400, report.Peaks["closing"].Count);
        Assert.Equal(400, report.Peaks["time_wait"].Count);
        Assert.Equal(0, report.Peaks["close_wait"].Count);
        Assert.Equal(0, report.Peaks["last_ack"].Count);
        Assert.Equal(200, report.Outcomes.Completed);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_partition_holds_fin_wait_1_and_the_teardown_completes_after_the_heal(string engine)
    {
        var scenario = Runs.BuiltIn("partition-and-heal").WithCouples(400);
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        Assert.True(report.Segments.DroppedByCause.Partition > 400, $"partition drops {report.Segments.DroppedByCause.Partition}");
        Assert.Equal(400, report.CountAt(TcpState.FinWait1, 30));
        Assert.Equal(400, report.CountAt(TcpState.FinWait1, 44));
        Assert.Equal(0, report.CountAt(TcpState.FinWait1, 80));
        Assert.Equal(400, report.Outcomes.Completed);
        Assert.Equal(0, report.StatesFinal["time_wait"] + report.StatesFinal["fin_wait_1"]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Keepalive_finds_a_crashed_server_by_timeouts_and_its_restart_by_resets(string engine)
    {
        var scenario = Runs.BuiltIn("server-crash-keepalive").WithCouples(300);
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(1, report.Hosts.Crashes);
        Assert.True(report.Outcomes.TimedOut > 0, $"timed_out {report.Outcomes.TimedOut}");
        Assert.True(report.Outcomes.Reset > 0, $"reset {report.Outcomes.Reset}");
        Assert.Equal(300, report.Outcomes.TimedOut + report.Outcomes.Reset);
        Assert.Equal(600, report.CountAt(TcpState.Established, 59));
        Assert.Equal(0, report.StatesFinal["established"]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_syn_flood_fills_the_small_syn_queue_and_drops_syns(string engine)
    {
        var scenario = Runs.BuiltIn("syn-flood-small-backlog").WithCouples(1_600).WithDuration(TimeSpan.FromSeconds(100));
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        Assert.True(report.Hosts.SynQueueFullDrops > 10_000, $"drops {report.Hosts.SynQueueFullDrops}");
        Assert.InRange(report.CountAt(TcpState.SynReceived, 40), 128, 130);
        Assert.True(report.Segments.Unroutable > 0, "SYN-ACKs to spoofed sources go nowhere");
        // Real clients connect only before the flood (20 s × 20/s); afterwards every SYN meets a full
        // queue, and each client gives up (closes while in SYN_SENT) when its 2 s lifetime ends.
        Assert.InRange(report.ConnectOutcomes.Established, 395, 405);
        Assert.True(report.Outcomes.Aborted > 1_000, $"aborted {report.Outcomes.Aborted}");
        Assert.True(report.Peaks["syn_sent"].Count >= 40, "clients wait in SYN_SENT, retransmitting");
        Assert.Equal(0, report.Hosts.SyncookiesSent);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void With_syncookies_the_flood_is_answered_statelessly_and_real_clients_get_through(string engine)
    {
        var scenario = Runs.BuiltIn("syn-flood-small-backlog").WithCouples(1_600).WithDuration(TimeSpan.FromSeconds(100));
        scenario = scenario with { Tcp = scenario.Tcp with { Syncookies = true } };
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        Assert.True(report.Hosts.SyncookiesSent > 10_000, $"cookies {report.Hosts.SyncookiesSent}");
        Assert.Equal(0, report.Hosts.SynQueueFullDrops);
        Assert.Equal(0, report.ConnectOutcomes.TimedOut);
        Assert.True(report.HandshakeSeconds.P99 < 1, $"p99 {report.HandshakeSeconds.P99}");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Exact_forged_rsts_reset_half_the_couples_and_in_window_ones_get_challenge_acks(string engine)
    {
        var scenario = Runs.BuiltIn("rst-storm").WithCouples(1_000);
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(2_000, report.CountAt(TcpState.Established, 19));
        long reset = report.Outcomes.Reset;
        Assert.InRange(reset, 400, 600);
        // Clients that took an exact RST are gone; their servers do not know and stay established.
        Assert.Equal(2_000 - reset, report.CountAt(TcpState.Established, 25));
        Assert.Equal(2_000 - reset, report.CountAt(TcpState.Established, 35));
        Assert.Equal(1_000 - reset, report.Resets.ChallengeAcks);
        Assert.Equal(0, report.Peaks["time_wait"].Count);
    }
}
