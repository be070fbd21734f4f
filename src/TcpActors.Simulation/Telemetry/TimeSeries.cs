using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// Endpoints per TCP state at each sample (<c>timeseries.csv</c>): one row every
/// <c>run.sample_every</c> of virtual time from t = 0. Shards merge by adding rows of the same
/// sample index. Rows are stored flat (11 longs each), so a long run costs no object per row.
/// </summary>
public sealed class TimeSeries
{
    private readonly List<long> _times = [];
    private readonly List<long> _counts = [];

    /// <summary>Number of samples.</summary>
    public int Rows => _times.Count;

    /// <summary>Virtual time of sample <paramref name="row"/>.</summary>
    public TimeSpan TimeAt(int row) => TimeSpan.FromTicks(_times[row]);

    /// <summary>Endpoints in <paramref name="state"/> at sample <paramref name="row"/>.</summary>
    public long Count(int row, TcpState state) => _counts[row * TcpStateNames.Count + (int)state];

    /// <summary>Appends a sample.</summary>
    public void Add(TimeSpan time, ReadOnlySpan<long> counts)
    {
        if (counts.Length != TcpStateNames.Count) throw new ArgumentException("one count per state", nameof(counts));
        _times.Add(time.Ticks);
        foreach (long c in counts) _counts.Add(c);
    }

    /// <summary>
    /// Adds <paramref name="other"/> row by row (shard merge). Rows past this series' end are
    /// appended; both series must sample at the same times.
    /// </summary>
    public void Add(TimeSeries other)
    {
        for (int row = 0; row < other.Rows; row++)
        {
            if (row < Rows)
            {
                if (_times[row] != other._times[row]) throw new InvalidOperationException("time series sampled at different times");
                for (int s = 0; s < TcpStateNames.Count; s++) _counts[row * TcpStateNames.Count + s] += other._counts[row * TcpStateNames.Count + s];
            }
            else
            {
                _times.Add(other._times[row]);
                for (int s = 0; s < TcpStateNames.Count; s++) _counts.Add(other._counts[row * TcpStateNames.Count + s]);
            }
        }
    }

    /// <summary>The largest count of <paramref name="state"/> and the first sample time it was reached.</summary>
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
