using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// The state of a run at one sample (DESIGN.md §7 metric names): endpoints per TCP state and the
/// running counters, summed over the shards of the run. Immutable once published.
/// </summary>
public sealed class LiveSnapshot
{
    /// <summary>Virtual time of the sample.</summary>
    public required TimeSpan Now { get; init; }

    /// <summary>Virtual time the run lasts (<c>run.duration</c>).</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Endpoints per state, indexed by <see cref="TcpState"/> (11 entries, <c>tcpactors.connections</c>).</summary>
    public required long[] StateCounts { get; init; }

    /// <summary>
    /// Each state's exact fewest endpoints at any instant of the interval this sample ends
    /// (indexed by <see cref="TcpState"/>, the run's census merged over the shards, as in
    /// <c>timeseries.csv</c>), or null when not known. Set by the run before it is published.
    /// </summary>
    public long[]? StateMin { get; internal set; }

    /// <summary>Each state's exact most endpoints at any instant of the interval this sample ends, or null; see <see cref="StateMin"/>.</summary>
    public long[]? StateMax { get; internal set; }

    /// <summary>Segment counters (<c>tcpactors.segments</c>).</summary>
    public required SegmentCounts Segments { get; init; }

    /// <summary>RSTs sent and received (<c>tcpactors.resets</c>).</summary>
    public required ResetCounts Resets { get; init; }

    /// <summary>Connect outcomes so far (<c>tcpactors.connect.outcomes</c>).</summary>
    public required ConnectOutcomeCounts ConnectOutcomes { get; init; }

    /// <summary>New TIME_WAIT sockets dropped over <c>max_tw_buckets</c> (<c>tcpactors.time_wait.overflow</c>).</summary>
    public required long TimeWaitOverflow { get; init; }

    /// <summary>Events delivered by the actor systems so far.</summary>
    public required long Events { get; init; }

    /// <summary>How couples have ended so far (<c>open</c> counts opened couples not yet ended; <c>not_started</c> those still to open).</summary>
    public Reporting.OutcomeCounts Outcomes { get; init; } = new();

    /// <summary>
    /// Wall-clock time since the run started when the slowest shard reached this sample. In a
    /// real-time run, <c>Wall − Now / time scale</c> is how far the simulation lags the clock
    /// (DESIGN.md §3: lag is shown, never hidden).
    /// </summary>
    public TimeSpan Wall { get; init; }

    /// <summary>The count for one state.</summary>
    public long this[TcpState state] => StateCounts[(int)state];
}
