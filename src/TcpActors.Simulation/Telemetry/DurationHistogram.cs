using System.Diagnostics;
using System.Numerics;
using HdrHistogram;
using HdrHistogram.Iteration;

namespace TcpActors.Simulation.Telemetry;

/// <summary>
/// A deterministic histogram of durations, kept twice: fixed log-linear buckets (HDR style: 16
/// buckets per power of two of microseconds, ≤ 6.25 % wide) that the Prometheus and OTLP
/// histograms are made of, and an HdrHistogram of ticks at 3 significant digits that the
/// quantiles of the report come from (DESIGN.md §7: p50, p90, p99, p99.9 within 0.1 %). Both
/// merge exactly by adding counts. Recording is O(1) and allocation-free.
/// </summary>
[DebuggerDisplay("count={Count} max={Max}")]
public sealed class DurationHistogram
{
    private const int SubBucketBits = 4;
    private const int SubBuckets = 1 << SubBucketBits;

    /// <summary>Number of buckets: values up to 2^40 µs (≈ 12.7 days) have their own bucket.</summary>
    public const int BucketCount = SubBuckets + (40 - SubBucketBits) * SubBuckets;

    private readonly long[] _buckets = new long[BucketCount];

    /// <summary>Longest duration the quantiles resolve (longer ones count as this): 30 days of ticks.</summary>
    public static readonly long HighestTrackableTicks = TimeSpan.FromDays(30).Ticks;

    /// <summary>Significant decimal digits of the quantiles (DESIGN.md §7).</summary>
    public const int SignificantDigits = 3;

    private readonly LongHistogram _hdr = new(1, HighestTrackableTicks, SignificantDigits);

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest value recorded (exact), or zero.</summary>
    public TimeSpan Max { get; private set; }

    /// <summary>Bucket counts, for merging and serialization.</summary>
    public ReadOnlySpan<long> Buckets => _buckets;

    /// <summary>Records one duration (negative durations count as zero).</summary>
    public void Record(TimeSpan value)
    {
        if (value < TimeSpan.Zero) value = TimeSpan.Zero;
        _buckets[BucketOf(value.Ticks / 10)]++;
        _hdr.RecordValue(Math.Min(value.Ticks, HighestTrackableTicks));
        Count++;
        if (value > Max) Max = value;
    }

    /// <summary>Adds <paramref name="other"/>'s counts to this one (shard merge).</summary>
    public void Add(DurationHistogram other)
    {
        for (int i = 0; i < BucketCount; i++) _buckets[i] += other._buckets[i];
        _hdr.Add(other._hdr);
        Count += other.Count;
        if (other.Max > Max) Max = other.Max;
    }

    /// <summary>Adds <paramref name="count"/> values to bucket <paramref name="bucket"/> (reading a report back).</summary>
    public void AddBucket(int bucket, long count, TimeSpan max)
    {
        _buckets[bucket] += count;
        Count += count;
        if (max > Max) Max = max;
    }

    /// <summary>Adds <paramref name="count"/> values of <paramref name="ticks"/> to the quantiles' histogram (reading a report back).</summary>
    public void AddRecorded(long ticks, long count) => _hdr.RecordValueWithCount(Math.Clamp(ticks, 0, HighestTrackableTicks), count);

    /// <summary>The quantiles' histogram as (ticks, count) pairs, each value standing for its 3-digit range (for a report that merges exactly).</summary>
    public List<(long Ticks, long Count)> Recorded()
    {
        var list = new List<(long, long)>();
        foreach (HistogramIterationValue v in _hdr.RecordedValues()) list.Add((v.ValueIteratedTo, v.CountAddedInThisIterationStep));
        return list;
    }

    /// <summary>
    /// The value at or below which a fraction <paramref name="q"/> of recorded values lie, to 3
    /// significant digits (HdrHistogram: the highest value equivalent to the one of rank
    /// ⌈q·count⌉), capped at <see cref="Max"/>; zero when empty.
    /// </summary>
    public TimeSpan Quantile(double q)
    {
        if (Count == 0) return TimeSpan.Zero;
        var value = TimeSpan.FromTicks(_hdr.GetValueAtPercentile(q * 100));
        return value < Max ? value : Max;
    }

    /// <summary>
    /// The value below which a fraction <paramref name="q"/> of recorded values lie by the fixed
    /// buckets: the upper edge of the bucket holding the rank ⌈q·count⌉, capped at <see cref="Max"/>.
    /// </summary>
    public TimeSpan BucketQuantile(double q)
    {
        if (Count == 0) return TimeSpan.Zero;
        long rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += _buckets[i];
            if (seen >= rank)
            {
                var upper = TimeSpan.FromTicks(UpperMicros(i) * 10);
                return upper < Max ? upper : Max;
            }
        }
        return Max;
    }

    /// <summary>The bucket of a value in microseconds.</summary>
    public static int BucketOf(long micros)
    {
        if (micros < SubBuckets) return (int)Math.Max(0, micros);
        int exponent = 63 - BitOperations.LeadingZeroCount((ulong)micros);
        int sub = (int)(micros >> (exponent - SubBucketBits)) & (SubBuckets - 1);
        int index = SubBuckets + (exponent - SubBucketBits) * SubBuckets + sub;
        return Math.Min(index, BucketCount - 1);
    }

    /// <summary>The exclusive upper edge of bucket <paramref name="index"/> in microseconds.</summary>
    public static long UpperMicros(int index)
    {
        if (index < SubBuckets) return index + 1;
        int exponent = (index - SubBuckets) / SubBuckets + SubBucketBits;
        int sub = (index - SubBuckets) % SubBuckets;
        return (1L << exponent) + ((long)(sub + 1) << (exponent - SubBucketBits));
    }
}
