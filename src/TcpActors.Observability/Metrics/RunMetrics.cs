using System.Diagnostics;
using System.Diagnostics.Metrics;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Observability.Metrics;

/// <summary>
/// The instruments of meter <c>TcpActors</c> (DESIGN.md §7) for one run. The gauge and counters
/// are observable: they read the latest published <see cref="LiveSnapshot"/> when an exporter
/// collects, so the simulation's hot path never sees them — it only publishes a snapshot per
/// sample, which <see cref="OnSample"/> keeps. The duration histograms are recorded once, from
/// the report's histogram buckets, when the run ends (<see cref="RecordDurations"/>): snapshots
/// carry counts, not durations.
/// </summary>
public sealed class RunMetrics : IRunObserver, IDisposable
{
    // Upper bounds in seconds. Handshakes: one RTT (ms) up to Linux's 6 SYN retries (127 s,
    // tcp_syn_retries in ip-sysctl.rst); connections: up to an hour.
    private static readonly double[] s_handshakeBoundsSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3, 7, 15, 31, 63, 127];
    private static readonly double[] s_connectionBoundsSeconds = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?>[][] _stateTags;
    private readonly KeyValuePair<string, object?>[][] _segmentTags;
    private readonly KeyValuePair<string, object?>[][] _resetTags;
    private readonly KeyValuePair<string, object?>[][] _connectTags;
    private readonly KeyValuePair<string, object?>[] _runTags;
    private readonly Histogram<double> _handshake;
    private readonly Histogram<double> _connection;

    /// <summary>The latest snapshot; null before the first sample (the instruments then report nothing).</summary>
    private LiveSnapshot? _latest;

    /// <summary>
    /// Creates the meter and its instruments; every series carries <paramref name="scenario"/> and
    /// <paramref name="shard"/>. <paramref name="chaos"/>, when given, drives <c>tcpactors.chaos.active</c>.
    /// </summary>
    public RunMetrics(string scenario, string shard, ChaosProgress? chaos = null)
    {
        Scenario = scenario;
        Shard = shard;
        _runTags = [new(TcpActorsMetrics.ScenarioAttribute, scenario), new(TcpActorsMetrics.ShardAttribute, shard)];
        _stateTags = new KeyValuePair<string, object?>[TcpStateNames.Count][];
        foreach (TcpState state in TcpStateNames.All) _stateTags[(int)state] = With(TcpActorsMetrics.TcpStateAttribute, state.ToMetricName());
        _segmentTags = [.. SegmentOutcomes.Select(o => With(TcpActorsMetrics.OutcomeAttribute, o))];
        _resetTags = [With(TcpActorsMetrics.DirectionAttribute, "sent"), With(TcpActorsMetrics.DirectionAttribute, "received")];
        _connectTags = [.. ConnectOutcomeNames.Select(o => With(TcpActorsMetrics.OutcomeAttribute, o))];

        _meter = new Meter(TcpActorsMetrics.MeterName, typeof(RunMetrics).Assembly.GetName().Version?.ToString());
        _meter.CreateObservableGauge(TcpActorsMetrics.Connections, ObserveConnections, "{connection}",
            "Endpoints in each TCP state (like ss -s), by tcp.state");
        _meter.CreateObservableCounter(TcpActorsMetrics.Segments, ObserveSegments, "{segment}",
            "Segments by outcome: sent, delivered, dropped, duplicated, corrupted, retransmitted");
        _meter.CreateObservableCounter(TcpActorsMetrics.Resets, ObserveResets, "{segment}",
            "RST segments sent and received");
        _meter.CreateObservableCounter(TcpActorsMetrics.ConnectOutcomes, ObserveConnectOutcomes, "{connect}",
            "How connect() calls ended: established, refused, timed_out, reset, port_exhausted");
        _meter.CreateObservableCounter(TcpActorsMetrics.TimeWaitOverflow, ObserveTimeWaitOverflow, "{socket}",
            "New TIME_WAIT sockets dropped because max_tw_buckets was reached (Linux TCPTimeWaitOverflow)");
        _chaos = chaos;
        _meter.CreateObservableGauge(TcpActorsMetrics.ChaosActive, ObserveChaos, "{window}",
            "1 while a chaos window of the kind is on (loss, delay, partition, crash, ...), else 0");
        _handshake = _meter.CreateHistogram(TcpActorsMetrics.HandshakeDuration, "s",
            "Client connect() to ESTABLISHED", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = s_handshakeBoundsSeconds });
        _connection = _meter.CreateHistogram(TcpActorsMetrics.ConnectionDuration, "s",
            "Client ESTABLISHED to CLOSED", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = s_connectionBoundsSeconds });
    }

    /// <summary>The <c>outcome</c> values of <c>tcpactors.segments</c>, in order.</summary>
    public static IReadOnlyList<string> SegmentOutcomes { get; } = ["sent", "delivered", "dropped", "duplicated", "corrupted", "retransmitted"];

    /// <summary>The <c>outcome</c> values of <c>tcpactors.connect.outcomes</c>, in order.</summary>
    public static IReadOnlyList<string> ConnectOutcomeNames { get; } = ["established", "refused", "timed_out", "reset", "port_exhausted"];

    /// <summary>The <c>scenario</c> attribute of every series.</summary>
    public string Scenario { get; }

    /// <summary>The <c>shard</c> attribute of every series.</summary>
    public string Shard { get; }

    /// <summary>The snapshot the instruments report now; null before the first sample.</summary>
    public LiveSnapshot? Latest => Volatile.Read(ref _latest);

    /// <summary>Keeps the snapshot for the next collection (called once per sample from the run's worker).</summary>
    public void OnSample(LiveSnapshot snapshot)
    {
        if (_chaos is not null)
        {
            _chaos.AdvanceTo(snapshot.Now);
            PublishChaos();
        }
        Volatile.Write(ref _latest, snapshot);
    }

    /// <summary>The run ended at <paramref name="end"/>: every chaos window is over, the gauge reads 0.</summary>
    public void OnEnded(TimeSpan end)
    {
        if (_chaos is null) return;
        _chaos.Finish(end);
        PublishChaos();
    }

    // ------------------------------------------------------------------ tcpactors.chaos.active

    private readonly ChaosProgress? _chaos;
    /// <summary>One measurement per kind the run can show, remade at each sample for the exporter's thread.</summary>
    private Measurement<int>[] _chaosActive = [];

    private void PublishChaos()
    {
        var kinds = _chaos!.Kinds;
        var measurements = new Measurement<int>[kinds.Count];
        for (int i = 0; i < measurements.Length; i++)
            measurements[i] = new(_chaos.IsActive(kinds[i]) ? 1 : 0, With(TcpActorsMetrics.KindAttribute, kinds[i]));
        Volatile.Write(ref _chaosActive, measurements);
    }

    private IEnumerable<Measurement<int>> ObserveChaos() => Latest is null ? [] : Volatile.Read(ref _chaosActive);

    /// <summary>
    /// Records the run's handshake and connection durations from the report's histogram buckets:
    /// each bucket's values at the bucket's middle (buckets are at most 6.25 % wide, so the sum is
    /// that close). Call once, when the run has ended.
    /// </summary>
    public void RecordDurations(RunReport report)
    {
        Record(_handshake, report.Histograms.Handshake, report.HandshakeSeconds.Max);
        Record(_connection, report.Histograms.Connection, report.ConnectionSeconds.Max);
    }

    /// <summary>Ends the meter; its instruments stop reporting.</summary>
    public void Dispose() => _meter.Dispose();

    private void Record(Histogram<double> histogram, IReadOnlyList<HistogramBucket> buckets, double maxSeconds)
    {
        var tags = new TagList(_runTags);
        foreach (var bucket in buckets)
        {
            long lowerMicros = bucket.Bucket == 0 ? 0 : DurationHistogram.UpperMicros(bucket.Bucket - 1);
            long upperMicros = DurationHistogram.UpperMicros(bucket.Bucket);
            double seconds = Math.Min((lowerMicros + upperMicros) / 2e6, maxSeconds);
            for (long i = 0; i < bucket.Count; i++) histogram.Record(seconds, tags);
        }
    }

    private KeyValuePair<string, object?>[] With(string key, string value) => [new(key, value), .. _runTags];

    private IEnumerable<Measurement<long>> ObserveConnections()
    {
        if (Latest is not { } s) return [];
        var list = new Measurement<long>[TcpStateNames.Count];
        for (int i = 0; i < list.Length; i++) list[i] = new(s.StateCounts[i], _stateTags[i]);
        return list;
    }

    private IEnumerable<Measurement<long>> ObserveSegments()
    {
        if (Latest is not { } s) return [];
        var g = s.Segments;
        return
        [
            new(g.Sent, _segmentTags[0]), new(g.Delivered, _segmentTags[1]), new(g.Dropped, _segmentTags[2]),
            new(g.Duplicated, _segmentTags[3]), new(g.Corrupted, _segmentTags[4]), new(g.Retransmitted, _segmentTags[5]),
        ];
    }

    private IEnumerable<Measurement<long>> ObserveResets()
    {
        if (Latest is not { } s) return [];
        return [new(s.Resets.Sent, _resetTags[0]), new(s.Resets.Received, _resetTags[1])];
    }

    private IEnumerable<Measurement<long>> ObserveConnectOutcomes()
    {
        if (Latest is not { } s) return [];
        var c = s.ConnectOutcomes;
        return
        [
            new(c.Established, _connectTags[0]), new(c.Refused, _connectTags[1]), new(c.TimedOut, _connectTags[2]),
            new(c.Reset, _connectTags[3]), new(c.PortExhausted, _connectTags[4]),
        ];
    }

    private IEnumerable<Measurement<long>> ObserveTimeWaitOverflow()
    {
        if (Latest is not { } s) return [];
        return [new(s.TimeWaitOverflow, _runTags)];
    }
}
