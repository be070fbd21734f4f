using System.Globalization;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Swarm;

/// <summary>
/// One swarm seed turned into a whole scenario (in the manner of TigerBeetle's VOPR: the seed is
/// the experiment). Every knob is drawn from the seed: profile and a few of its knobs, host counts,
/// shards, delay; jitter, duplicate and reorder rates and a loss model as "weather" over the active
/// phase; workload shape, who closes, abort fraction, passive delay, keepalive, and a chaos schedule
/// of loss bursts, delay spikes, partitions, blackholes, clogs, crashes with restarts, targeted
/// drops and forged RSTs. All chaos, and every destructive impairment, ends with the active phase;
/// then the network is healed (a constant delay, in order and lossless) and a quiet tail long enough for the profile's longest timers follows, so liveness can
/// be checked (<see cref="LivenessCheck"/>).
/// </summary>
public sealed record SwarmScenario
{
    /// <summary>The seed everything was drawn from (also the scenario's <c>seed</c>).</summary>
    public required ulong Seed { get; init; }

    /// <summary>The generated scenario; written to a file it loads back equal and passes <c>tcpactors validate</c>.</summary>
    public required Scenario Scenario { get; init; }

    /// <summary>The row of the outcome table this seed falls in.</summary>
    public required SeedClass Class { get; init; }

    /// <summary>When all chaos has ended and the network has healed (the end of the active phase).</summary>
    public required TimeSpan HealedAt { get; init; }

    /// <summary>
    /// By this time no endpoint may still be in a state that waits on a retransmission (SYN_SENT,
    /// SYN_RECEIVED, FIN_WAIT_1, CLOSING, LAST_ACK): on the healed network every pending
    /// retransmission has fired and been answered.
    /// </summary>
    public required TimeSpan ProgressDeadline { get; init; }

    private static readonly TcpProfile[] s_profiles = [TcpProfile.Linux, TcpProfile.Rfc9293, TcpProfile.Bsd, TcpProfile.Windows];
    private static readonly JitterDistribution[] s_jitters = [JitterDistribution.Uniform, JitterDistribution.Normal, JitterDistribution.Pareto, JitterDistribution.ParetoNormal];
    private static readonly CloseBy[] s_closers = [CloseBy.Client, CloseBy.Server, CloseBy.Both, CloseBy.Random];
    private static readonly TcpFlags[] s_dropFlags =
        [TcpFlags.Ack, TcpFlags.Fin | TcpFlags.Ack, TcpFlags.Syn, TcpFlags.Syn | TcpFlags.Ack, TcpFlags.Psh | TcpFlags.Ack, TcpFlags.Rst | TcpFlags.Ack];
    private static readonly DirectionSelector[] s_directions = [DirectionSelector.Both, DirectionSelector.ClientToServer, DirectionSelector.ServerToClient];
    private static readonly RstSequence[] s_rstSequences = [RstSequence.Exact, RstSequence.InWindow, RstSequence.OutOfWindow];
    private static readonly ChaosKind[] s_chaosKinds =
        [ChaosKind.Impair, ChaosKind.Impair, ChaosKind.Partition, ChaosKind.Blackhole, ChaosKind.Clog, ChaosKind.Crash, ChaosKind.Drop, ChaosKind.Rst];

    /// <summary>The shortest active phase a swarm accepts: room for opens, closes and chaos windows.</summary>
    public static TimeSpan MinActiveDuration { get; } = TimeSpan.FromSeconds(20);

    /// <summary>Draws the scenario of <paramref name="seed"/>; the same seed and settings always give the same scenario.</summary>
    public static SwarmScenario Generate(ulong seed, SwarmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Couples < 1) throw new ArgumentException("a swarm needs at least one couple per seed", nameof(settings));
        if (settings.ActiveDuration < MinActiveDuration)
            throw new ArgumentException($"the active phase must be at least {MinActiveDuration.TotalSeconds:0}s", nameof(settings));
        TimeSpan active = TimeSpan.FromSeconds(Math.Floor(settings.ActiveDuration.TotalSeconds));
        int activeSeconds = (int)active.TotalSeconds;

        var workloadDraw = new SeedDraw(seed, 3);
        CloseBy by = workloadDraw.Pick<CloseBy>(s_closers);
        var (shape, workload, passiveDelay) = DrawWorkload(ref workloadDraw, settings.Couples, activeSeconds, by);

        var hostDraw = new SeedDraw(seed, 1);
        int clients = hostDraw.Int(1, 8);
        int servers = hostDraw.Int(1, 3);
        var hosts = new HostsSpec { Clients = new ClientHosts { Count = clients }, Servers = new ServerHosts { Count = servers } };
        int shards = clients >= 2 && hostDraw.Chance(0.3) ? 2 : 1;

