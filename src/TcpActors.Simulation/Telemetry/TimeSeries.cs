using System.Buffers.Text;
using System.Security.Cryptography;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// Endpoints per TCP state at each sample (<c>timeseries.csv</c>): one row every
/// <c>run.sample_every</c> of virtual time from t = 0, with each state's exact minimum and
/// maximum within the interval the sample ends (<see cref="RunCensus"/>).
/// </summary>
/// <remarks>
/// Every row added goes to <see cref="Sink"/> (the CSV file, written as the run goes) and into a
/// SHA-256 of all rows (<see cref="RowsSha256"/>, for the report's digest); what the series holds
/// is bounded by <c>maxRows</c>: past it, neighbouring rows are merged in pairs (the later sample's
/// time and counts, the lower minimum, the higher maximum), so a 1000 h run at 1 s samples holds a
/// few thousand rows for the charts and no peak is smoothed away. Rows are stored flat (33 longs
/// each), so a row costs no object.
/// </remarks>
public sealed class TimeSeries
{
    private const int States = TcpStateNames.Count;

    /// <summary>Longs per row: the counts, then the minima, then the maxima.</summary>
    private const int RowWidth = 3 * States;

    private readonly List<long> _times = [];
    private readonly List<long> _values = [];
    private readonly int _maxRows;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _line = new byte[32 * (RowWidth + 2)];
    private string? _sha256;

    /// <summary>Samples merged into each held row (1 until the series first reaches its bound).</summary>
    private long _stride = 1;

    /// <summary>Samples in the last held row (at most <see cref="_stride"/>).</summary>
    private long _lastFill;

    /// <summary>A series that holds every row.</summary>
    public TimeSeries() : this(int.MaxValue)
    {
    }

    /// <summary>A series that holds at most <paramref name="maxRows"/> rows (an even number ≥ 2), merging neighbours beyond.</summary>
    public TimeSeries(int maxRows)
    {
        if (maxRows < 2 || maxRows % 2 != 0 && maxRows != int.MaxValue) throw new ArgumentOutOfRangeException(nameof(maxRows), "an even number ≥ 2");
        _maxRows = maxRows;
    }

    /// <summary>Where every row goes as it is added (the streamed <c>timeseries.csv</c>), or null.</summary>
    public ITimeSeriesSink? Sink { get; set; }

    /// <summary>Rows held (each one sample, or several merged once the bound was reached).</summary>
    public int Rows => _times.Count;

    /// <summary>Samples added, held or not.</summary>
    public long Samples { get; private set; }

    /// <summary>True while every sample added is held as its own row.</summary>
    public bool IsComplete => _stride == 1;

    /// <summary>Virtual time of row <paramref name="row"/> (of its last sample).</summary>
    public TimeSpan TimeAt(int row) => TimeSpan.FromTicks(_times[row]);

    /// <summary>Endpoints in <paramref name="state"/> at row <paramref name="row"/>'s (last) sample.</summary>
    public long Count(int row, TcpState state) => _values[row * RowWidth + (int)state];

    /// <summary>The fewest endpoints <paramref name="state"/> had at any instant of the interval(s) row <paramref name="row"/> covers.</summary>
    public long Min(int row, TcpState state) => _values[row * RowWidth + States + (int)state];

    /// <summary>The most endpoints <paramref name="state"/> had at any instant of the interval(s) row <paramref name="row"/> covers.</summary>
    public long Max(int row, TcpState state) => _values[row * RowWidth + 2 * States + (int)state];

    /// <summary>Appends a sample whose interval bounds are unknown: they are taken to be the sample itself.</summary>
    public void Add(TimeSpan time, ReadOnlySpan<long> counts) => Add(time, counts, counts, counts);

    /// <summary>Appends a sample and the exact bounds of its interval.</summary>
    public void Add(TimeSpan time, ReadOnlySpan<long> counts, ReadOnlySpan<long> min, ReadOnlySpan<long> max)
    {
        if (counts.Length != States || min.Length != States || max.Length != States)
            throw new ArgumentException("one count per state", nameof(counts));
        if (_sha256 is not null) throw new InvalidOperationException("the series' digest was taken: it is complete");
        Samples++;
        HashRow(time.Ticks, counts, min, max);
        Sink?.Row(time, counts, min, max);

        if (_lastFill > 0 && _lastFill < _stride)
        {
            // The last held row covers fewer samples than the others: this one joins it.
            int at = (Rows - 1) * RowWidth;
            _times[Rows - 1] = time.Ticks;
            for (int s = 0; s < States; s++)
            {
                _values[at + s] = counts[s];
                _values[at + States + s] = Math.Min(_values[at + States + s], min[s]);
                _values[at + 2 * States + s] = Math.Max(_values[at + 2 * States + s], max[s]);
            }
            _lastFill++;
            return;
        }
        if (Rows == _maxRows) Halve();
        _times.Add(time.Ticks);
        foreach (long c in counts) _values.Add(c);
        foreach (long c in min) _values.Add(c);
        foreach (long c in max) _values.Add(c);
        _lastFill = 1;
    }

