namespace TcpActors.Runtime;

/// <summary>
/// An actor that accepts messages of every type, such as a TestKit probe or a recorder. It is
/// asked only when the actor does not implement <see cref="IReceive{TMessage}"/> for the
/// message's type. The call is a generic virtual call: fine for probes, too slow for the hot path.
/// </summary>
public interface IReceiveAny
{
    /// <summary>Handles one message of any type.</summary>
    void Receive<TMessage>(TMessage message);
}
