using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tracing;

/// <summary>
/// Hands every trace event to several sinks in turn (the JSON-lines trace, the pcap, the ladder
/// recorder of report.html), since the engine takes one <see cref="ITraceSink"/>.
/// </summary>
public sealed class TraceFanOut : ITraceSink
{
    private readonly ITraceSink[] _sinks;

    private TraceFanOut(ITraceSink[] sinks) => _sinks = sinks;

    /// <summary>One sink for the non-null ones of <paramref name="sinks"/>; null when there are none, the sink itself when there is one.</summary>
    public static ITraceSink? Of(params ITraceSink?[] sinks)
    {
        var present = new List<ITraceSink>(sinks.Length);
        foreach (var sink in sinks)
        {
            if (sink is not null) present.Add(sink);
        }
        return present.Count switch
        {
            0 => null,
            1 => present[0],
            _ => new TraceFanOut([.. present]),
        };
    }

    /// <inheritdoc />
    public void State(TimeSpan t, int couple, TraceSide side, TcpState from, TcpState to)
    {
        foreach (var sink in _sinks) sink.State(t, couple, side, from, to);
    }

    /// <inheritdoc />
    public void Segment(TimeSpan t, int couple, LinkDirection direction, in Segment segment, TraceFate fate)
    {
        foreach (var sink in _sinks) sink.Segment(t, couple, direction, segment, fate);
    }

    /// <inheritdoc />
    public void Outcome(TimeSpan t, int couple, TraceSide side, CoupleOutcome outcome)
    {
        foreach (var sink in _sinks) sink.Outcome(t, couple, side, outcome);
    }

    /// <inheritdoc />
    public void Flush()
    {
        foreach (var sink in _sinks) sink.Flush();
    }
}
