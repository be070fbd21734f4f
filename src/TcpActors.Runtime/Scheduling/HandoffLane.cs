namespace TcpActors.Runtime.Scheduling;

/// <summary>The hand-offs of one message type not yet delivered (<see cref="ActorSystem.Handoff{T}"/>).</summary>
internal abstract class HandoffLane
{
    /// <summary>Delivers the oldest hand-off of this lane.</summary>
    public abstract void DeliverNext(ActorSystem system);
}

/// <summary>A FIFO of hand-offs carrying <typeparamref name="T"/>; struct messages are not boxed,
/// and once the queue has grown to the busiest instant nothing is allocated.</summary>
internal sealed class HandoffLane<T> : HandoffLane
{
    private readonly Queue<(Actor Target, Actor? Sender, T Message)> _pending = new();

    public void Add(Actor target, Actor? sender, T message) => _pending.Enqueue((target, sender, message));

    public override void DeliverNext(ActorSystem system)
    {
        var (target, sender, message) = _pending.Dequeue();
        system.Deliver(target, sender, message);
    }
}
