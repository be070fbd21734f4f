using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Reporting;

/// <summary>
/// Sums the reports of the shards of one run (DESIGN.md §3: merging is a plain sum of counts and
/// time series). Used by the runner for its own shards and by <c>tcpactors merge</c> for the
/// reports of <c>--shard i/N</c> processes; both paths give the same digest.
/// </summary>
public static class ReportMerger
{
    /// <summary>
    /// Merges reports of distinct shards of the same scenario, seed and shard count. Peaks are taken
    /// from the summed time series; quantiles from the summed histograms; invariants are the union.
    /// </summary>
    /// <exception cref="ArgumentException">The reports are empty, of different runs, or repeat a shard.</exception>
    public static RunReport Merge(IReadOnlyList<RunReport> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0) throw new ArgumentException("nothing to merge", nameof(shards));
        RunReport first = shards[0];
        var indexes = new SortedSet<int>();
        foreach (RunReport r in shards)
        {
            if (r.Scenario != first.Scenario || r.Seed != first.Seed || r.Shards != first.Shards || r.Profile != first.Profile)
                throw new ArgumentException($"reports of different runs: {first.Scenario}/seed {first.Seed}/{first.Shards} shards vs {r.Scenario}/seed {r.Seed}/{r.Shards} shards", nameof(shards));
            foreach (int i in r.ShardIndexes)
            {
                if (!indexes.Add(i)) throw new ArgumentException($"shard {i} appears twice", nameof(shards));
            }
        }

        // Sum in shard order so that concatenated lists (violations, failures) are deterministic.
        var ordered = new List<RunReport>(shards);
        ordered.Sort((a, b) => a.ShardIndexes[0].CompareTo(b.ShardIndexes[0]));

        var handshake = new DurationHistogram();
        var connection = new DurationHistogram();
        var final = new long[TcpStateNames.Count];
        OutcomeCounts outcomes = new();
        SegmentCounts segments = new();
        ResetCounts resets = new();
        ConnectOutcomeCounts connects = new();
        HostCounts hosts = new();
        SupervisionCounts supervision = new();
        var violations = new List<string>();
        var notChecked = new SortedSet<string>(StringComparer.Ordinal);
        long events = 0, couples = 0, overflow = 0;
        double virtualSeconds = double.MaxValue, wall = 0;
        int threads = 0;
        bool interrupted = false;
        RealTimeLag? realTime = null;

        foreach (RunReport r in ordered)
        {
            AddBuckets(handshake, r.Histograms.Handshake, r.Histograms.HandshakeTicks, r.HandshakeSeconds.Max);
            AddBuckets(connection, r.Histograms.Connection, r.Histograms.ConnectionTicks, r.ConnectionSeconds.Max);
            foreach (TcpState state in TcpStateNames.All)
            {
                if (r.StatesFinal.TryGetValue(state.ToMetricName(), out long c)) final[(int)state] += c;
            }
            outcomes += r.Outcomes;
            segments += r.Segments;
            resets += r.Resets;
            connects += r.ConnectOutcomes;
            hosts += r.Hosts;
            supervision += r.Supervision;
            string prefix = ordered.Count > 1 || r.Shards > 1 ? $"shard {string.Join(",", r.ShardIndexes)}: " : "";
            foreach (string v in r.Invariants.Violations) violations.Add(v.StartsWith("shard ", StringComparison.Ordinal) ? v : prefix + v);
            foreach (string n in r.Invariants.NotChecked) notChecked.Add(n);
            events += r.Events;
            couples += r.Couples;
            overflow += r.TimeWaitOverflow;
            virtualSeconds = Math.Min(virtualSeconds, r.VirtualSeconds);
            wall = Math.Max(wall, r.WallSeconds);
            threads = Math.Max(threads, r.Threads);
            interrupted |= r.Interrupted;
            realTime = RealTimeLag.Worst(realTime, r.RealTime);
        }

        // The segment balance holds over the whole run, not per shard: a segment sent in one shard
        // may be delivered in another (DESIGN.md §3.1).
        if (SegmentBalance(segments) is { } unbalanced) violations.Add(unbalanced);

        bool exact = ordered.Count > 1 && ordered.TrueForAll(r => r.CensusSteps is not null);
        // Shards run apart that kept their steps merge their step functions as one process would;
        // otherwise the rows add up (the counts exactly, the bounds as enclosing sums).
        TimeSeries series = ordered.Count == 1 ? first.TimeSeries : TimeSeries.Sum(ordered.ConvertAll(r => r.TimeSeries));
        IReadOnlyDictionary<string, StatePeak>? exactPeaks = null;
        if (exact)
        {
            var times = new TimeSpan[series.Rows];
            for (int row = 0; row < times.Length; row++) times[row] = series.TimeAt(row);
            RunCensus census = RunCensus.MergeApart(times, ordered.ConvertAll(r => r.CensusSteps!));
            series = census.Series;
            exactPeaks = Peaks(census.Peak);
        }

