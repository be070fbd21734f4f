using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp.Host;

namespace TcpActors.Simulation.Model;

/// <summary>What an engine tells the report about itself and the run's course (not the simulated world).</summary>
internal sealed record EngineRun
{
    public required int ShardIndex { get; init; }
    public required int ShardCount { get; init; }
    public required int Threads { get; init; }
    public required TimeSpan VirtualNow { get; init; }
    public required TimeSpan Wall { get; init; }
    public required bool Interrupted { get; init; }
    public required EngineFacts Engine { get; init; }
    public required SupervisionCounts Supervision { get; init; }
    public required IReadOnlyList<LiveChange> LiveChanges { get; init; }
    public long SumMismatches { get; init; }
    public string? FirstSumMismatch { get; init; }
}

/// <summary>
/// Builds one shard's <see cref="RunReport"/> from the model's records — the telemetry, the
/// couple ledger, the hosts' counters, the chaos schedule — and what its engine says of the run,
/// then signs it with the digest of the simulated world (<see cref="ReportDigest"/>).
/// </summary>
internal static class ReportBuilder
{
    /// <summary>Outcomes so far: settled couples by outcome, those open, those not started.</summary>
    public static OutcomeCounts Outcomes(CoupleLedger ledger, long localCouples)
    {
        long[] o = ledger.Outcomes;
        return new OutcomeCounts
        {
            Completed = o[(int)CoupleOutcome.Completed], Refused = o[(int)CoupleOutcome.Refused],
            TimedOut = o[(int)CoupleOutcome.TimedOut], Reset = o[(int)CoupleOutcome.Reset],
            PortExhausted = o[(int)CoupleOutcome.PortExhausted], Aborted = o[(int)CoupleOutcome.Aborted],
            Crashed = o[(int)CoupleOutcome.Crashed],
            Open = ledger.Opened - ledger.Settled, NotStarted = localCouples - ledger.Opened,
        };
    }

    public static RunReport Build(RunModel world, ShardTelemetry t, IEnumerable<TcpHost> hosts, long localCouples,
        IReadOnlyList<ChaosEvent> scheduledChaos, EngineRun run)
    {
        world.Ledger.Flush(run.VirtualNow);
        OutcomeCounts outcomes = Outcomes(world.Ledger, localCouples);
        var hostCounts = new HostCounts();
        foreach (TcpHost host in hosts) hostCounts += Counts(host.Counters);
        Scenario scenario = world.Scenario;
        var report = new RunReport
        {
            Scenario = scenario.Name,
            Seed = scenario.Seed,
            Profile = scenario.Tcp.Name,
            Shards = run.ShardCount,
            ShardIndexes = [run.ShardIndex],
            Threads = run.Threads,
            VirtualSeconds = run.VirtualNow.TotalSeconds,
            WallSeconds = run.Wall.TotalSeconds,
            Events = run.Engine.Events,
            Engine = run.Engine,
            Couples = localCouples,
            Outcomes = outcomes,
            StatesFinal = ReportMerger.StateMap(t.States),
            Peaks = ReportMerger.Peaks(t.Census.Peak),
            Segments = t.Segments(),
            Resets = t.Resets(),
            TimeWaitOverflow = t[RunCounter.TimeWaitOverflow],
            HandshakeSeconds = Quantiles.Of(t.HandshakeDurations),
            ConnectionSeconds = Quantiles.Of(t.ConnectionDurations),
            ConnectOutcomes = t.Connects(),
            Hosts = hostCounts,
            Supervision = run.Supervision,
            Invariants = InvariantChecker.Check(t, world.Ledger, outcomes, run.SumMismatches, run.FirstSumMismatch, run.Interrupted),
            Histograms = HistogramBuckets.Of(t.HandshakeDurations, t.ConnectionDurations),
            Digest = "",
            Interrupted = run.Interrupted,
            LiveChanges = run.LiveChanges,
            Chaos = ChaosRecord.Of(scheduledChaos, run.LiveChanges, run.VirtualNow),
        };
        return report with { Digest = ReportDigest.Compute(report) };
    }

    private static HostCounts Counts(TcpHostCounters c) => new()
    {
        PortExhausted = c.PortExhausted, TimeWaitRecycled = c.TimeWaitRecycled, TimeWaitReopened = c.TimeWaitReopened, ListenOverflows = c.ListenOverflows,
        ListenDrops = c.ListenDrops, SynQueueFullDrops = c.SynQueueFullDrops, SyncookiesSent = c.SyncookiesSent,
        SyncookiesRecv = c.SyncookiesRecv, NoConnection = c.NoConnection, DroppedWhileDown = c.DroppedWhileDown,
        Crashes = c.Crashes, ConnectionsLostInCrashes = c.ConnectionsLostInCrashes,
    };
}