        // The healed network is a plain constant delay: in order and lossless. Everything that loses,
        // corrupts, duplicates or reorders is "weather" over the active phase, a chaos window that
        // ends at the heal. (The modelled TCP drops out-of-order segments and keeps a backed-off RTO
        // until a fresh RTT sample, docs/tcp-model.md; with reordering after the heal it would crawl one
        // backed-off RTO per hole, and no progress bound short of the retry budget would hold.)
        var networkDraw = new SeedDraw(seed, 2);
        TimeSpan delay = networkDraw.Millis(0, 50);
        var baseline = new Impairments { Delay = delay };
        TimeSpan jitter = networkDraw.Chance(0.6) ? networkDraw.Millis(0, (int)delay.TotalMilliseconds / 2 + 1) : TimeSpan.Zero;
        var weather = new ImpairmentOverride
        {
            Jitter = jitter > TimeSpan.Zero ? jitter : null,
            JitterDistribution = jitter > TimeSpan.Zero ? networkDraw.Pick<JitterDistribution>(s_jitters) : null,
            DelayCorrelation = jitter > TimeSpan.Zero && networkDraw.Chance(0.3) ? networkDraw.Number(0.01, 0.5, 0.01) : null,
            Duplicate = networkDraw.Chance(0.4) ? networkDraw.Number(0.001, 0.03, 0.001) : null,
            Reorder = networkDraw.Chance(0.4) ? networkDraw.Number(0.001, 0.03, 0.001) : null,
        };

        var chaosDraw = new SeedDraw(seed, 4);
        var chaos = new List<ChaosEvent>();
        var kinds = new SortedSet<string>(StringComparer.Ordinal);
        if (chaosDraw.Chance(0.6))
        {
            weather = weather with { Loss = DrawLoss(ref chaosDraw), Corrupt = chaosDraw.Chance(0.3) ? chaosDraw.Number(0.001, 0.02, 0.001) : null };
            kinds.Add("loss");
        }
        if (!weather.IsEmpty) chaos.Add(new ChaosEvent { At = TimeSpan.Zero, For = active, Kind = ChaosKind.Impair, Impairments = weather });
        int extra = chaosDraw.Int(0, 4);
        for (int i = 0; i < extra; i++)
        {
            ChaosEvent e = DrawChaos(ref chaosDraw, activeSeconds, clients, servers);
            chaos.Add(e);
            kinds.Add(KindName(e));
        }
        chaos.Sort((a, b) => a.At.CompareTo(b.At));

        var tcpDraw = new SeedDraw(seed, 0);
        TcpProfile profile = settings.Profile ?? tcpDraw.Pick<TcpProfile>(s_profiles);
        if (profile.Name == TcpProfile.Linux.Name && tcpDraw.Chance(0.3)) profile = profile with { TwReuse = tcpDraw.Int(0, 1) };
        if (tcpDraw.Chance(0.2)) profile = profile with { Rfc1337 = !profile.Rfc1337 };
        if (tcpDraw.Chance(0.15)) profile = profile with { MaxTwBuckets = tcpDraw.Int(1, Math.Max(1, settings.Couples)) };
        // A client that waits for its peer to close (by: server or random), or an orphaned FIN_WAIT_2
        // without fin_timeout whose peer chaos may have killed, ends only if keepalive notices
        // (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6); otherwise keepalive is a coin.
        bool clientWaits = by is CloseBy.Server or CloseBy.Random;
        bool keepalive = clientWaits || (profile.FinTimeout is null && kinds.Count > 0) || tcpDraw.Chance(0.5);
        if (keepalive)
        {
            profile = profile with
            {
                KeepaliveEnabled = true,
                KeepaliveIdle = tcpDraw.Seconds(5, 60),
                KeepaliveInterval = tcpDraw.Seconds(1, 10),
                KeepaliveProbes = tcpDraw.Int(1, 5),
            };
        }
        // A CLOSE_WAIT leak only ends when the orphaned FIN_WAIT_2 on the other side times out.
        if (workload.Close is { Leak: > 0 } && (by != CloseBy.Client || profile.FinTimeout is null))
            workload = workload with { Close = workload.Close with { Leak = 0 } };

