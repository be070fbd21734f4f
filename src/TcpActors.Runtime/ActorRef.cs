using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace TcpActors.Runtime;

/// <summary>
/// A reference to an actor (Akka.NET's <c>IActorRef</c>): a two-word struct holding the actor
/// object and its system, so holding and copying refs costs no allocation and a Tell does not
/// have to touch the target actor's memory (it is checked when the message is delivered). It
/// stays valid when the actor is restarted (messages follow the fresh instance); once the actor
/// has stopped, messages to it are counted as dead letters. <c>default</c> is <see cref="Nobody"/>.
/// A ref must only be told from its own system's loop thread (or before the run starts): shards
/// never share refs; use <see cref="RealTimeDriver.Post"/> to reach a system from another thread.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct ActorRef : IEquatable<ActorRef>
{
    internal readonly Actor? Actor;

    internal readonly ActorSystem? System;

    internal ActorRef(Actor? actor)
    {
        Actor = actor;
        System = actor?._system;
    }

    /// <summary>The ref that points nowhere; messages to it are dropped (there is no system to count them).</summary>
    public static ActorRef Nobody => default;

    /// <summary>True for <see cref="Nobody"/>.</summary>
    public bool IsNobody => Actor is null;

    /// <summary>The actor's id within its system, in spawn order; -1 for <see cref="Nobody"/>.</summary>
    public int Id => Actor?._id ?? -1;

    /// <summary>Sends <paramref name="message"/> now. Inside a handler, the sender defaults to the
    /// handling actor, as in Akka.NET.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tell<T>(T message, ActorRef sender = default)
    {
        System?.Send(Actor!, message, System.NowTicks, sender);
    }

    /// <summary>Sends <paramref name="message"/> to arrive after <paramref name="delay"/> of virtual time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tell<T>(T message, TimeSpan delay, ActorRef sender = default)
    {
        System?.Send(Actor!, message, System.DueTicks(delay), sender);
    }

    /// <summary>Two refs are equal when they name the same actor: the same object, or the same
    /// id in the same system (a restarted actor keeps its id, so old refs equal new ones).</summary>
    public bool Equals(ActorRef other) =>
        ReferenceEquals(Actor, other.Actor)
        || (System is not null && ReferenceEquals(System, other.System) && Actor!._id == other.Actor!._id);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ActorRef other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() =>
        Actor is null ? 0
        : System is null ? RuntimeHelpers.GetHashCode(Actor)
        : HashCode.Combine(RuntimeHelpers.GetHashCode(System), Actor._id);

    /// <summary>Same actor object.</summary>
    public static bool operator ==(ActorRef left, ActorRef right) => left.Equals(right);

    /// <summary>Different actor objects.</summary>
    public static bool operator !=(ActorRef left, ActorRef right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Actor?.ToString() ?? "nobody";
}
