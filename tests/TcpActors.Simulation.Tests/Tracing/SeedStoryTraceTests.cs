using System.Text.Json;
using TcpActors.Simulation.Tests.Engine;
using TcpActors.Simulation.Tracing;

namespace TcpActors.Simulation.Tests.Tracing;

/// <summary>
/// The seed stories (/work/shared/seeds) told by a traced couple of a real run: the trace must
/// show exactly the story's segments and transitions when the scenario sets that story up.
/// </summary>
public class SeedStoryTraceTests
{
    private const string OneCouple = """
        name: story
        seed: 7
        network: { delay: 10ms }
        workload:
          couples: 1
          close: { at: 5s, by: client, passive_delay: PASSIVE }
        CHAOS
        run: { duration: 80s, sample_every: 1s }
        """;

    private static List<JsonElement> Trace(string engine, string passiveDelay, string chaos = "")
    {
        var scenario = Runs.Yaml(OneCouple.Replace("PASSIVE", passiveDelay).Replace("CHAOS", chaos));
        var text = new StringWriter();
        using var writer = new JsonLinesTraceWriter(text);
        var report = Runs.Run(scenario, engine, new SimulationOptions { Trace = writer, TraceCouples = 1 });
        Runs.AssertInvariantsHold(report);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return [.. lines.Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private static string Describe(JsonElement e) => e.GetProperty("event").GetString() switch
    {
        "state" => $"{e.GetProperty("side").GetString()} {e.GetProperty("from").GetString()}>{e.GetProperty("to").GetString()}",
        "segment" => $"{(e.GetProperty("dir").GetString() == "client_to_server" ? "c>s" : "s>c")} {e.GetProperty("flags").GetString()} {e.GetProperty("fate").GetString()}",
        _ => $"{e.GetProperty("side").GetString()} {e.GetProperty("outcome").GetString()}",
    };

    private static double T(JsonElement e) => e.GetProperty("t").GetDouble();

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Seed_001_the_handshake_is_syn_x_then_syn_ack_y_x_plus_1_then_ack_x_plus_1_y_plus_1(string engine)
    {
        var trace = Trace(engine, "0s");
        var handshake = trace.TakeWhile(e => T(e) < 1).ToList();

        Assert.Equal(
            ["client CLOSED>SYN_SENT", "c>s SYN delivered", "server LISTEN>SYN_RECEIVED", "s>c SYN,ACK delivered",
             "client SYN_SENT>ESTABLISHED", "c>s ACK delivered", "server SYN_RECEIVED>ESTABLISHED"],
            handshake.Select(Describe));
        var syn = handshake[1];
        var synAck = handshake[3];
        var ack = handshake[5];
        uint x = syn.GetProperty("seq").GetUInt32();
        uint y = synAck.GetProperty("seq").GetUInt32();
        Assert.Equal(x + 1, synAck.GetProperty("ack").GetUInt32());
        Assert.Equal(x + 1, ack.GetProperty("seq").GetUInt32());
        Assert.Equal(y + 1, ack.GetProperty("ack").GetUInt32());
        Assert.Equal([0.0, 0.0, 0.010, 0.010, 0.020, 0.020, 0.030], handshake.Select(T));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Seed_002_the_four_way_close_is_fin_ack_fin_ack_when_the_server_waits_in_close_wait(string engine)
    {
        var trace = Trace(engine, "2s");
        var close = trace.Where(e => T(e) >= 5).Select(Describe).ToList();

        Assert.Equal(
            ["client ESTABLISHED>FIN_WAIT_1", "c>s FIN,ACK delivered", "server ESTABLISHED>CLOSE_WAIT",
             "s>c ACK delivered", "client FIN_WAIT_1>FIN_WAIT_2",
             "server CLOSE_WAIT>LAST_ACK", "s>c FIN,ACK delivered", "client FIN_WAIT_2>TIME_WAIT", "c>s ACK delivered",
             "server LAST_ACK>CLOSED", "server completed",
             "client TIME_WAIT>CLOSED", "client completed"],
            close);
        // The server's ACK of the FIN waited for the delayed-ACK timer (linux: 40 ms) and went alone.
        Assert.Equal(5.050, T(trace.First(e => Describe(e) == "s>c ACK delivered" && T(e) > 5)), 6);
        var timeWait = trace.First(e => Describe(e) == "client FIN_WAIT_2>TIME_WAIT");
        var closed = trace.First(e => Describe(e) == "client TIME_WAIT>CLOSED");
        Assert.Equal(60.0, T(closed) - T(timeWait), 6);
        Assert.Equal(7.010, T(trace.First(e => Describe(e) == "server CLOSE_WAIT>LAST_ACK")), 6);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Seed_000_the_three_segment_close_merges_the_servers_ack_and_fin(string engine)
    {
        var trace = Trace(engine, "0s");
        var close = trace.Where(e => T(e) >= 5).Select(Describe).ToList();

        Assert.Equal(
            ["client ESTABLISHED>FIN_WAIT_1", "c>s FIN,ACK delivered", "server ESTABLISHED>CLOSE_WAIT",
             "server CLOSE_WAIT>LAST_ACK", "s>c FIN,ACK delivered",
             "client FIN_WAIT_1>FIN_WAIT_2", "client FIN_WAIT_2>TIME_WAIT", "c>s ACK delivered",
             "server LAST_ACK>CLOSED", "server completed",
             "client TIME_WAIT>CLOSED", "client completed"],
            close);
        Assert.Equal(3, close.Count(d => d.StartsWith("c>s", StringComparison.Ordinal) || d.StartsWith("s>c", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Seed_002_a_lost_last_ack_makes_the_server_resend_its_fin_and_time_wait_start_over(string engine)
    {
        var trace = Trace(engine, "0s", "chaos:\n  - { at: 5s, drop: { flags: [ACK], direction: client_to_server, count: 1 } }");
        var close = trace.Where(e => T(e) >= 5).Select(Describe).ToList();

        Assert.Equal(
            ["client ESTABLISHED>FIN_WAIT_1", "c>s FIN,ACK delivered", "server ESTABLISHED>CLOSE_WAIT",
             "server CLOSE_WAIT>LAST_ACK", "s>c FIN,ACK delivered",
             "client FIN_WAIT_1>FIN_WAIT_2", "client FIN_WAIT_2>TIME_WAIT", "c>s ACK dropped",
             "s>c FIN,ACK delivered", "c>s ACK delivered",
             "server LAST_ACK>CLOSED", "server completed",
             "client TIME_WAIT>CLOSED", "client completed"],
            close);
        var resentFin = trace.Where(e => Describe(e) == "s>c FIN,ACK delivered").Last();
        var closed = trace.First(e => Describe(e) == "client TIME_WAIT>CLOSED");
        // TIME_WAIT restarted when the retransmitted FIN arrived (10 ms after it was sent).
        Assert.Equal(60.0, T(closed) - (T(resentFin) + 0.010), 6);
    }

    [Fact]
    public void Trace_lines_have_exactly_the_contracts_shape()
    {
        var text = new StringWriter();
        using (var writer = new JsonLinesTraceWriter(text))
        {
            writer.State(TimeSpan.FromMilliseconds(10), 0, TraceSide.Server, Tcp.TcpState.Listen, Tcp.TcpState.SynReceived);
            writer.Segment(TimeSpan.Zero, 0, TcpActors.Simulation.Network.LinkDirection.ClientToServer,
                new Tcp.Segment { Seq = new Tcp.SeqNum(1000), Flags = Tcp.TcpFlags.Syn }, TraceFate.Delivered);
            writer.Outcome(TimeSpan.FromSeconds(131), 0, TraceSide.Client, Telemetry.CoupleOutcome.TimedOut);
        }

        Assert.Equal(
            """
            {"t":0.010,"couple":0,"side":"server","event":"state","from":"LISTEN","to":"SYN_RECEIVED"}
            {"t":0.000,"couple":0,"event":"segment","dir":"client_to_server","flags":"SYN","seq":1000,"ack":0,"len":0,"fate":"delivered"}
            {"t":131.000,"couple":0,"side":"client","event":"outcome","outcome":"timed_out"}

            """.Replace("\r\n", "\n"), text.ToString());
    }
}