        // Bounds of the quiet tail, from the profile's own timers.
        TimeSpan maxDelay = baseline.Delay;
        TimeSpan maxJitter = TimeSpan.Zero;
        int drops = 0;
        foreach (var e in chaos)
        {
            if (e.Impairments.Delay is { } d && d > maxDelay) maxDelay = d;
            if (e.Impairments.Jitter is { } j && j > maxJitter) maxJitter = j;
            if (e.Kind == ChaosKind.Drop) drops += e.DropCount;
        }
        // netem-style jitter is clamped to ±4 (docs/scenarios.md), so one way never takes longer.
        TimeSpan roundTrip = 2 * (maxDelay + 4 * maxJitter);
        TimeSpan gap = LongestRetransmissionGap(profile);
        // After the heal each pending retransmission fires within one gap and is answered within a
        // round trip; every targeted drop that has not yet fired can cost one more gap.
        TimeSpan progress = (1 + drops) * gap + passiveDelay + 4 * roundTrip + profile.DelayedAck + TimeSpan.FromSeconds(2);
        TimeSpan deadline = active + progress;
        TimeSpan settle = profile.TimeWait;
        if (profile.FinTimeout is { } fin && fin > settle) settle = fin;
        if (profile.KeepaliveEnabled)
        {
            TimeSpan keepaliveBound = profile.KeepaliveIdle + (profile.KeepaliveProbes + 1) * profile.KeepaliveInterval;
            if (keepaliveBound > settle) settle = keepaliveBound;
        }
        TimeSpan duration = TimeSpan.FromSeconds(Math.Ceiling((deadline + settle + 4 * roundTrip + TimeSpan.FromSeconds(5)).TotalSeconds));

