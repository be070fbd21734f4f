using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Engine;

public class InvariantTests
{
    private static TcpActors.Simulation.Scenarios.Scenario Storm() => Runs.BuiltIn("teardown-storm").WithCouples(200);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_healthy_drained_run_checks_every_invariant(string engine)
    {
        var report = Runs.Run(Storm(), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Empty(report.Invariants.NotChecked);
        Assert.Equal(0, report.Segments.InFlight);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void An_endpoint_whose_time_wait_never_expires_is_reported_as_left_in_a_transient_state(string engine)
    {
        var report = Runs.Run(Storm(), engine, new SimulationOptions { EndpointFaults = EndpointFaults.TimeWaitNeverExpires });

        // The built-in storm runs as two cells of 100 couples each; each cell reports its own.
        Assert.False(report.Invariants.Ok);
        Assert.Contains(report.Invariants.Violations, v => v.Contains("shard 0: 100 endpoints left in TIME_WAIT", StringComparison.Ordinal));
        Assert.Contains(report.Invariants.Violations, v => v.Contains("shard 1: 100 endpoints left in TIME_WAIT", StringComparison.Ordinal));
        Assert.Equal(200, report.Outcomes.Open);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_run_that_has_not_drained_lists_the_transient_state_check_as_not_checked(string engine)
    {
        var report = Runs.Run(Storm().WithDuration(TimeSpan.FromSeconds(50)), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Contains(report.Invariants.NotChecked, n => n.Contains("had not drained", StringComparison.Ordinal));
        Assert.Equal(200, report.StatesFinal["time_wait"]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Paced_to_the_wall_clock_a_run_gives_the_same_report_as_in_virtual_time(string engine)
    {
        var scenario = Storm().WithDuration(TimeSpan.FromSeconds(30));
        var virtualTime = Runs.Run(scenario, engine);
        // A huge time scale paces 30 virtual seconds into 30 µs of wall time: the path is exercised
        // without waiting on the wall clock.
        var realTime = Runs.Run(scenario, engine, new SimulationOptions { RealTime = true, TimeScale = 1e6 });

        Assert.Equal(virtualTime.Digest, realTime.Digest);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_trace_of_two_shards_is_written_in_virtual_time_order(string engine)
    {
        var text = new StringWriter();
        var scenario = Storm().WithShards(2);
        using (var writer = new TcpActors.Simulation.Tracing.JsonLinesTraceWriter(text))
            Runs.Run(scenario, engine, new SimulationOptions { Trace = writer, TraceCouples = 4, Threads = 2 });

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var times = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("t").GetDouble()).ToList();
        var couples = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("couple").GetInt32()).Distinct().Order();
        Assert.Equal(times.Order(), times);
        Assert.Equal([0, 1, 2, 3], couples);
        Assert.Equal(4, lines.Count(l => l.Contains("\"side\":\"client\",\"event\":\"outcome\"", StringComparison.Ordinal)));
    }
}