        var report = new RunReport
        {
            Scenario = first.Scenario,
            Seed = first.Seed,
            Profile = first.Profile,
            Shards = first.Shards,
            ShardIndexes = [.. indexes],
            Threads = threads,
            VirtualSeconds = virtualSeconds,
            WallSeconds = wall,
            Events = events,
            Engine = first.Engine with { Events = events },
            Couples = couples,
            Outcomes = outcomes,
            StatesFinal = StateMap(final),
            Peaks = ordered.Count == 1 ? first.Peaks : exactPeaks ?? MergedPeaks(series, ordered),
            CensusSteps = ordered.Count == 1 ? first.CensusSteps : null,
            Segments = segments,
            Resets = resets,
            TimeWaitOverflow = overflow,
            HandshakeSeconds = Quantiles.Of(handshake),
            ConnectionSeconds = Quantiles.Of(connection),
            ConnectOutcomes = connects,
            Hosts = hosts,
            Supervision = supervision,
            Invariants = new InvariantResult { Violations = violations, NotChecked = [.. notChecked] },
            Histograms = HistogramBuckets.Of(handshake, connection),
            Digest = "",
            Interrupted = interrupted,
            RealTime = realTime,
            TimeSeries = series,
            // Every shard applies the same live changes; an interrupted shard may have applied fewer.
            LiveChanges = LongestLiveChanges(ordered),
            Chaos = ChaosRecord.Merge(ordered.Select(r => r.Chaos)),
        };
        return report with { Digest = ReportDigest.Compute(report) };
    }

    /// <summary>Counts keyed by the lowercase state names, in state order.</summary>
    public static IReadOnlyDictionary<string, long> StateMap(ReadOnlySpan<long> counts)
    {
        var map = new Dictionary<string, long>(TcpStateNames.Count, StringComparer.Ordinal);
        foreach (TcpState state in TcpStateNames.All) map[state.ToMetricName()] = counts[(int)state];
        return map;
    }

    /// <summary>Per-state peaks of a time series, keyed by the lowercase state names.</summary>
    public static IReadOnlyDictionary<string, StatePeak> Peaks(TimeSeries series) => Peaks(series.Peak);

    /// <summary>Per-state peaks (count and first time) given by <paramref name="peakOf"/>, keyed by the lowercase state names.</summary>
    internal static IReadOnlyDictionary<string, StatePeak> Peaks(Func<TcpState, (long Count, TimeSpan At)> peakOf)
    {
        var map = new Dictionary<string, StatePeak>(TcpStateNames.Count, StringComparer.Ordinal);
        foreach (TcpState state in TcpStateNames.All)
        {
            var (count, at) = peakOf(state);
            map[state.ToMetricName()] = new StatePeak { Count = count, At = at.TotalSeconds };
        }
        return map;
    }

    /// <summary>
    /// Peaks of shards run apart, whose steps are not at hand: at least the highest summed sample,
    /// and at least each shard's own exact peak (the others' counts are never negative). The
    /// runner's in-process merge (<see cref="Telemetry.RunCensus"/>) is exact.
    /// </summary>
    private static IReadOnlyDictionary<string, StatePeak> MergedPeaks(TimeSeries series, IReadOnlyList<RunReport> shards)
    {
        var map = new Dictionary<string, StatePeak>(Peaks(series), StringComparer.Ordinal);
        foreach (RunReport r in shards)
        {
            foreach (var (state, peak) in r.Peaks)
            {
                if (!map.TryGetValue(state, out StatePeak? best) || peak.Count > best.Count || (peak.Count == best.Count && peak.At < best.At))
                    map[state] = peak;
            }
        }
        return map;
    }

    private static void AddBuckets(DurationHistogram histogram, IReadOnlyList<HistogramBucket> buckets, IReadOnlyList<long[]> ticks, double maxSeconds)
    {
        var max = TimeSpan.FromTicks((long)Math.Round(maxSeconds * TimeSpan.TicksPerSecond));
        foreach (HistogramBucket b in buckets) histogram.AddBucket(b.Bucket, b.Count, max);
        foreach (long[] pair in ticks)
        {
            if (pair.Length != 2 || pair[1] < 0) throw new ArgumentException("a histogram value is not a [ticks, count] pair", nameof(ticks));
            histogram.AddRecorded(pair[0], pair[1]);
        }
    }

    private static IReadOnlyList<Live.LiveChange> LongestLiveChanges(IReadOnlyList<RunReport> reports)
    {
        IReadOnlyList<Live.LiveChange> longest = [];
        foreach (RunReport r in reports) if (r.LiveChanges.Count > longest.Count) longest = r.LiveChanges;
        return longest;
    }

    /// <summary>DESIGN.md §9: every segment sent (and every duplicate) is delivered, dropped, corrupted, unroutable or still in flight; null when it holds.</summary>
    internal static string? SegmentBalance(SegmentCounts s)
    {
        long sent = s.Sent + s.Duplicated;
        long accounted = s.Delivered + s.Dropped + s.Corrupted + s.InFlight + s.Unroutable;
        return sent == accounted ? null
            : $"segments sent + duplicated = {sent} but delivered + dropped + corrupted + in flight + unroutable = {accounted}";
    }
}
