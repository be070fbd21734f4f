namespace TcpActors.Runtime;

/// <summary>
/// Declares that an actor accepts messages of type <typeparamref name="TMessage"/>. An actor
/// implements it once per message type it handles; struct messages reach
/// <see cref="Receive"/> without boxing because the system keeps one typed queue per message
/// type. Contravariant, so <c>IReceive&lt;object&gt;</c> accepts every reference-type message.
/// </summary>
/// <typeparam name="TMessage">The message type handled.</typeparam>
public interface IReceive<in TMessage>
{
    /// <summary>Handles one message. Called by the system's event loop, one message at a time;
    /// <see cref="Actor.Sender"/> is valid for the duration of the call.</summary>
    void Receive(TMessage message);
}