    /// <summary>Merges held rows in pairs: half as many rows, each covering twice the samples.</summary>
    private void Halve()
    {
        int half = Rows / 2;
        for (int r = 0; r < half; r++)
        {
            int a = 2 * r * RowWidth, b = (2 * r + 1) * RowWidth, to = r * RowWidth;
            _times[r] = _times[2 * r + 1];
            for (int s = 0; s < States; s++)
            {
                _values[to + s] = _values[b + s];
                _values[to + States + s] = Math.Min(_values[a + States + s], _values[b + States + s]);
                _values[to + 2 * States + s] = Math.Max(_values[a + 2 * States + s], _values[b + 2 * States + s]);
            }
        }
        _times.RemoveRange(half, Rows - half);
        _values.RemoveRange(half * RowWidth, _values.Count - half * RowWidth);
        _stride *= 2;
    }

    /// <summary>
    /// The lowercase hex SHA-256 of every row added, one line each
    /// (<c>ts=TICKS,counts…,min,max,…</c>): what the report's digest covers of the series. Taking
    /// it ends the series.
    /// </summary>
    public string RowsSha256 => _sha256 ??= Convert.ToHexStringLower(_hash.GetHashAndReset());

    private void HashRow(long ticks, ReadOnlySpan<long> counts, ReadOnlySpan<long> min, ReadOnlySpan<long> max)
    {
        Span<byte> line = _line;
        int n = 0;
        "ts="u8.CopyTo(line);
        n += 3;
        n += Format(ticks, line[n..]);
        for (int s = 0; s < States; s++)
        {
            line[n++] = (byte)',';
            n += Format(counts[s], line[n..]);
        }
        for (int s = 0; s < States; s++)
        {
            line[n++] = (byte)',';
            n += Format(min[s], line[n..]);
            line[n++] = (byte)',';
            n += Format(max[s], line[n..]);
        }
        line[n++] = (byte)'\n';
        _hash.AppendData(line[..n]);
    }

    private static int Format(long value, Span<byte> into)
    {
        Utf8Formatter.TryFormat(value, into, out int written);
        return written;
    }

    /// <summary>
    /// The row-by-row sum of complete series (shard reports run apart, whose steps are not at
    /// hand): counts add exactly; the bounds become the sums of the shards' bounds, which enclose
    /// the true ones. A shorter series (an interrupted shard) adds nothing past its end.
    /// </summary>
    public static TimeSeries Sum(IReadOnlyList<TimeSeries> shards)
    {
        var sum = new TimeSeries();
        int rows = 0;
        foreach (TimeSeries s in shards)
        {
            if (!s.IsComplete) throw new InvalidOperationException("a thinned time series cannot be summed");
            rows = Math.Max(rows, s.Rows);
        }
        Span<long> counts = stackalloc long[States], min = stackalloc long[States], max = stackalloc long[States];
        for (int row = 0; row < rows; row++)
        {
            counts.Clear();
            min.Clear();
            max.Clear();
            long ticks = -1;
            foreach (TimeSeries s in shards)
            {
                if (row >= s.Rows) continue;
                if (ticks >= 0 && s._times[row] != ticks) throw new InvalidOperationException("time series sampled at different times");
                ticks = s._times[row];
                for (int i = 0; i < States; i++)
                {
                    counts[i] += s._values[row * RowWidth + i];
                    min[i] += s._values[row * RowWidth + States + i];
                    max[i] += s._values[row * RowWidth + 2 * States + i];
                }
            }
            sum.Add(TimeSpan.FromTicks(ticks), counts, min, max);
        }
        return sum;
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

/// <summary>Receives each row of a <see cref="TimeSeries"/> as it is added (the streamed <c>timeseries.csv</c>).</summary>
public interface ITimeSeriesSink
{
    /// <summary>One sample: its time, the counts, and each state's bounds within the interval it ends.</summary>
    void Row(TimeSpan time, ReadOnlySpan<long> counts, ReadOnlySpan<long> min, ReadOnlySpan<long> max);
}
