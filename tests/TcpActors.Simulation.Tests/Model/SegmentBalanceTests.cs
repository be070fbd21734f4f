using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tests.Engine;

namespace TcpActors.Simulation.Tests.Model;

/// <summary>
/// Every segment sent is delivered, dropped, corrupted, unroutable or still in flight (DESIGN.md
/// §9) — over the whole run: once shards exchange segments, one shard sends what another
/// delivers, and neither balances alone.
/// </summary>
public class SegmentBalanceTests
{
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Shards_that_balance_only_together_break_no_invariant_and_a_lost_segment_does(string engine)
    {
        var scenario = Runs.BuiltIn("simultaneous-close").WithCouples(20).WithShards(2).WithDuration(TimeSpan.FromSeconds(120));
        // Few enough rows that each shard keeps its whole series, as `tcpactors merge` needs.
        scenario = scenario with { Run = scenario.Run with { SampleEvery = TimeSpan.FromSeconds(1) } };
        RunReport run = Runs.Run(scenario, engine, new SimulationOptions { ShardIndex = 0 });
        RunReport other = Runs.Run(scenario, engine, new SimulationOptions { ShardIndex = 1 });
        Runs.AssertInvariantsHold(ReportMerger.Merge([run, other]));
        SegmentCounts s = run.Segments, o = other.Segments;
        RunReport sender = run with { Segments = s with { Delivered = s.Delivered - 3 } };
        RunReport receiver = other with { Segments = o with { Delivered = o.Delivered + 3 } };
        // Shard 0 sent 3 segments that shard 1 delivered: neither balances alone, the run does.
        RunReport together = ReportMerger.Merge([sender, receiver]);
        Assert.DoesNotContain(together.Invariants.Violations, v => v.Contains("segments sent", StringComparison.Ordinal));

        RunReport lost = ReportMerger.Merge([sender, other]);
        Assert.Contains(lost.Invariants.Violations, v => v.Contains("segments sent", StringComparison.Ordinal));
    }
}
