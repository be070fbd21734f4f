using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tracing;

/// <summary>
/// Receives the life of the traced couples (<c>--trace FILE</c>, DESIGN.md §7): state changes,
/// segments with their fate, and outcomes, in virtual-time order. Called from the run's worker
/// thread(s) but never concurrently; a segment's <c>t</c> is when it was sent, and its fate is
/// already decided then. <see cref="JsonLinesTraceWriter"/> writes the contract's JSON lines.
/// </summary>
public interface ITraceSink
{
    /// <summary>An endpoint of <paramref name="couple"/> changed state.</summary>
    void State(TimeSpan t, int couple, TraceSide side, TcpState from, TcpState to);

    /// <summary>A segment of <paramref name="couple"/> was sent in <paramref name="direction"/>.</summary>
    void Segment(TimeSpan t, int couple, LinkDirection direction, in Segment segment, TraceFate fate);

    /// <summary><paramref name="couple"/> ended, as seen from <paramref name="side"/>.</summary>
    void Outcome(TimeSpan t, int couple, TraceSide side, CoupleOutcome outcome);

    /// <summary>The run is over: write out anything buffered.</summary>
    void Flush();
}
