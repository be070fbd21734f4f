using TcpActors.Runtime;
using TcpActors.Simulation.Model;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// The unreliable network of one shard as an actor: every segment goes through it. It asks its
/// <see cref="NetworkModel"/> for each segment's fate and delivers the segment (and a duplicate)
/// to the receiving host actor after the delay the model drew; chaos boundaries and live chaos
/// windows change the model's links.
/// </summary>
internal sealed class NetworkActor(ShardRefs refs, NetworkModel model) : Actor,
    IReceive<Transmission>, IReceive<RecomputeLinks>, IReceive<LiveWindow>
{
    public void Receive(Transmission message)
    {
        Route route = model.Send(Now, message.Segment, message.Couple, message.Forged);
        if (!route.Delivered) return;
        ActorRef host = refs.Host(route.ToRole, route.To);
        var arrival = new Arrival(message.Segment, message.Couple);
        System.Tell(host, arrival, Delay(route.DeliverAt));
        if (route.Duplicated) System.Tell(host, arrival, Delay(route.DuplicateAt));
    }

    private TimeSpan Delay(TimeSpan at) => at > Now ? at - Now : TimeSpan.Zero;

    public void Receive(RecomputeLinks message) => model.ApplyBoundaries(Now);

    public void Receive(LiveWindow message) => model.ApplyLive(message.Event, message.IsEnd);
}
