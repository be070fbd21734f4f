namespace TcpActors.Runtime;

/// <summary>
/// Report of one exception thrown inside an actor, raised through <see cref="ActorSystem.ActorFailed"/>
/// so the host can log it (the runtime itself has no logging dependency).
/// </summary>
/// <param name="Actor">The actor that threw.</param>
/// <param name="Exception">What it threw.</param>
/// <param name="Directive">What supervision did about it.</param>
/// <param name="At">Virtual time of the failure.</param>
/// <param name="MessageType">Type of the message being handled, or null when it failed in
/// <see cref="Actor.PreStart"/> or <see cref="Actor.PostStop"/>.</param>
public readonly record struct ActorFailure(ActorRef Actor, Exception Exception, Directive Directive, TimeSpan At, Type? MessageType);
