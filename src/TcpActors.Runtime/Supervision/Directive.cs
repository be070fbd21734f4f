namespace TcpActors.Runtime;

/// <summary>What supervision does with an actor whose handler threw (Akka.NET's <c>Directive</c>).</summary>
public enum Directive
{
    /// <summary>Keep the actor and its state; the failed message is dropped.</summary>
    Resume,
    /// <summary>Replace the actor with a fresh instance from its <see cref="Props"/>; refs stay valid
    /// and its pending messages go to the new instance. Actors spawned from an instance rather than
    /// from <see cref="Props"/> cannot be re-created and are stopped instead.</summary>
    Restart,
    /// <summary>Stop the actor; later messages are dead letters.</summary>
    Stop,
}
