using System.Diagnostics;
using TcpActors.Runtime;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;
using TcpActors.Tcp.Host;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// One cell of a run (DESIGN.md §3): its own actor system with a slice of the client hosts
/// (client host h belongs to shard h mod N), a replica of every server host, one network actor,
/// the workload, chaos and SYN-flood actors, and exact telemetry. A shard is a pure function of
/// (scenario, seed, shard index, shard count): it shares nothing with other shards.
/// </summary>
internal sealed class Shard
{
    private static readonly TcpState[] s_transient =
        [TcpState.SynSent, TcpState.SynReceived, TcpState.FinWait1, TcpState.Closing, TcpState.LastAck, TcpState.TimeWait];

    private readonly HostActor?[] _clients;
    private readonly HostActor[] _servers;
    private readonly int[] _global;
    private readonly CoupleFlags[] _flags;
    private readonly byte[] _reason;
    private readonly int _traceCouples;
    private readonly List<string> _failures = [];
    private readonly WorkloadActor _workload;
    private long _endpointFailures;
    /// <summary>Live chaos id → its index in <see cref="Scenario"/>'s chaos list.</summary>
    private readonly Dictionary<int, int> _liveEvents = [];
    /// <summary>The scenario's own <c>chaos:</c> list, before live chaos is appended to <see cref="Scenario"/>'s.</summary>
    private readonly ValueList<ChaosEvent> _scheduledChaos;

    public Shard(Scenario scenario, int shardIndex, int shardCount, ITraceSink? trace, int traceCouples)
    {
        Scenario = scenario;
        _scheduledChaos = scenario.Chaos;
        ShardIndex = shardIndex;
        ShardCount = shardCount;
        Plan = new WorkloadPlan(scenario);
        Trace = trace;
        _traceCouples = trace is null ? 0 : traceCouples;
        IdleProfile = Plan.IdleKeepalive && !scenario.Tcp.KeepaliveEnabled ? scenario.Tcp with { KeepaliveEnabled = true } : scenario.Tcp;

        var local = new List<int>();
        for (int k = 0; k < Plan.Couples; k++)
        {
            if (Plan.ShardOf(k, shardCount) == shardIndex) local.Add(k);
        }
        _global = [.. local];
        _flags = new CoupleFlags[_global.Length];
        _reason = new byte[_global.Length];

        System = new ActorSystem(scenario.Seed);
        Telemetry.Clock = System;
        System.ActorFailed += failure =>
        {
            if (_failures.Count < 20) _failures.Add($"{failure.Actor} at {failure.At.TotalSeconds:0.######}s: {failure.Exception.GetType().Name}: {failure.Exception.Message}");
        };
        NetworkRef = System.Spawn(new NetworkActor(this));

        TcpHostOptions options = TcpHostOptions.FromProfile(scenario.Tcp);
        TcpHostOptions clientOptions = scenario.Hosts.Clients.PortRange is { } range
            ? options with { EphemeralPortMin = range.Min, EphemeralPortMax = range.Max }
            : options;
        // Only client hosts that open a couple exist: couples go to hosts round-robin, so hosts
        // from the couple count on never send, and nothing is sent to them (a crash of one is a
        // no-op). 16,777,216 client hosts with 10 couples would otherwise take ≈ 10 GiB of idle
        // hosts (≈ 625 B each, docs/performance.md, "Memory estimate").
        _clients = new HostActor?[Math.Min(scenario.Hosts.Clients.Count, Plan.Couples)];
        for (int h = shardIndex; h < _clients.Length; h += shardCount)
        {
            var host = new HostActor(this, HostRole.Client, h,
                new TcpHost([AddressPlan.Client(h)], clientOptions with { PortSecret = (ulong)h }, ExpectedConnections(h, clientOptions)));
            System.Spawn(host);
            _clients[h] = host;
        }
        _servers = new HostActor[scenario.Hosts.Servers.Count];
        for (int s = 0; s < _servers.Length; s++)
        {
            var host = new HostActor(this, HostRole.Server, s, new TcpHost([AddressPlan.Server(s)], options, ExpectedServerConnections()));
            System.Spawn(host);
            _servers[s] = host;
        }
        _workload = new WorkloadActor(this);
        System.Spawn(_workload);
        System.Spawn(new ChaosActor(this));
        if (scenario.Workload.SynFlood is { } flood) System.Spawn(new SynFloodActor(this, flood));
    }

