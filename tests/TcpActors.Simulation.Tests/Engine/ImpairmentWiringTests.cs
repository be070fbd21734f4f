namespace TcpActors.Simulation.Tests.Engine;

/// <summary>Every impairment of the network models reaches the segments of a run and its counters.</summary>
public class ImpairmentWiringTests
{
    private static string Scenario(string network, string chaos = "") => $$"""
        name: impairments
        seed: 9
        hosts: { clients: { count: 2 } }
        network: {{network}}
        workload:
          couples: 200
          open: { at: 0s, over: 2s }
          exchange: { request: 2KB, response: 8KB }
          close: { at: 20s, by: client }
        {{chaos}}
        run: { duration: 150s, sample_every: 1s }
        """;

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Duplicates_corruption_and_reordering_are_counted_and_every_couple_still_completes(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Scenario("{ delay: 10ms, jitter: 3ms, jitter_distribution: pareto, duplicate: 5%, corrupt: 2%, reorder: 5% }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.True(report.Segments.Duplicated > 50, $"duplicated {report.Segments.Duplicated}");
        Assert.True(report.Segments.Corrupted > 20, $"corrupted {report.Segments.Corrupted}");
        Assert.True(report.Segments.Reordered > 50, $"reordered {report.Segments.Reordered}");
        Assert.Equal(0, report.Segments.Dropped);
        Assert.Equal(200, report.Outcomes.Completed);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_rate_limit_with_a_short_queue_tail_drops(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Scenario("{ delay: 10ms, rate: { limit: 2000/s, queue: 20 } }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.True(report.Segments.DroppedByCause.QueueFull > 0, "queue_full drops");
        Assert.True(report.Segments.Retransmitted > 0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_blackhole_window_drops_everything_on_its_links(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Scenario("{ delay: 10ms }", "chaos:\n  - { at: 19s, for: 5s, blackhole: true }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.True(report.Segments.DroppedByCause.Blackhole >= 200, $"blackhole {report.Segments.DroppedByCause.Blackhole}");
        Assert.Equal(200, report.CountAt(Tcp.TcpState.FinWait1, 23));
        Assert.Equal(200, report.Outcomes.Completed);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_one_way_partition_cuts_only_the_server_to_client_direction(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Scenario("{ delay: 10ms }",
            "chaos:\n  - { at: 19s, for: 5s, partition: { between: [servers, clients], one_way: true } }")), engine);

        Runs.AssertInvariantsHold(report);
        // The clients' FINs get through (CLOSE_WAIT, then LAST_ACK on the servers), the ACKs back do not.
        Assert.Equal(200, report.CountAt(Tcp.TcpState.FinWait1, 23));
        Assert.Equal(200, report.CountAt(Tcp.TcpState.LastAck, 23));
        Assert.True(report.Segments.DroppedByCause.Partition > 0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_clog_holds_traffic_and_releases_it_when_the_window_ends(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Scenario("{ delay: 10ms }", "chaos:\n  - { at: 19s, for: 3s, clog: true }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(0, report.Segments.Dropped);
        Assert.Equal(200, report.CountAt(Tcp.TcpState.FinWait1, 21));
        Assert.Equal(0, report.CountAt(Tcp.TcpState.FinWait1, 23));
        Assert.Equal(200, report.Outcomes.Completed);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Loss_chaos_window_raises_drops_only_while_it_lasts(string engine)
    {
        var quiet = Runs.Run(Runs.Yaml(Scenario("{ delay: 10ms }")), engine);
        var lossy = Runs.Run(Runs.Yaml(Scenario("{ delay: 10ms }", "chaos:\n  - { at: 19s, for: 10s, loss: 0.5 }")), engine);

        Assert.Equal(0, quiet.Segments.DroppedByCause.Loss);
        Assert.True(lossy.Segments.DroppedByCause.Loss > 100, $"loss {lossy.Segments.DroppedByCause.Loss}");
        Runs.AssertInvariantsHold(lossy);
    }
}
