using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// The marks a census keeps per state as each instant is judged: the run's peak and the first
/// instant it was reached, and the minimum and maximum of the current sample interval. One
/// shard's census (<see cref="StateCensus"/>) and the merge of several (<see cref="RunCensus"/>)
/// judge an instant by the same rule, here: the state's count is the higher of its count before
/// and after the instant, plus the endpoints that passed through it within the instant.
/// </summary>
internal sealed class CensusMarks
{
    private const int States = TcpStateNames.Count;

    public readonly long[] Min = new long[States];
    public readonly long[] Max = new long[States];
    private readonly long[] _peak = new long[States];
    private readonly long[] _peakAtTicks = new long[States];

    /// <summary>Judges <paramref name="state"/> at <paramref name="instant"/>: <paramref name="before"/> and
    /// <paramref name="after"/> the instant's events, <paramref name="passed"/> endpoints through it within them.</summary>
    public void Judge(int state, long instant, long before, long after, long passed)
    {
        long held = passed == 0 ? after : Math.Max(before, after) + passed;
        if (held > Max[state]) Max[state] = held;
        if (after < Min[state]) Min[state] = after;
        if (held > _peak[state])
        {
            _peak[state] = held;
            _peakAtTicks[state] = instant;
        }
    }

    /// <summary>Starts a sample interval at <paramref name="counts"/>: they are its first bounds.</summary>
    public void StartInterval(ReadOnlySpan<long> counts)
    {
        counts.CopyTo(Min);
        counts.CopyTo(Max);
    }

    public (long Count, TimeSpan At) Peak(TcpState state) => (_peak[(int)state], TimeSpan.FromTicks(_peakAtTicks[(int)state]));
}