    /// <summary>
    /// Pre-sizes a client host's tuple table for the couples it will open (at most its port range
    /// at once): growing a large table by doubling leaves large garbage arrays that cost full GCs.
    /// </summary>
    private int ExpectedConnections(int clientHost, TcpHostOptions options)
    {
        int couples = Plan.Couples / Plan.ClientHosts + (clientHost < Plan.Couples % Plan.ClientHosts ? 1 : 0);
        return Math.Min(couples, options.EphemeralPortCount);
    }

    /// <summary>A server replica holds at most the shard's couples for it at once.</summary>
    private int ExpectedServerConnections() => Math.Min(_global.Length / Math.Max(1, Plan.ServerHosts) + 1, 1 << 20);

    /// <summary>The scenario; live chaos (<see cref="Live.LiveControl"/>) appends to its chaos list as the run goes.</summary>
    public Scenario Scenario { get; private set; }
    public int ShardIndex { get; }
    public int ShardCount { get; }
    public WorkloadPlan Plan { get; }
    public TcpProfile IdleProfile { get; }
    public ActorSystem System { get; }
    public ActorRef NetworkRef { get; }
    public ShardTelemetry Telemetry { get; } = new();
    public EndpointSlots Slots { get; } = new();
    public ITraceSink? Trace { get; }

    /// <summary>TEST-ONLY faults for every endpoint of the shard (<see cref="SimulationOptions"/>).</summary>
    public EndpointFaults EndpointFaults { get; init; }

    public int LocalCouples => _global.Length;

    public int GlobalIndex(int couple) => _global[couple];

    public bool IsTraced(int couple) => couple >= 0 && _global[couple] < _traceCouples;

    public CoupleFlags CoupleFlagsOf(int couple) => _flags[couple];

    public void SetCoupleFlags(int couple, CoupleFlags flags) => _flags[couple] = flags;

    public HostActor? HostOf(HostRole role, int index) =>
        role == HostRole.Client ? (uint)index < (uint)_clients.Length ? _clients[index] : null
        : (uint)index < (uint)_servers.Length ? _servers[index] : null;

    /// <summary>The first reason a couple ends with wins; later ones are facts, not outcomes.</summary>
    public void RecordReason(int couple, CoupleOutcome outcome)
    {
        if (couple >= 0 && _reason[couple] == 0) _reason[couple] = (byte)(outcome + 1);
    }

    public CoupleOutcome? ReasonOf(int couple) => _reason[couple] == 0 ? null : (CoupleOutcome)(_reason[couple] - 1);

    /// <summary>The couple's client endpoint is gone (or never got a port): settle its one outcome.</summary>
    public void EndCouple(int couple, TimeSpan now)
    {
        if ((_flags[couple] & CoupleFlags.Ended) != 0)
        {
            Telemetry.DoubleOutcomes++;
            return;
        }
        _flags[couple] |= CoupleFlags.Ended;
        CoupleOutcome outcome = ReasonOf(couple) ?? CoupleOutcome.Completed;
        Telemetry.Outcomes[(int)outcome]++;
        if (IsTraced(couple)) Trace!.Outcome(now, _global[couple], TraceSide.Client, outcome);
    }

