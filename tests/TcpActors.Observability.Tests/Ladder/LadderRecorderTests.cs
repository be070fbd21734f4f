using TcpActors.Observability.Ladder;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Ladder;

public class LadderRecorderTests
{
    private static readonly Segment Ack = new() { Seq = new SeqNum(1), Ack = new SeqNum(2), Flags = TcpFlags.Ack };

    [Fact]
    public void Keeps_the_first_couples_traced_up_to_its_limit_sorted_by_couple()
    {
        var recorder = new LadderRecorder(maxCouples: 2);

        recorder.Segment(TimeSpan.Zero, 5, LinkDirection.ClientToServer, Ack, TraceFate.Delivered);
        recorder.Segment(TimeSpan.Zero, 3, LinkDirection.ClientToServer, Ack, TraceFate.Delivered);
        recorder.Segment(TimeSpan.Zero, 9, LinkDirection.ClientToServer, Ack, TraceFate.Delivered);
        recorder.State(TimeSpan.Zero, 5, TraceSide.Server, TcpState.Listen, TcpState.SynReceived);

        Assert.Equal([3, 5], recorder.Ladders.Select(l => l.Couple));
        Assert.Equal(2, recorder.Ladders[1].Events.Count);
    }

    [Fact]
    public void A_couple_that_keeps_retransmitting_is_cut_at_the_event_limit_and_the_cut_is_counted()
    {
        var recorder = new LadderRecorder(maxCouples: 1, maxEventsPerCouple: 3);

        for (int i = 0; i < 10; i++) recorder.Segment(TimeSpan.FromSeconds(i), 0, LinkDirection.ClientToServer, Ack, TraceFate.Dropped);

        var ladder = recorder.Ladders[0];
        Assert.Equal(3, ladder.Events.Count);
        Assert.Equal(7, ladder.Omitted);
        Assert.EndsWith("... 7 more events not recorded\n", LadderText.Render(ladder), StringComparison.Ordinal);
    }
}
