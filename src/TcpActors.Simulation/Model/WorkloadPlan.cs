// The one type the model takes from the runtime's assembly: a seeded random stream, a value with no actor machinery.
using RandomStream = TcpActors.Runtime.RandomStream;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Model;

/// <summary>
/// The workload as pure functions of a couple's global index: when it opens, when and by whom it
/// closes, which hosts it uses, and its random decisions (from its own stream, DESIGN.md §3), so
/// every shard — and every process of a <c>--shard i/N</c> run — agrees on every couple.
/// </summary>
internal sealed class WorkloadPlan
{
    private readonly Scenario _scenario;
    private readonly WorkloadSpec _workload;

    public WorkloadPlan(Scenario scenario)
    {
        _scenario = scenario;
        _workload = scenario.Workload;
        Couples = _workload.Couples;
        ClientHosts = scenario.Hosts.Clients.Count;
        ServerHosts = scenario.Hosts.Servers.Count;
    }

    public int Couples { get; }

    public int ClientHosts { get; }

    public int ServerHosts { get; }

    /// <summary>Couples are spread over client hosts round-robin (docs/scenarios.md).</summary>
    public int ClientHostOf(int couple) => couple % ClientHosts;

    /// <summary>Each couple talks to server (couple mod servers).</summary>
    public int ServerHostOf(int couple) => couple % ServerHosts;

    /// <summary>Client host h belongs to shard h mod shards.</summary>
    public static int ShardOfClientHost(int host, int shards) => host % shards;

    public int ShardOf(int couple, int shards) => ShardOfClientHost(ClientHostOf(couple), shards);

    /// <summary>When couple <paramref name="couple"/> calls connect().</summary>
    public TimeSpan OpenAt(int couple)
    {
        if (_workload.Churn is { } churn) return TimeSpan.FromTicks((long)(couple * (TimeSpan.TicksPerSecond / churn.RatePerSecond)));
        OpenSpec open = _workload.Open ?? new OpenSpec();
        if (open.RatePerSecond is { } rate) return open.At + TimeSpan.FromTicks((long)(couple * (TimeSpan.TicksPerSecond / rate)));
        return open.At + TimeSpan.FromTicks(Couples == 0 ? 0 : open.Over.Ticks * couple / Couples);
    }

    /// <summary>When the closing side of <paramref name="couple"/> closes; <see cref="TimeSpan.MaxValue"/> for never.</summary>
    public TimeSpan CloseAt(int couple)
    {
        if (_workload.Churn is { } churn) return OpenAt(couple) + churn.Lifetime;
        if (_workload.Close is not { } close) return TimeSpan.MaxValue;
        return close.At + TimeSpan.FromTicks(Couples == 0 ? 0 : close.Over.Ticks * couple / Couples);
    }

    /// <summary>How long a passive side stays in CLOSE_WAIT before it closes.</summary>
    public TimeSpan PassiveDelay => _workload.Close?.PassiveDelay ?? TimeSpan.Zero;

    /// <summary>Bytes the client sends after connecting.</summary>
    public int RequestBytes => (int)Math.Min(int.MaxValue, _workload.Exchange?.RequestBytes ?? 0);

    /// <summary>Bytes the server answers once it has read the request.</summary>
    public int ResponseBytes => (int)Math.Min(int.MaxValue, _workload.Exchange?.ResponseBytes ?? 0);

    /// <summary>Whether idle couples set SO_KEEPALIVE.</summary>
    public bool IdleKeepalive => _workload.Idle?.Keepalive ?? false;

    /// <summary>
    /// The couple's random decisions. Always four draws in a fixed order from the couple's own
    /// stream, so a change to one knob never shifts another couple's draws.
    /// </summary>
    public CoupleFlags Decide(int couple)
    {
        var random = new RandomStream(_scenario.Seed, RandomStreams.Couple(couple));
        double idleDraw = random.NextDouble();
        double closerDraw = random.NextDouble();
        double abortDraw = random.NextDouble();
        double leakDraw = random.NextDouble();

        var flags = CoupleFlags.None;
        if (_workload.Idle is { } idle && idleDraw < idle.Fraction) flags |= CoupleFlags.Idle;
        CloseBy by = _workload.Churn?.By ?? _workload.Close?.By ?? CloseBy.Client;
        bool closes = _workload.Churn is not null || _workload.Close is not null;
        if (closes && (flags & CoupleFlags.Idle) == 0)
        {
            flags |= by switch
            {
                CloseBy.Client => CoupleFlags.ClientCloses,
                CloseBy.Server => CoupleFlags.ServerCloses,
                CloseBy.Both => CoupleFlags.ClientCloses | CoupleFlags.ServerCloses,
                _ => closerDraw < 0.5 ? CoupleFlags.ClientCloses : CoupleFlags.ServerCloses,
            };
            double abort = _workload.Close?.Abort ?? 0;
            if (abortDraw < abort) flags |= CoupleFlags.Aborts;
            double leak = _workload.Close?.Leak ?? 0;
            if (leakDraw < leak) flags |= CoupleFlags.Leaks;
        }
        return flags;
    }
}
