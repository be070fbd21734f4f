using TcpActors.Runtime;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Network;

/// <summary>
/// One directed host-to-host link of a shard: its running impairments and its own random
/// stream, seeded from the link's identity (not its creation order or shard), so a link draws
/// the same numbers whatever else happens in the run.
/// </summary>
internal sealed class Link
{
    public readonly LinkId Id;
    public readonly LinkImpairments Impairments;
    private RandomStream _random;

    public Link(LinkId id, ulong seed, ulong streamId, Impairments settings)
    {
        Id = id;
        _baseline = settings;
        Impairments = new LinkImpairments(settings, id.Direction);
        _random = new RandomStream(seed, streamId);
    }

    /// <summary>The fate of one segment sent now, drawn from the link's own stream.</summary>
    public LinkDecision Decide(TimeSpan now, in Tcp.Segment segment) => Impairments.Decide(now, segment, ref _random);

    /// <summary>The link's impairments outside chaos windows (<see cref="NetworkSpec.For"/>).</summary>
    private readonly Impairments _baseline;

    /// <summary>
    /// Applies the chaos windows in force, <paramref name="inForce"/> (indexes into
    /// <paramref name="chaos"/>, ascending): those that select the link, impair events folded in
    /// file order over the baseline (a later event wins on the keys it sets), as
    /// <see cref="NetworkSpec.At"/> does. Costs the windows in force, not the whole schedule.
    /// </summary>
    public void Apply(IReadOnlyList<ChaosEvent> chaos, SortedSet<int> inForce)
    {
        Impairments settings = _baseline;
        bool partitioned = false, blackholed = false;
        TimeSpan clogUntil = TimeSpan.Zero;
        foreach (int i in inForce)
        {
            ChaosEvent e = chaos[i];
            if (!e.Selects(Id)) continue;
            switch (e.Kind)
            {
                case ChaosKind.Impair: settings = e.Impairments.ApplyTo(settings); break;
                case ChaosKind.Partition: partitioned = true; break;
                case ChaosKind.Blackhole: blackholed = true; break;
                case ChaosKind.Clog when e.End is { } end && end > clogUntil: clogUntil = end; break;
            }
        }
        if (!settings.Equals(Impairments.Settings)) Impairments.Configure(settings);
        Impairments.Partitioned = partitioned;
        Impairments.Blackholed = blackholed;
        if (clogUntil > Impairments.ClogUntil) Impairments.ClogUntil = clogUntil;
    }
}
