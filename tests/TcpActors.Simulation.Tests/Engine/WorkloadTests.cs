using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Engine;

public class WorkloadTests
{
    private static string Couples(string close, string tcp = "{}") => $$"""
        name: workload
        seed: 5
        tcp: {{tcp}}
        hosts: { clients: { count: 2 } }
        network: { delay: 10ms }
        workload:
          couples: 100
          open: { at: 0s, over: 1s }
          exchange: { request: 100B, response: 1KB }
          close: {{close}}
        run: { duration: 100s, sample_every: 1s }
        """;

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void The_passive_side_waits_in_close_wait_for_passive_delay_before_it_closes(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Couples("{ at: 5s, by: client, passive_delay: 2s }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(100, report.CountAt(TcpState.CloseWait, 6));
        Assert.Equal(100, report.CountAt(TcpState.FinWait2, 6));
        Assert.Equal(0, report.CountAt(TcpState.CloseWait, 8));
        Assert.Equal(100, report.CountAt(TcpState.TimeWait, 8));
        Assert.Equal(100, report.Outcomes.Completed);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_leak_keeps_the_passive_side_in_close_wait_while_the_orphaned_fin_wait_2_ends_after_fin_timeout(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Couples("{ at: 5s, by: client, leak: 1 }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(100, report.StatesFinal["close_wait"]);
        Assert.Equal(100, report.CountAt(TcpState.FinWait2, 60));
        Assert.Equal(0, report.CountAt(TcpState.FinWait2, 70));
        Assert.Equal(0, report.Peaks["time_wait"].Count);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Aborting_closers_send_rst_and_skip_time_wait(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Couples("{ at: 5s, by: client, abort: 1 }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(100, report.Outcomes.Aborted);
        Assert.Equal(0, report.Peaks["time_wait"].Count);
        Assert.Equal(100, report.Resets.Sent);
        Assert.Equal(100, report.Resets.Received);
        Assert.Equal(0, report.StatesFinal["established"]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void When_the_server_closes_first_time_wait_is_on_the_server(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Couples("{ at: 5s, by: server }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(100, report.Peaks["time_wait"].Count);
        Assert.Equal(100, report.Outcomes.Completed);
        Assert.Equal(100, report.CountAt(TcpState.TimeWait, 30));
        Assert.Equal(0, report.CountAt(TcpState.TimeWait, 70));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_random_closer_is_chosen_per_couple_and_every_couple_still_completes(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Couples("{ at: 5s, by: random }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(100, report.Outcomes.Completed);
        Assert.Equal(100, report.Peaks["time_wait"].Count);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Time_wait_over_max_tw_buckets_is_dropped_at_once_and_counted_as_overflow(string engine)
    {
        var report = Runs.Run(Runs.Yaml(Couples("{ at: 5s, by: client }", "{ max_tw_buckets: 30 }")), engine);

        Runs.AssertInvariantsHold(report);
        // Two client hosts of 50 couples each, 30 buckets per host.
        Assert.Equal(40, report.TimeWaitOverflow);
        Assert.Equal(60, report.Peaks["time_wait"].Count);
        Assert.Equal(100, report.Outcomes.Completed);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Tw_reuse_lets_new_connections_take_over_old_time_wait_tuples_and_ports_never_run_out(string engine)
    {
        var scenario = Runs.BuiltIn("port-exhaustion").WithDuration(TimeSpan.FromSeconds(65)).WithCouples(39_000);
        scenario = scenario with { Tcp = scenario.Tcp with { TwReuse = 1 } };
        var report = Runs.Run(scenario, engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(0, report.Outcomes.PortExhausted);
        Assert.True(report.Hosts.TimeWaitRecycled > 5_000, $"recycled {report.Hosts.TimeWaitRecycled}");
    }
}
