using TcpActors.Runtime;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Network;

/// <summary>
/// The running impairments of one directed link: the seeded models built from an
/// <see cref="Impairments"/> value plus the link's chaos state (partitioned, blackholed, clogged)
/// and the targeted drops that watch it. The network actor keeps one per directed host pair,
/// with that link's own <see cref="RandomStream"/>, and calls <see cref="Decide"/> per segment.
/// <para>Order of decisions, each drawing only when its impairment is enabled: blackhole,
/// partition, targeted drop, loss, duplicate, corrupt, reorder, then the rate limiter (starting
/// no earlier than the end of a clog) and the delay. A lost segment has no duplicate; a
/// duplicate takes its own delay draw but not a second slot of the rate limiter.</para>
/// </summary>
public sealed class LinkImpairments
{
    private static readonly TargetedDrop[] s_noDrops = [];

    private BernoulliLoss _bernoulli;
    private GilbertElliottLoss _gilbertElliott;
    private DelayModel _delay;
    private RateLimiter? _rateLimiter;
    private TargetedDrop[] _targetedDrops = s_noDrops;

    /// <summary>Which way this link carries segments.</summary>
    public LinkDirection Direction { get; }

    /// <summary>The impairments in force.</summary>
    public Impairments Settings { get; private set; }

    /// <summary>Cut by a partition: every segment is dropped with cause partition.</summary>
    public bool Partitioned { get; set; }

    /// <summary>A blackhole: every segment is silently dropped.</summary>
    public bool Blackholed { get; set; }

    /// <summary>Traffic sent before this time is held and released at it (a clog).</summary>
    public TimeSpan ClogUntil { get; set; }

    /// <summary>A link running <paramref name="settings"/>.</summary>
    public LinkImpairments(Impairments settings, LinkDirection direction)
    {
        Direction = direction;
        Settings = settings;
        Configure(settings);
    }

    /// <summary>
    /// Switches to new impairments (a chaos window opening or closing). The models restart their
    /// correlation and Gilbert-Elliott state; a rate limiter is kept when its limit is unchanged,
    /// so segments already queued keep their departure times.
    /// </summary>
    public void Configure(Impairments settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var loss = settings.Loss;
        _bernoulli = loss.Kind == LossKind.Bernoulli ? new BernoulliLoss(loss.Probability, loss.Correlation) : default;
        _gilbertElliott = loss.Kind == LossKind.GilbertElliott
            ? new GilbertElliottLoss(loss.P, loss.R, loss.OneMinusH, loss.OneMinusK)
            : default;
        _delay = new DelayModel(settings.Delay, settings.Jitter, settings.JitterDistribution, settings.DelayCorrelation);
        if (settings.Rate is null) _rateLimiter = null;
        else if (_rateLimiter is null || _rateLimiter.Limit != settings.Rate) _rateLimiter = new RateLimiter(settings.Rate);
        Settings = settings;
    }

    /// <summary>The targeted drops that watch this link (shared rule objects; may be empty).</summary>
    public TargetedDrop[] TargetedDrops
    {
        get => _targetedDrops;
        set => _targetedDrops = value ?? s_noDrops;
    }

    /// <summary>Decides the fate of <paramref name="segment"/> sent at <paramref name="now"/>.</summary>
    public LinkDecision Decide(TimeSpan now, in Segment segment, ref RandomStream random)
    {
        if (Blackholed) return LinkDecision.Dropped(DropCause.Blackhole);
        if (Partitioned) return LinkDecision.Dropped(DropCause.Partition);
        var drops = _targetedDrops;
        for (int i = 0; i < drops.Length; i++)
        {
            if (drops[i].TryTake(now, segment, Direction)) return LinkDecision.Dropped(DropCause.Targeted);
        }
        if (IsLost(ref random)) return LinkDecision.Dropped(DropCause.Loss);

        var settings = Settings;
        bool duplicate = random.Chance(settings.Duplicate);
        bool corrupt = random.Chance(settings.Corrupt);
        bool reorder = random.Chance(settings.Reorder);

        TimeSpan start = now < ClogUntil ? ClogUntil : now;
        TimeSpan departure = start;
        if (_rateLimiter is not null && !_rateLimiter.TryEnqueue(start, segment.PayloadLength, out departure))
            return LinkDecision.Dropped(DropCause.QueueFull);

        // netem's reorder: the segment goes to the head of the queue, with no delay at all.
        TimeSpan deliverAt = reorder ? departure : departure + _delay.Next(ref random);
        return new LinkDecision
        {
            Fate = corrupt ? SegmentFate.Corrupt : SegmentFate.Deliver,
            DeliverAt = deliverAt,
            Reordered = reorder,
            Duplicates = duplicate ? (byte)1 : (byte)0,
            DuplicateDeliverAt = duplicate ? departure + _delay.Next(ref random) : default,
        };
    }

    private bool IsLost(ref RandomStream random) => Settings.Loss.Kind switch
    {
        LossKind.Bernoulli => _bernoulli.NextIsLost(ref random),
        LossKind.GilbertElliott => _gilbertElliott.NextIsLost(ref random),
        _ => false,
    };
}
