using TcpActors.Observability.Ladder;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Ladder;

public class LadderTextTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond));

    /// <summary>The confession of seed story 001: SYN seq=x; SYN,ACK seq=y ack=x+1; ACK seq=x+1 ack=y+1.</summary>
    private static CoupleLadder Handshake()
    {
        var ladder = new CoupleLadder(0);
        ladder.Add(LadderEvent.OfState(Ms(0), TraceSide.Client, TcpState.Closed, TcpState.SynSent));
        ladder.Add(LadderEvent.OfSegment(Ms(0), LinkDirection.ClientToServer, TcpFlags.Syn, 1000, 0, 0, TraceFate.Delivered));
        ladder.Add(LadderEvent.OfState(Ms(10), TraceSide.Server, TcpState.Listen, TcpState.SynReceived));
        ladder.Add(LadderEvent.OfSegment(Ms(10), LinkDirection.ServerToClient, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, 0, TraceFate.Delivered));
        ladder.Add(LadderEvent.OfState(Ms(20), TraceSide.Client, TcpState.SynSent, TcpState.Established));
        ladder.Add(LadderEvent.OfSegment(Ms(20), LinkDirection.ClientToServer, TcpFlags.Ack, 1001, 5001, 0, TraceFate.Delivered));
        ladder.Add(LadderEvent.OfState(Ms(30), TraceSide.Server, TcpState.SynReceived, TcpState.Established));
        return ladder;
    }

    [Fact]
    public void The_three_way_handshake_is_drawn_as_the_seed_story_tells_it_one_line_per_event()
    {
        string text = LadderText.Render(Handshake());

        string arrows = new(' ', 60);
        Assert.Equal(
            "couple 0: 3 segments (2 client->server, 1 server->client), 0 dropped/corrupted/duplicated; no outcome yet (still open when the run ended)\n" +
            $"t (s)       client                 |{arrows}| server\n" +
            $"            CLOSED                 |{arrows}| LISTEN\n" +
            $"0.000       SYN_SENT               |{arrows}|\n" +
            $"0.000                              |--- SYN seq=1000 ack=0 {new string('-', 36)}>|\n" +
            $"0.010                              |{arrows}| SYN_RECEIVED\n" +
            $"0.010                              |<{new string('-', 29)} SYN,ACK seq=5000 ack=1001 ---|\n" +
            $"0.020       ESTABLISHED            |{arrows}|\n" +
            $"0.020                              |--- ACK seq=1001 ack=5001 {new string('-', 33)}>|\n" +
            $"0.030                              |{arrows}| ESTABLISHED\n",
            text);
    }

    [Fact]
    public void A_dropped_fin_stops_half_way_with_an_x_and_says_so()
    {
        var fin = LadderEvent.OfSegment(TimeSpan.FromSeconds(20), LinkDirection.ServerToClient, TcpFlags.Fin | TcpFlags.Ack, 5001, 1002, 0, TraceFate.Dropped);

        string arrow = LadderText.Arrow(fin);

        Assert.Equal("(dropped) X- FIN,ACK seq=5001 ack=1002 ---".PadLeft(60), arrow);
    }

    [Fact]
    public void A_duplicated_segment_has_a_double_head_and_data_shows_its_length()
    {
        var data = LadderEvent.OfSegment(TimeSpan.Zero, LinkDirection.ClientToServer, TcpFlags.Psh | TcpFlags.Ack, 1001, 5001, 100, TraceFate.Duplicated);

        string arrow = LadderText.Arrow(data);

        Assert.StartsWith("--- PSH,ACK seq=1001 ack=5001 len=100 (duplicated) ---", arrow, StringComparison.Ordinal);
        Assert.EndsWith("->>", arrow, StringComparison.Ordinal);
        Assert.Equal(60, arrow.Length);
    }

    [Fact]
    public void The_summary_names_the_first_outcome_and_the_segments_the_network_hurt()
    {
        var ladder = Handshake();
        ladder.Add(LadderEvent.OfSegment(Ms(40), LinkDirection.ClientToServer, TcpFlags.Fin | TcpFlags.Ack, 1001, 5001, 0, TraceFate.Dropped));
        ladder.Add(LadderEvent.OfOutcome(TimeSpan.FromSeconds(131), TraceSide.Client, CoupleOutcome.TimedOut));

        Assert.Equal("couple 0: 4 segments (3 client->server, 1 server->client), 1 dropped/corrupted/duplicated; outcome timed_out (client)",
            LadderText.Summary(ladder));
        Assert.EndsWith("131.000     outcome timed_out      |" + new string(' ', 60) + "|\n", LadderText.Render(ladder), StringComparison.Ordinal);
    }
}
