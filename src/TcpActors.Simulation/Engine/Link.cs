using TcpActors.Runtime;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// One directed host-to-host link of a shard: its running impairments and its own random
/// stream, seeded from the link's identity (not its creation order or shard), so a link draws
/// the same numbers whatever else happens in the run.
/// </summary>
internal sealed class Link
{
    public readonly LinkId Id;
    public readonly LinkImpairments Impairments;
    public RandomStream Random;

    public Link(LinkId id, ulong seed, ulong streamId, Impairments settings)
    {
        Id = id;
        Impairments = new LinkImpairments(settings, id.Direction);
        Random = new RandomStream(seed, streamId);
    }

    /// <summary>Applies the network spec and the chaos in force at <paramref name="now"/>.</summary>
    public void Apply(Scenario scenario, TimeSpan now)
    {
        var chaos = scenario.Chaos;
        Impairments settings = scenario.Network.At(Id, now, chaos);
        if (!settings.Equals(Impairments.Settings)) Impairments.Configure(settings);
        bool partitioned = false, blackholed = false;
        TimeSpan clogUntil = TimeSpan.Zero;
        for (int i = 0; i < chaos.Count; i++)
        {
            ChaosEvent e = chaos[i];
            if (!e.IsActiveAt(now) || !e.Selects(Id)) continue;
            switch (e.Kind)
            {
                case ChaosKind.Partition: partitioned = true; break;
                case ChaosKind.Blackhole: blackholed = true; break;
                case ChaosKind.Clog when e.End is { } end && end > clogUntil: clogUntil = end; break;
            }
        }
        Impairments.Partitioned = partitioned;
        Impairments.Blackholed = blackholed;
        if (clogUntil > Impairments.ClogUntil) Impairments.ClogUntil = clogUntil;
    }
}
