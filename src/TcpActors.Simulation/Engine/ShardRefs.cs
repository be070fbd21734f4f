using TcpActors.Runtime;
using TcpActors.Simulation.Model;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// The addresses an actor of a shard may send to — the network actor and the host actors by role
/// and index — and the shard's model. References only, as Akka.NET actors know each other by
/// <c>IActorRef</c>: nobody reaches another actor's fields through it.
/// </summary>
internal sealed class ShardRefs(RunModel world, int clientHosts, int serverHosts)
{
    public RunModel World { get; } = world;

    public ActorRef Network { get; set; }

    public ActorRef[] Clients { get; } = new ActorRef[clientHosts];

    public ActorRef[] Servers { get; } = new ActorRef[serverHosts];

    /// <summary>The host actor of that role and index in this shard, or <see cref="ActorRef.Nobody"/>.</summary>
    public ActorRef Host(HostRole role, int index)
    {
        ActorRef[] hosts = role == HostRole.Client ? Clients : Servers;
        return (uint)index < (uint)hosts.Length ? hosts[index] : ActorRef.Nobody;
    }
}
