using System.Text.Json.Serialization;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Simulation.Reporting;

/// <summary>
/// The result of a run, as <c>report.json</c> (DESIGN.md §7): every field of the contract, plus
/// the network's counts by cause, host counters, supervision failures and the histogram buckets
/// a merge needs. <see cref="Digest"/> is a SHA-256 over everything that must not change between
/// two runs of the same scenario, seed and shard count (<see cref="ReportDigest"/>).
/// </summary>
public sealed record RunReport
{
    /// <summary>Scenario name.</summary>
    [JsonPropertyName("scenario")] public required string Scenario { get; init; }
    /// <summary>The seed the run derives every random draw from.</summary>
    [JsonPropertyName("seed")] public required ulong Seed { get; init; }
    /// <summary>TCP profile name (linux, rfc9293, bsd, windows).</summary>
    [JsonPropertyName("profile")] public required string Profile { get; init; }
    /// <summary>Shard count of the scenario (<c>run.shards</c>).</summary>
    [JsonPropertyName("shards")] public required int Shards { get; init; }
    /// <summary>The shards this report covers: all of them in order, or the one of <c>--shard i/N</c>.</summary>
    [JsonPropertyName("shard_indexes")] public required IReadOnlyList<int> ShardIndexes { get; init; }
    /// <summary>Worker threads used (not part of the digest).</summary>
    [JsonPropertyName("threads")] public required int Threads { get; init; }
    /// <summary>Virtual time simulated (less than the duration when interrupted).</summary>
    [JsonPropertyName("virtual_seconds")] public required double VirtualSeconds { get; init; }
    /// <summary>Wall-clock time the run took (not part of the digest).</summary>
    [JsonPropertyName("wall_seconds")] public required double WallSeconds { get; init; }
    /// <summary>Events (messages) the actor systems delivered.</summary>
    [JsonPropertyName("events")] public required long Events { get; init; }
    /// <summary>The engine that ran the model and its own statistics (not part of the digest: another engine or split gives the same world).</summary>
    [JsonPropertyName("engine")] public EngineFacts Engine { get; init; } = new();
    /// <summary>Couples of the scenario covered by this report.</summary>
    [JsonPropertyName("couples")] public required long Couples { get; init; }
    /// <summary>How couples ended.</summary>
    [JsonPropertyName("outcomes")] public required OutcomeCounts Outcomes { get; init; }
    /// <summary>Endpoints per state when the run ended, keyed by the lowercase state names.</summary>
    [JsonPropertyName("states_final")] public required IReadOnlyDictionary<string, long> StatesFinal { get; init; }
    /// <summary>Highest count per state at any instant of the run and the first virtual time it was reached (exact, DESIGN.md §7).</summary>
    [JsonPropertyName("peaks")] public required IReadOnlyDictionary<string, StatePeak> Peaks { get; init; }
    /// <summary>Segments by fate.</summary>
    [JsonPropertyName("segments")] public required SegmentCounts Segments { get; init; }
    /// <summary>RSTs sent and received.</summary>
    [JsonPropertyName("resets")] public required ResetCounts Resets { get; init; }
    /// <summary>New TIME_WAIT sockets dropped over <c>max_tw_buckets</c>.</summary>
    [JsonPropertyName("time_wait_overflow")] public required long TimeWaitOverflow { get; init; }
    /// <summary>Client connect() → ESTABLISHED, in seconds.</summary>
    [JsonPropertyName("handshake_seconds")] public required Quantiles HandshakeSeconds { get; init; }
    /// <summary>Client ESTABLISHED → CLOSED, in seconds.</summary>
    [JsonPropertyName("connection_seconds")] public required Quantiles ConnectionSeconds { get; init; }
    /// <summary>How connect() attempts ended.</summary>
    [JsonPropertyName("connect_outcomes")] public required ConnectOutcomeCounts ConnectOutcomes { get; init; }
    /// <summary>What the hosts' TCP tables did (sums over all hosts).</summary>
    [JsonPropertyName("hosts")] public required HostCounts Hosts { get; init; }
    /// <summary>Exceptions inside actors and what supervision did.</summary>
    [JsonPropertyName("supervision")] public required SupervisionCounts Supervision { get; init; }
    /// <summary>The end-of-run checks of DESIGN.md §9.</summary>
    [JsonPropertyName("invariants")] public required InvariantResult Invariants { get; init; }
    /// <summary>Histogram buckets, so that reports of separate shards merge exactly.</summary>
    [JsonPropertyName("histograms")] public required HistogramBuckets Histograms { get; init; }
    /// <summary>SHA-256 (hex) over the deterministic content of the report.</summary>
    [JsonPropertyName("digest")] public required string Digest { get; init; }
    /// <summary>True when the run was cancelled before its duration; the report covers what was simulated.</summary>
    [JsonPropertyName("interrupted")] public required bool Interrupted { get; init; }
    /// <summary>Chaos applied and removed live (the dashboard's control API), at sample boundaries; replayable with <see cref="Live.LiveControl.Replay"/>.</summary>
    [JsonPropertyName("live_changes")] public IReadOnlyList<Live.LiveChange> LiveChanges { get; init; } = [];
    /// <summary>Every chaos window the run applied, scheduled or live, in order of time (<see cref="ChaosRecord"/>).</summary>
    [JsonPropertyName("chaos")] public IReadOnlyList<ChaosWindow> Chaos { get; init; } = [];
    /// <summary>How well a paced run (<c>--realtime</c>, <c>--dashboard</c>) kept up with the wall clock; absent in virtual time. Not part of the digest.</summary>
    [JsonPropertyName("realtime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RealTimeLag? RealTime { get; init; }
    /// <summary>Per-state counts at every sample (written to <c>timeseries.csv</c>, not to the JSON).</summary>
    [JsonIgnore] public TimeSeries TimeSeries { get; init; } = new();
    /// <summary>The census steps of a shard run apart (<c>--shard i/N</c>), so that a merge of the shards is exact; else null (written to <c>census-steps.bin</c>).</summary>
    [JsonIgnore] public CensusRecord? CensusSteps { get; init; }
}

/// <summary>How couples ended (DESIGN.md §7 <c>outcomes</c>), plus couples still open and never started.</summary>
public sealed record OutcomeCounts
{
    /// <summary>Ended without error.</summary>
    [JsonPropertyName("completed")] public long Completed { get; init; }
    /// <summary>Connect refused (RST to the SYN).</summary>
    [JsonPropertyName("refused")] public long Refused { get; init; }
    /// <summary>Retries or keepalive probes ran out.</summary>
    [JsonPropertyName("timed_out")] public long TimedOut { get; init; }
    /// <summary>A RST was accepted.</summary>
    [JsonPropertyName("reset")] public long Reset { get; init; }
    /// <summary>No ephemeral port was free.</summary>
    [JsonPropertyName("port_exhausted")] public long PortExhausted { get; init; }
    /// <summary>A side aborted with RST.</summary>
    [JsonPropertyName("aborted")] public long Aborted { get; init; }
    /// <summary>The client's host crashed.</summary>
    [JsonPropertyName("crashed")] public long Crashed { get; init; }
    /// <summary>Opened and still alive when the run ended (idle, leaked, or mid-teardown).</summary>
    [JsonPropertyName("open")] public long Open { get; init; }
    /// <summary>Scheduled to open after the run ended (or after it was interrupted).</summary>
    [JsonPropertyName("not_started")] public long NotStarted { get; init; }

    /// <summary>Couples that ended, all outcomes.</summary>
    [JsonIgnore] public long Ended => Completed + Refused + TimedOut + Reset + PortExhausted + Aborted + Crashed;

    /// <summary>The count for one outcome.</summary>
    public long this[CoupleOutcome outcome] => outcome switch
    {
        CoupleOutcome.Completed => Completed,
        CoupleOutcome.Refused => Refused,
        CoupleOutcome.TimedOut => TimedOut,
        CoupleOutcome.Reset => Reset,
        CoupleOutcome.PortExhausted => PortExhausted,
        CoupleOutcome.Aborted => Aborted,
        _ => Crashed,
    };

    /// <summary>Plain sum (shard merge).</summary>
    public static OutcomeCounts operator +(OutcomeCounts a, OutcomeCounts b) => new()
    {
        Completed = a.Completed + b.Completed, Refused = a.Refused + b.Refused, TimedOut = a.TimedOut + b.TimedOut,
        Reset = a.Reset + b.Reset, PortExhausted = a.PortExhausted + b.PortExhausted, Aborted = a.Aborted + b.Aborted,
        Crashed = a.Crashed + b.Crashed, Open = a.Open + b.Open, NotStarted = a.NotStarted + b.NotStarted,
    };
}

/// <summary>A state's peak: the largest sampled count and when it was first reached.</summary>
public sealed record StatePeak
{
    /// <summary>Endpoints in the state.</summary>
    [JsonPropertyName("count")] public long Count { get; init; }
    /// <summary>Virtual seconds of the first instant the count was reached.</summary>
    [JsonPropertyName("at")] public double At { get; init; }
}

/// <summary>Quantiles of a duration histogram, in seconds.</summary>
public sealed record Quantiles
{
    /// <summary>Values recorded.</summary>
    [JsonPropertyName("count")] public long Count { get; init; }
    /// <summary>Median (HdrHistogram, 3 significant digits).</summary>
    [JsonPropertyName("p50")] public double P50 { get; init; }
    /// <summary>90th percentile (3 significant digits).</summary>
    [JsonPropertyName("p90")] public double P90 { get; init; }
    /// <summary>99th percentile (3 significant digits).</summary>
    [JsonPropertyName("p99")] public double P99 { get; init; }
    /// <summary>99.9th percentile (3 significant digits).</summary>
    [JsonPropertyName("p999")] public double P999 { get; init; }
    /// <summary>Largest value (exact).</summary>
    [JsonPropertyName("max")] public double Max { get; init; }

    /// <summary>The quantiles of <paramref name="histogram"/>.</summary>
    public static Quantiles Of(DurationHistogram histogram) => new()
    {
        Count = histogram.Count,
        P50 = histogram.Quantile(0.50).TotalSeconds,
        P90 = histogram.Quantile(0.90).TotalSeconds,
        P99 = histogram.Quantile(0.99).TotalSeconds,
        P999 = histogram.Quantile(0.999).TotalSeconds,
        Max = histogram.Max.TotalSeconds,
    };
}

/// <summary>Sums of the hosts' <see cref="Tcp.Host.TcpHostCounters"/> (Linux TcpExt names in the docs).</summary>
public sealed record HostCounts
{
    /// <summary>connect() calls that found no free port.</summary>
    [JsonPropertyName("port_exhausted")] public long PortExhausted { get; init; }
    /// <summary>TIME_WAIT tuples taken over by tw_reuse (TWRecycled).</summary>
    [JsonPropertyName("time_wait_recycled")] public long TimeWaitRecycled { get; init; }
    /// <summary>TIME_WAIT tuples a new SYN reopened (Linux's TCP_TW_SYN: the SYN's sequence number was beyond the old connection's).</summary>
    [JsonPropertyName("time_wait_reopened")] public long TimeWaitReopened { get; init; }
    /// <summary>Final ACKs or SYNs dropped on a full accept queue (ListenOverflows).</summary>
    [JsonPropertyName("listen_overflows")] public long ListenOverflows { get; init; }
    /// <summary>SYNs or ACKs a listener dropped (ListenDrops).</summary>
    [JsonPropertyName("listen_drops")] public long ListenDrops { get; init; }
    /// <summary>SYNs dropped on a full SYN queue without cookies (TCPReqQFullDrop).</summary>
    [JsonPropertyName("syn_queue_full_drops")] public long SynQueueFullDrops { get; init; }
    /// <summary>SYN cookies sent.</summary>
    [JsonPropertyName("syncookies_sent")] public long SyncookiesSent { get; init; }
    /// <summary>Valid SYN cookies received.</summary>
    [JsonPropertyName("syncookies_recv")] public long SyncookiesRecv { get; init; }
    /// <summary>Segments for no connection (answered with RST).</summary>
    [JsonPropertyName("no_connection")] public long NoConnection { get; init; }
    /// <summary>Segments that reached a crashed host.</summary>
    [JsonPropertyName("dropped_while_down")] public long DroppedWhileDown { get; init; }
    /// <summary>Host crashes.</summary>
    [JsonPropertyName("crashes")] public long Crashes { get; init; }
    /// <summary>Endpoints lost in crashes.</summary>
    [JsonPropertyName("connections_lost_in_crashes")] public long ConnectionsLostInCrashes { get; init; }

    /// <summary>Plain sum (shard merge).</summary>
    public static HostCounts operator +(HostCounts a, HostCounts b) => new()
    {
        PortExhausted = a.PortExhausted + b.PortExhausted, TimeWaitRecycled = a.TimeWaitRecycled + b.TimeWaitRecycled,
        TimeWaitReopened = a.TimeWaitReopened + b.TimeWaitReopened,
        ListenOverflows = a.ListenOverflows + b.ListenOverflows, ListenDrops = a.ListenDrops + b.ListenDrops,
        SynQueueFullDrops = a.SynQueueFullDrops + b.SynQueueFullDrops, SyncookiesSent = a.SyncookiesSent + b.SyncookiesSent,
        SyncookiesRecv = a.SyncookiesRecv + b.SyncookiesRecv, NoConnection = a.NoConnection + b.NoConnection,
        DroppedWhileDown = a.DroppedWhileDown + b.DroppedWhileDown, Crashes = a.Crashes + b.Crashes,
        ConnectionsLostInCrashes = a.ConnectionsLostInCrashes + b.ConnectionsLostInCrashes,
    };
}

/// <summary>Exceptions caught inside actors (DESIGN.md §3 supervision): the run went on.</summary>
public sealed record SupervisionCounts
{
    /// <summary>Exceptions thrown by actors.</summary>
    [JsonPropertyName("failures")] public long Failures { get; init; }
    /// <summary>Messages that reached a stopped actor.</summary>
    [JsonPropertyName("dead_letters")] public long DeadLetters { get; init; }
    /// <summary>The first few failures, "actor: exception message" (deterministic order).</summary>
    [JsonPropertyName("first_failures")] public IReadOnlyList<string> FirstFailures { get; init; } = [];

    /// <summary>Plain sum (shard merge); failure lists are concatenated in shard order and capped.</summary>
    public static SupervisionCounts operator +(SupervisionCounts a, SupervisionCounts b) => new()
    {
        Failures = a.Failures + b.Failures,
        DeadLetters = a.DeadLetters + b.DeadLetters,
        FirstFailures = [.. a.FirstFailures.Concat(b.FirstFailures).Take(20)],
    };
}

/// <summary>The invariants of DESIGN.md §9: ok, or the list of what broke.</summary>
public sealed record InvariantResult
{
    /// <summary>True when no invariant was violated.</summary>
    [JsonPropertyName("ok")] public bool Ok => Violations.Count == 0;
    /// <summary>One line per violation.</summary>
    [JsonPropertyName("violations")] public IReadOnlyList<string> Violations { get; init; } = [];
    /// <summary>Invariants that could not be checked (e.g. "drained" on an interrupted or undrained run).</summary>
    [JsonPropertyName("not_checked")] public IReadOnlyList<string> NotChecked { get; init; } = [];
}

/// <summary>Non-zero histogram buckets, by index of <see cref="DurationHistogram"/>.</summary>
public sealed record HistogramBuckets
{
    /// <summary>Handshake durations: bucket index → count.</summary>
    [JsonPropertyName("handshake")] public IReadOnlyList<HistogramBucket> Handshake { get; init; } = [];
    /// <summary>Connection lifetimes: bucket index → count.</summary>
    [JsonPropertyName("connection")] public IReadOnlyList<HistogramBucket> Connection { get; init; } = [];
    /// <summary>Handshake durations at 3 significant digits: [ticks, count] pairs (HdrHistogram), so quantiles merge exactly.</summary>
    [JsonPropertyName("handshake_ticks")] public IReadOnlyList<long[]> HandshakeTicks { get; init; } = [];
    /// <summary>Connection lifetimes at 3 significant digits: [ticks, count] pairs.</summary>
    [JsonPropertyName("connection_ticks")] public IReadOnlyList<long[]> ConnectionTicks { get; init; } = [];

    /// <summary>The buckets and the 3-digit values of two histograms.</summary>
    public static HistogramBuckets Of(DurationHistogram handshake, DurationHistogram connection) => new()
    {
        Handshake = Of(handshake), Connection = Of(connection),
        HandshakeTicks = Pairs(handshake), ConnectionTicks = Pairs(connection),
    };

    private static List<long[]> Pairs(DurationHistogram histogram) => histogram.Recorded().ConvertAll(p => new[] { p.Ticks, p.Count });

    /// <summary>The non-zero buckets of <paramref name="histogram"/>.</summary>
    public static IReadOnlyList<HistogramBucket> Of(DurationHistogram histogram)
    {
        var list = new List<HistogramBucket>();
        var buckets = histogram.Buckets;
        for (int i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] != 0) list.Add(new HistogramBucket { Bucket = i, Count = buckets[i] });
        }
        return list;
    }
}

/// <summary>One histogram bucket.</summary>
public sealed record HistogramBucket
{
    /// <summary>Bucket index (<see cref="DurationHistogram.UpperMicros"/> gives its upper edge).</summary>
    [JsonPropertyName("bucket")] public int Bucket { get; init; }
    /// <summary>Values in it.</summary>
    [JsonPropertyName("count")] public long Count { get; init; }
}

/// <summary>The report's <c>engine</c> section: which engine ran the model (DESIGN.md §7), and what it counted doing so.</summary>
public sealed record EngineFacts
{
    /// <summary><c>sim</c> (the project's virtual-time actor runtime) or <c>akka</c>.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "sim";
    /// <summary>Messages the engine delivered (hand-offs included): a cost, not a fact of the simulated world.</summary>
    [JsonPropertyName("events")] public long Events { get; init; }
}
