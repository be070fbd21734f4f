using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// Endpoints per TCP state at each sample (<c>timeseries.csv</c>): one row every
/// <c>run.sample_every</c> of virtual time from t = 0, with each state's exact minimum and
/// maximum within the interval the sample ends (<see cref="RunCensus"/>). Rows are stored flat
/// (33 longs each), so a long run costs no object per row.
/// </summary>
public sealed class TimeSeries
{
    private const int States = TcpStateNames.Count;

    /// <summary>Longs per row: the counts, then the minima, then the maxima.</summary>
    private const int RowWidth = 3 * States;

    private readonly List<long> _times = [];
    private readonly List<long> _values = [];

    /// <summary>Number of samples.</summary>
    public int Rows => _times.Count;

    /// <summary>Virtual time of sample <paramref name="row"/>.</summary>
    public TimeSpan TimeAt(int row) => TimeSpan.FromTicks(_times[row]);

    /// <summary>Endpoints in <paramref name="state"/> at sample <paramref name="row"/>.</summary>
    public long Count(int row, TcpState state) => _values[row * RowWidth + (int)state];

    /// <summary>The fewest endpoints <paramref name="state"/> had at any instant of the interval sample <paramref name="row"/> ends.</summary>
    public long Min(int row, TcpState state) => _values[row * RowWidth + States + (int)state];

    /// <summary>The most endpoints <paramref name="state"/> had at any instant of the interval sample <paramref name="row"/> ends.</summary>
    public long Max(int row, TcpState state) => _values[row * RowWidth + 2 * States + (int)state];

    /// <summary>Appends a sample whose interval bounds are unknown: they are taken to be the sample itself.</summary>
    public void Add(TimeSpan time, ReadOnlySpan<long> counts) => Add(time, counts, counts, counts);

    /// <summary>Appends a sample and the exact bounds of its interval.</summary>
    public void Add(TimeSpan time, ReadOnlySpan<long> counts, ReadOnlySpan<long> min, ReadOnlySpan<long> max)
    {
        if (counts.Length != States || min.Length != States || max.Length != States)
            throw new ArgumentException("one count per state", nameof(counts));
        _times.Add(time.Ticks);
        foreach (long c in counts) _values.Add(c);
        foreach (long c in min) _values.Add(c);
        foreach (long c in max) _values.Add(c);
    }

    /// <summary>
    /// Adds <paramref name="other"/> row by row (merging shard reports that were run apart, whose
    /// steps are not at hand). Counts add exactly; the bounds become the sums of the shards'
    /// bounds, which enclose the true ones. Rows past this series' end are appended; both series
    /// must sample at the same times.
    /// </summary>
    public void Add(TimeSeries other)
    {
        for (int row = 0; row < other.Rows; row++)
        {
            if (row < Rows)
            {
                if (_times[row] != other._times[row]) throw new InvalidOperationException("time series sampled at different times");
                for (int v = 0; v < RowWidth; v++) _values[row * RowWidth + v] += other._values[row * RowWidth + v];
            }
            else
            {
                _times.Add(other._times[row]);
                for (int v = 0; v < RowWidth; v++) _values.Add(other._values[row * RowWidth + v]);
            }
        }
    }

    /// <summary>The largest sampled count of <paramref name="state"/> and the first sample time it was reached.</summary>
    public (long Count, TimeSpan At) Peak(TcpState state)
    {
        long best = 0;
        long at = 0;
        for (int row = 0; row < Rows; row++)
        {
            long c = Count(row, state);
            if (c > best) { best = c; at = _times[row]; }
        }
        return (best, TimeSpan.FromTicks(at));
    }
}