    /// <summary>An endpoint threw while its host handed it a segment: count it and stop it, as supervision would.</summary>
    public void EndpointFailed(EndpointActor endpoint, Exception exception)
    {
        _endpointFailures++;
        if (_failures.Count < 20) _failures.Add($"{endpoint} at {System.Now.TotalSeconds:0.######}s: {exception.GetType().Name}: {exception.Message}");
        System.Stop(endpoint.Self);
    }

    public void SequenceViolation(EndpointActor endpoint)
    {
        Telemetry.SequenceViolations++;
        Telemetry.FirstSequenceViolation ??=
            $"SND.UNA {endpoint.Tcp.SndUna} > SND.NXT {endpoint.Tcp.SndNxt} on {endpoint.Tcp.Tuple} at {System.Now.TotalSeconds:0.######}s";
    }

    // ------------------------------------------------------------------ running

    /// <summary>Runs the shard to the end of the scenario (or until cancelled) and reports.</summary>
    /// <remarks>
    /// Paced (<paramref name="clock"/> not null), a <see cref="RealTimeDriver"/> delivers each event
    /// when the wall clock reaches its virtual time divided by <paramref name="timeScale"/>, and
    /// the report says how late the worst one was (<see cref="RealTimeLag"/>): a machine that
    /// cannot keep up shows it instead of silently stretching time.
    /// </remarks>
    public RunReport Run(CancellationToken cancellation, SampleAggregator samples, IWallClock? clock, double timeScale, int threads,
        LiveControl? live = null, int liveSlot = 0)
    {
        Begin(cancellation, samples, clock, timeScale, live, liveSlot);
        while (Advance()) { }
        return End(threads);
    }

    // The run in steps of one sample interval, so that one thread can take several shards in turn
    // (SimulationRunner does when there are fewer threads than shards): every shard then reaches
    // each sample boundary about together, and the live view and Ctrl+C see the whole run move.
    private RunSteps? _steps;

    private sealed class RunSteps
    {
        public required CancellationToken Cancellation { get; init; }
        public required SampleAggregator Samples { get; init; }
        public required RealTimeDriver? Driver { get; init; }
        public required double TimeScale { get; init; }
        public required LiveControl? Live { get; init; }
        public required int LiveSlot { get; init; }
        public required Stopwatch Wall { get; init; }
        public List<LiveChange> Due { get; } = [];
        public TimeSpan Next;
        public int Row;
        public bool Interrupted;
        public bool Finished;
    }

    /// <summary>Starts a stepped run: the first sample (t = 0) and the live changes due at 0.</summary>
    public void Begin(CancellationToken cancellation, SampleAggregator samples, IWallClock? clock, double timeScale,
        LiveControl? live = null, int liveSlot = 0)
    {
        if (_steps is not null) throw new InvalidOperationException("a shard runs once");
        var steps = _steps = new RunSteps
        {
            Cancellation = cancellation, Samples = samples, TimeScale = timeScale, Live = live, LiveSlot = liveSlot,
            Driver = clock is null ? null : new RealTimeDriver(System, timeScale, clock),
            Wall = Stopwatch.StartNew(),
        };
        samples.Census.Attach(liveSlot, Telemetry.Census);
        Sample(steps.Row++, TimeSpan.Zero, samples);
        if (live is not null) ApplyLive(live, liveSlot, TimeSpan.Zero, steps.Due);
        steps.Next = Scenario.Run.SampleEvery;
    }

    /// <summary>Runs to the next sample boundary and samples there; false once the run is over
    /// (its duration reached, or cancelled).</summary>
    public bool Advance()
    {
        RunSteps steps = _steps ?? throw new InvalidOperationException("Begin first");
        if (steps.Finished) return false;
        TimeSpan duration = Scenario.Run.Duration;
        TimeSpan t = steps.Next > duration ? duration : steps.Next;
        if (!(steps.Driver is null ? RunUntil(t, steps.Cancellation) : RunPacedUntil(steps.Driver, t, steps.Cancellation)))
        {
            steps.Interrupted = steps.Finished = true;
            steps.Samples.Census.Finish(steps.LiveSlot);
            return false;
        }
        Sample(steps.Row++, t, steps.Samples);
        if (t == duration)
        {
            steps.Finished = true;
            steps.Samples.Census.Finish(steps.LiveSlot);
            return false;
        }
        if (steps.Live is not null) ApplyLive(steps.Live, steps.LiveSlot, t, steps.Due);
        steps.Next = t + Scenario.Run.SampleEvery;
        return true;
    }

