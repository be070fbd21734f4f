using TcpActors.Observability.Ladder;
using TcpActors.Observability.Tracing;
using TcpActors.Simulation.Tracing;

namespace TcpActors.Observability.Tests.Ladder;

public class TraceFileReaderTests
{
    [Fact]
    public void A_lossy_runs_json_lines_trace_reads_back_to_the_very_events_the_run_traced()
    {
        var json = new StringWriter();
        var recorder = new LadderRecorder(maxCouples: SmallStorm.Couples, maxEventsPerCouple: 10_000);
        using (var writer = new JsonLinesTraceWriter(json)) SmallStorm.Run(TraceFanOut.Of(writer, recorder)!, loss: "10%");

        foreach (var recorded in recorder.Ladders)
        {
            var (read, couples) = TraceFileReader.Read(new StringReader(json.ToString()), recorded.Couple, "trace.jsonl");

            Assert.Equal(recorded.Events, read.Events);
            Assert.Equal(Enumerable.Range(0, SmallStorm.Couples), couples);
        }
        Assert.Contains(recorder.Ladders, l => l.SegmentsHurt > 0);
    }

    [Fact]
    public void A_line_that_is_not_a_trace_event_is_an_error_naming_its_line()
    {
        const string trace = """
            {"t":0.000,"couple":0,"side":"client","event":"state","from":"CLOSED","to":"SYN_SENT"}
            {"t":0.000,"couple":0,"event":"segment","dir":"client_to_server","flags":"SYN,URG","seq":1000,"ack":0,"len":0,"fate":"delivered"}
            """;

        var e = Assert.Throws<InvalidDataException>(() => TraceFileReader.Read(new StringReader(trace), 0, "t.jsonl"));

        Assert.StartsWith("t.jsonl:2: not a trace event: bad flags 'SYN,URG'", e.Message, StringComparison.Ordinal);
    }
}
