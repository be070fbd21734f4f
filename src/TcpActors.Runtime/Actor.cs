using System.Diagnostics;

namespace TcpActors.Runtime;

/// <summary>
/// Base class of every actor. An actor is a plain object: it owns its state, and the only way to
/// affect it is a message, handled one at a time by its system's event loop. Implement
/// <see cref="IReceive{TMessage}"/> for each message type the actor accepts.
/// </summary>
/// <remarks>
/// There is no mailbox, task or dictionary per actor: pending messages live in the system's
/// typed event queues. The runtime's own fields cost 24 bytes on top of the object header
/// (see docs/performance.md), so millions of actors fit in memory.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public abstract class Actor
{
    /// <summary>The system this actor was spawned into; null before spawn.</summary>
    internal ActorSystem? _system;

    /// <summary>Identity within the system, assigned in spawn order (deterministic); kept across restarts.</summary>
    internal int _id;

    /// <summary>Head of the list of timer slots this actor owns (slot index + 1; 0 = none).</summary>
    internal int _firstTimer;

    /// <summary>Lifecycle status, checked on every Tell and every delivery.</summary>
    internal ActorStatus _status;

    /// <summary>The system this actor lives in.</summary>
    protected ActorSystem System => _system ?? throw new InvalidOperationException("The actor has not been spawned.");

    /// <summary>A reference to this actor.</summary>
    public ActorRef Self => new(this);

    /// <summary>The sender of the message being handled, or <see cref="ActorRef.Nobody"/>.</summary>
    protected ActorRef Sender => System.CurrentSender;

    /// <summary>The system's virtual time.</summary>
    protected TimeSpan Now => System.Now;

    /// <summary>This actor's timers (Akka.NET's <c>Timers</c>): single-shot, cancellable, cheap to re-arm.</summary>
    protected TimerScheduler Timers => new(this);

    /// <summary>True while the actor is spawned and not stopped.</summary>
    public bool IsAlive => _status == ActorStatus.Alive;

    /// <summary>Stops this actor: its timers are cancelled and later messages go to dead letters.</summary>
    protected void Stop() => System.Stop(Self);

    /// <summary>Called once when the actor is spawned (or re-created by a restart), before any message.</summary>
    protected internal virtual void PreStart() { }

    /// <summary>Called once when the actor stops, or before a restart replaces it.</summary>
    protected internal virtual void PostStop() { }

    /// <inheritdoc />
    public override string ToString() => $"actor#{_id} ({GetType().Name})";
}