    /// <summary>The report of a stepped run that <see cref="Advance"/> has finished.</summary>
    public RunReport End(int threads)
    {
        RunSteps steps = _steps ?? throw new InvalidOperationException("Begin first");
        if (!steps.Finished) throw new InvalidOperationException("the run is not over");
        IReadOnlyList<LiveChange> liveChanges = steps.Live?.TakenBy(steps.LiveSlot) ?? [];
        RunReport report = Report(steps.Interrupted, steps.Wall.Elapsed, threads, liveChanges);
        if (steps.Driver is { } driver)
        {
            report = report with { RealTime = new RealTimeLag { TimeScale = steps.TimeScale, MaxLagSeconds = driver.MaxLag.TotalSeconds, MaxLagAtSeconds = driver.MaxLagAt.TotalSeconds } };
        }
        Slots.Clear();
        return report;
    }

    /// <summary>
    /// Applies the live changes due at boundary <paramref name="t"/>: between two runs of the
    /// event loop, so they are sent at virtual time t after everything due at t, in the order
    /// the control recorded them — the same in every shard and in a replay.
    /// </summary>
    private void ApplyLive(LiveControl live, int slot, TimeSpan t, List<LiveChange> due)
    {
        live.TakeDue(slot, t, due);
        foreach (LiveChange change in due)
        {
            LiveChaos chaos = change.Chaos;
            if (change.Apply)
            {
                ChaosEvent e = chaos.Kind switch
                {
                    LiveChaosKind.Loss => new ChaosEvent { At = t, Kind = ChaosKind.Impair, Impairments = new Network.ImpairmentOverride { Loss = Network.LossSpec.Bernoulli(chaos.Loss ?? 0) } },
                    LiveChaosKind.Delay => new ChaosEvent { At = t, Kind = ChaosKind.Impair, Impairments = new Network.ImpairmentOverride { Delay = TimeSpan.FromMilliseconds(chaos.DelayMs ?? 0) } },
                    LiveChaosKind.Partition => new ChaosEvent { At = t, Kind = ChaosKind.Partition },
                    _ => new ChaosEvent { At = t, Kind = ChaosKind.Crash, Crash = HostSelector.One(HostRole.Server, chaos.Host ?? 0) },
                };
                _liveEvents[change.Id] = Scenario.Chaos.Count;
                Scenario = Scenario with { Chaos = new ValueList<ChaosEvent>([.. Scenario.Chaos, e]) };
                if (chaos.Kind == LiveChaosKind.Crash) HostOf(HostRole.Server, chaos.Host ?? 0)?.Self.Tell(new HostCommand(HostAction.Crash));
                else NetworkRef.Tell(new LiveWindow(_liveEvents[change.Id], IsEnd: false));
            }
            else if (_liveEvents.Remove(change.Id, out int index))
            {
                ChaosEvent e = Scenario.Chaos[index];
                var chaosList = new ChaosEvent[Scenario.Chaos.Count];
                for (int i = 0; i < chaosList.Length; i++) chaosList[i] = Scenario.Chaos[i];
                // The window closes now: [At, t) no longer holds t, so the links heal at once.
                chaosList[index] = e with { For = t - e.At };
                Scenario = Scenario with { Chaos = new ValueList<ChaosEvent>(chaosList) };
                if (chaos.Kind == LiveChaosKind.Crash) HostOf(HostRole.Server, chaos.Host ?? 0)?.Self.Tell(new HostCommand(HostAction.Restart));
                else NetworkRef.Tell(new LiveWindow(index, IsEnd: true));
            }
        }
    }