        string chaosName = kinds.Count switch { 0 => "none", 1 => kinds.Min!, _ => "mixed" };
        var seedClass = new SeedClass(profile.Name, shape, chaosName);
        var scenario = new Scenario
        {
            Name = "swarm-" + seed.ToString(CultureInfo.InvariantCulture),
            Description = $"tcpactors swarm seed {seed} ({seedClass}): chaos ends and the network heals at {active.TotalSeconds:0}s; " +
                          $"no endpoint may wait on a retransmission after {deadline.TotalSeconds:0.###}s, none may be in a transient state at the end",
            Seed = seed,
            Tcp = profile,
            Hosts = hosts,
            Network = new NetworkSpec { Baseline = baseline },
            Workload = workload,
            Chaos = new ValueList<ChaosEvent>(chaos),
            Run = new RunSpec { Duration = duration, SampleEvery = TimeSpan.FromSeconds(1), Shards = shards },
        };
        return new SwarmScenario { Seed = seed, Scenario = scenario, Class = seedClass, HealedAt = active, ProgressDeadline = deadline };
    }

    private static (WorkloadShape, WorkloadSpec, TimeSpan PassiveDelay) DrawWorkload(ref SeedDraw draw, int couples, int activeSeconds, CloseBy by)
    {
        var shape = (WorkloadShape)draw.Int(0, 2);
        ExchangeSpec? exchange = draw.Chance(0.7) ? new ExchangeSpec { RequestBytes = draw.Int(0, 4096), ResponseBytes = draw.Int(0, 16384) } : null;
        int tenth = Math.Max(1, activeSeconds / 10);
        if (shape == WorkloadShape.Churn)
        {
            int openSeconds = draw.Int(2 * tenth, 5 * tenth);
            int rate = (int)Math.Ceiling(couples / (double)openSeconds);
            var churn = new ChurnSpec { RatePerSecond = rate, Lifetime = draw.Millis(100, 3000 * tenth), By = by };
            return (shape, new WorkloadSpec { Couples = couples, Open = null, Exchange = exchange, Churn = churn }, TimeSpan.Zero);
        }

        OpenSpec open;
        CloseSpec close;
        if (shape == WorkloadShape.Storm)
        {
            open = new OpenSpec { At = TimeSpan.Zero, Over = draw.Seconds(0, 3) };
            close = new CloseSpec { At = draw.Seconds(3 * tenth, 6 * tenth), Over = TimeSpan.Zero };
        }
        else
        {
            open = new OpenSpec { At = draw.Seconds(0, tenth / 2), Over = draw.Seconds(1, 3 * tenth) };
            close = new CloseSpec { At = open.At + open.Over + draw.Seconds(1, 2 * tenth), Over = draw.Seconds(0, 3 * tenth) };
        }
        TimeSpan passiveDelay = draw.Chance(0.5) ? draw.Millis(0, 3000) : TimeSpan.Zero;
        close = close with
        {
            By = by,
            Abort = draw.Chance(0.4) ? draw.Number(0, 0.3, 0.01) : 0,
            PassiveDelay = passiveDelay,
            Leak = draw.Chance(0.15) ? draw.Number(0, 0.2, 0.01) : 0,
        };
        return (shape, new WorkloadSpec { Couples = couples, Open = open, Exchange = exchange, Close = close }, passiveDelay);
    }

    private static LossSpec DrawLoss(ref SeedDraw draw)
    {
        if (draw.Chance(0.5)) return LossSpec.Bernoulli(draw.Number(0.001, 0.3, 0.001), draw.Chance(0.3) ? draw.Number(0, 0.5, 0.01) : 0);
        return LossSpec.GilbertElliott(draw.Number(0.005, 0.1, 0.001), draw.Number(0.1, 0.9, 0.01), draw.Number(0.5, 1, 0.01), draw.Number(0, 0.02, 0.001));
    }

    private static ChaosEvent DrawChaos(ref SeedDraw draw, int activeSeconds, int clients, int servers)
    {
        ChaosKind kind = draw.Pick<ChaosKind>(s_chaosKinds);
        int at = draw.Int(1, activeSeconds - 2);
        int room = activeSeconds - at;
        TimeSpan window = draw.Seconds(1, Math.Min(room, kind == ChaosKind.Clog ? 10 : 40));
        var e = new ChaosEvent { At = TimeSpan.FromSeconds(at), Kind = kind, Between = DrawPair(ref draw, clients, servers) };
        switch (kind)
        {
            case ChaosKind.Impair:
                bool burst = draw.Chance(0.5);
                return e with
                {
                    For = window,
                    Direction = draw.Pick<DirectionSelector>(s_directions),
                    Impairments = burst
                        ? new ImpairmentOverride { Loss = DrawLoss(ref draw) }
                        : new ImpairmentOverride
                        {
                            Delay = draw.Millis(50, 500), Jitter = draw.Millis(0, 100),
                            Duplicate = draw.Chance(0.3) ? draw.Number(0, 0.2, 0.01) : null,
                            Reorder = draw.Chance(0.3) ? draw.Number(0, 0.2, 0.01) : null,
                            Corrupt = draw.Chance(0.3) ? draw.Number(0, 0.1, 0.01) : null,
                        },
                };
            case ChaosKind.Partition:
                return e with { For = window, OneWay = draw.Chance(0.3) };
            case ChaosKind.Blackhole:
                return e with { For = window, Direction = draw.Pick<DirectionSelector>(s_directions) };
            case ChaosKind.Clog:
                return e with { For = window, Direction = draw.Pick<DirectionSelector>(s_directions) };
            case ChaosKind.Crash:
                // Crashed hosts always come back before the heal: a host that stays down would keep
                // its peers' retransmissions unanswered, and liveness could not be asked of them.
                HostSelector crash = draw.Chance(0.5)
                    ? HostSelector.One(HostRole.Server, draw.Int(0, servers - 1))
                    : HostSelector.One(HostRole.Client, draw.Int(0, clients - 1));
                return e with { Between = HostPair.ClientsAndServers, Crash = crash, RestartAfter = draw.Seconds(1, Math.Max(1, Math.Min(room, 20))) };
            case ChaosKind.Drop:
                return e with
                {
                    Between = HostPair.ClientsAndServers,
                    DropFlags = draw.Pick<TcpFlags>(s_dropFlags), DropCount = draw.Int(1, 3),
                    Direction = draw.Pick<DirectionSelector>(s_directions),
                };
            default:
                return e with
                {
                    For = draw.Chance(0.5) ? window : null,
                    Direction = draw.Pick<DirectionSelector>(s_directions),
                    RstFraction = draw.Number(0.05, 1, 0.05),
                    RstSequence = draw.Pick<RstSequence>(s_rstSequences),
                };
        }
    }

    private static HostPair DrawPair(ref SeedDraw draw, int clients, int servers)
    {
        if (draw.Chance(0.7)) return HostPair.ClientsAndServers;
        if (draw.Chance(0.5) || servers == 1)
        {
            int first = draw.Int(0, clients - 1);
            int last = draw.Int(first, clients - 1);
            return new HostPair(new HostSelector(HostRole.Client, first, last, false), HostSelector.Servers);
        }
        return new HostPair(HostSelector.Clients, HostSelector.One(HostRole.Server, draw.Int(0, servers - 1)));
    }

    private static string KindName(ChaosEvent e) => e.Kind switch
    {
        ChaosKind.Impair => e.Impairments.Loss is not null ? "loss" : "delay",
        ChaosKind.Partition => "partition",
        ChaosKind.Blackhole => "blackhole",
        ChaosKind.Clog => "clog",
        ChaosKind.Crash => "crash",
        ChaosKind.Drop => "drop",
        _ => "rst",
    };

    /// <summary>
    /// The longest wait between two retransmissions the profile allows: data backs off to
    /// <c>max_rto</c> (RFC 6298 §5.5); SYN and SYN-ACK double from the initial RTO once per retry
    /// (Linux doubles the SYN timer up to 64 s with 6 retries; RFC 9293's 7 retries reach 128 s).
    /// </summary>
    public static TimeSpan LongestRetransmissionGap(TcpProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        TimeSpan gap = profile.MaxRto;
        TimeSpan syn = profile.InitialRto * Math.Pow(2, Math.Min(profile.SynRetries, 10));
        TimeSpan synAck = profile.InitialRto * Math.Pow(2, Math.Min(profile.SynAckRetries, 10));
        if (syn > gap) gap = syn;
        if (synAck > gap) gap = synAck;
        return gap;
    }
}
