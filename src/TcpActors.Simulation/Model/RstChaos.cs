// The one type the model takes from the runtime's assembly: a seeded random stream, a value with no actor machinery.
using RandomStream = TcpActors.Runtime.RandomStream;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Model;

/// <summary>
/// The <c>rst</c> chaos event (RFC 5961's attacks): at its start, each established couple on a
/// selected link is chosen with the event's fraction from its own stream, with its own receiving
/// side (for <c>direction: both</c>) and its own moment within the event's spread — so the choice
/// does not depend on which couples share a shard or in what order endpoints are visited.
/// </summary>
internal static class RstChaos
{
    /// <summary>Whether <paramref name="couple"/> takes a forged RST from event <paramref name="eventIndex"/>; which side receives it, and after what delay.</summary>
    public static bool Choose(RunModel world, ChaosEvent e, int eventIndex, int couple, out bool toClient, out TimeSpan delay)
    {
        toClient = false;
        delay = TimeSpan.Zero;
        var link = LinkId.ClientToServer(world.Plan.ClientHostOf(couple), world.Plan.ServerHostOf(couple));
        if (!e.Between.Contains(link.FromRole, link.From, link.ToRole, link.To)) return false;
        var random = new RandomStream(world.Scenario.Seed, RandomStreams.RstChaos(eventIndex, couple));
        if (!random.Chance(e.RstFraction)) return false;
        toClient = e.Direction switch
        {
            DirectionSelector.ServerToClient => true,
            DirectionSelector.ClientToServer => false,
            _ => random.NextDouble() < 0.5,
        };
        TimeSpan spread = e.For ?? TimeSpan.Zero;
        if (spread > TimeSpan.Zero) delay = TimeSpan.FromTicks((long)(spread.Ticks * random.NextDouble()));
        return true;
    }

    /// <summary>The RST an attacker forges at <paramref name="receiver"/>, from its peer's address, with the event's sequence number.</summary>
    public static Segment Forge(TcpEndpoint receiver, RstSequence sequence)
    {
        FourTuple t = receiver.Tuple;
        uint offset = sequence switch
        {
            RstSequence.Exact => 0,
            RstSequence.InWindow => (uint)Math.Max(1, receiver.ReceiveWindow / 2),
            _ => 0x80000000,
        };
        return new Segment
        {
            SrcAddr = t.RemoteAddr, SrcPort = t.RemotePort, DstAddr = t.LocalAddr, DstPort = t.LocalPort,
            Seq = receiver.RcvNxt + offset, Flags = TcpFlags.Rst,
        };
    }
}