    private bool RunUntil(TimeSpan t, CancellationToken cancellation)
    {
        if (!cancellation.CanBeCanceled)
        {
            System.RunUntil(t);
            return true;
        }
        if (cancellation.IsCancellationRequested) return false;
        long delivered = 0;
        while (System.NextEventTime is { } next && next <= t)
        {
            System.Step();
            // Checking the token every few thousand events keeps Ctrl+C prompt at no measurable cost.
            if ((++delivered & 4095) == 0 && cancellation.IsCancellationRequested) return false;
        }
        System.RunUntil(t);
        return true;
    }

    private static bool RunPacedUntil(RealTimeDriver driver, TimeSpan t, CancellationToken cancellation)
    {
        driver.RunUntil(t, cancellation);
        return !cancellation.IsCancellationRequested;
    }

    private void Sample(int row, TimeSpan t, SampleAggregator samples)
    {
        long sum = 0;
        foreach (long c in Telemetry.States) sum += c;
        if (sum != Telemetry.Live)
        {
            Telemetry.SumMismatches++;
            Telemetry.FirstSumMismatch ??= $"at {t.TotalSeconds:0.######}s the state counts sum to {sum} but {Telemetry.Live} endpoints are live";
        }
        samples.Census.EndInterval(_steps!.LiveSlot, t, Telemetry.Census);
        if (samples.Enabled)
        {
            samples.Publish(row, new LiveSnapshot
            {
                Now = t, Duration = Scenario.Run.Duration, StateCounts = (long[])Telemetry.States.Clone(),
                Segments = Telemetry.Segments(), Resets = Telemetry.Resets(), ConnectOutcomes = Telemetry.Connects(),
                TimeWaitOverflow = Telemetry.TimeWaitOverflow, Events = System.EventsProcessed,
                Outcomes = OutcomesSoFar(), Wall = _steps?.Wall.Elapsed ?? TimeSpan.Zero,
            });
        }
    }

    // ------------------------------------------------------------------ report

    private OutcomeCounts OutcomesSoFar()
    {
        ShardTelemetry t = Telemetry;
        long opened = _workload.Opened;
        long ended = 0;
        foreach (long c in t.Outcomes) ended += c;
        return new OutcomeCounts
        {
            Completed = t.Outcomes[(int)CoupleOutcome.Completed], Refused = t.Outcomes[(int)CoupleOutcome.Refused],
            TimedOut = t.Outcomes[(int)CoupleOutcome.TimedOut], Reset = t.Outcomes[(int)CoupleOutcome.Reset],
            PortExhausted = t.Outcomes[(int)CoupleOutcome.PortExhausted], Aborted = t.Outcomes[(int)CoupleOutcome.Aborted],
            Crashed = t.Outcomes[(int)CoupleOutcome.Crashed],
            Open = opened - ended, NotStarted = LocalCouples - opened,
        };
    }

