using TcpActors.Observability.Ladder;
using TcpActors.Observability.Pcap;
using TcpActors.Observability.Tracing;
using TcpActors.Simulation;

namespace TcpActors.Observability.Tests.Pcap;

public class TracingLeavesTheRunAloneTests
{
    [Fact]
    public void A_lossy_run_captured_to_pcap_and_recorded_for_its_ladders_has_the_digest_of_the_same_run_untraced()
    {
        var scenario = SmallStorm.Scenario(loss: "10%");
        var untraced = SimulationRunner.Run(scenario, new SimulationOptions());
        using var pcap = new PcapWriter(new MemoryStream());
        var ladders = new LadderRecorder(maxCouples: SmallStorm.Couples);

        var traced = SimulationRunner.Run(scenario, new SimulationOptions { TraceCouples = SmallStorm.Couples, Trace = TraceFanOut.Of(pcap, ladders) });

        Assert.True(pcap.Packets > 0);
        Assert.Equal(untraced.Digest, traced.Digest);
    }
}