    private RunReport Report(bool interrupted, TimeSpan wall, int threads, IReadOnlyList<LiveChange> liveChanges)
    {
        ShardTelemetry t = Telemetry;
        OutcomeCounts outcomes = OutcomesSoFar();

        var violations = new List<string>();
        var notChecked = new List<string>();
        if (t.DoubleOutcomes != 0) violations.Add($"{t.DoubleOutcomes} couples were given a second outcome");
        if (outcomes.Open < 0) violations.Add($"{-outcomes.Open} more outcomes than opened couples");
        if (t.SumMismatches != 0) violations.Add($"per-state counts did not sum to the live endpoints at {t.SumMismatches} samples; first {t.FirstSumMismatch}");
        long accounted = t.Delivered + t.DroppedTotal + t.Corrupted + t.InFlight + t.Unroutable;
        if (t.Sent + t.Duplicated != accounted)
            violations.Add($"segments sent + duplicated = {t.Sent + t.Duplicated} but delivered + dropped + corrupted + in flight + unroutable = {accounted}");

        long pendingTimers = 0;
        var transient = new long[TcpStateNames.Count];
        for (int handle = 0; handle < Slots.Extent; handle++)
        {
            if (Slots[handle] is not { } endpoint) continue;
            TcpEndpoint tcp = endpoint.Tcp;
            if (tcp.NextDeadline != TimeSpan.MaxValue && tcp.Timer != TcpTimer.Keepalive) pendingTimers++;
            if (Array.IndexOf(s_transient, tcp.State) >= 0) transient[(int)tcp.State]++;
            if (tcp.State is not TcpState.Closed and not TcpState.Listen && tcp.SndUna > tcp.SndNxt) SequenceViolation(endpoint);
        }
        if (t.SequenceViolations != 0) violations.Add($"{t.SequenceViolations} times SND.UNA was beyond SND.NXT; first {t.FirstSequenceViolation}");
        const string drainedCheck = "no endpoint in a transient state once drained";
        if (interrupted) notChecked.Add(drainedCheck + " (interrupted)");
        else if (t.InFlight != 0 || pendingTimers != 0) notChecked.Add(drainedCheck + " (the run had not drained)");
        else
        {
            foreach (TcpState state in s_transient)
            {
                if (transient[(int)state] != 0)
                    violations.Add($"{transient[(int)state]} endpoints left in {state.ToTraceName()} with nothing left to happen");
            }
        }

        var hosts = new HostCounts();
        foreach (HostActor? host in _clients) if (host is not null) hosts += Counts(host.Tcp.Counters);
        foreach (HostActor host in _servers) hosts += Counts(host.Tcp.Counters);

        var report = new RunReport
        {
            Scenario = Scenario.Name,
            Seed = Scenario.Seed,
            Profile = Scenario.Tcp.Name,
            Shards = ShardCount,
            ShardIndexes = [ShardIndex],
            Threads = threads,
            VirtualSeconds = System.Now.TotalSeconds,
            WallSeconds = wall.TotalSeconds,
            Events = System.EventsProcessed,
            Couples = LocalCouples,
            Outcomes = outcomes,
            StatesFinal = ReportMerger.StateMap(t.States),
            Peaks = ReportMerger.Peaks(t.Census.Peak),
            Segments = t.Segments(),
            Resets = t.Resets(),
            TimeWaitOverflow = t.TimeWaitOverflow,
            HandshakeSeconds = Quantiles.Of(t.Handshake),
            ConnectionSeconds = Quantiles.Of(t.Connection),
            ConnectOutcomes = t.Connects(),
            Hosts = hosts,
            Supervision = new SupervisionCounts { Failures = System.Failures + _endpointFailures, DeadLetters = System.DeadLetters, FirstFailures = [.. _failures] },
            Invariants = new InvariantResult { Violations = violations, NotChecked = notChecked },
            Histograms = HistogramBuckets.Of(t.Handshake, t.Connection),
            Digest = "",
            Interrupted = interrupted,
            LiveChanges = liveChanges,
            Chaos = ChaosRecord.Of(_scheduledChaos, liveChanges, System.Now),
        };
        return report with { Digest = ReportDigest.Compute(report) };
    }

    private static HostCounts Counts(TcpHostCounters c) => new()
    {
        PortExhausted = c.PortExhausted, TimeWaitRecycled = c.TimeWaitRecycled, ListenOverflows = c.ListenOverflows,
        ListenDrops = c.ListenDrops, SynQueueFullDrops = c.SynQueueFullDrops, SyncookiesSent = c.SyncookiesSent,
        SyncookiesRecv = c.SyncookiesRecv, NoConnection = c.NoConnection, DroppedWhileDown = c.DroppedWhileDown,
        Crashes = c.Crashes, ConnectionsLostInCrashes = c.ConnectionsLostInCrashes,
    };
}
