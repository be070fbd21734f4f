namespace TcpActors.Runtime.TestKit;

/// <summary>A message a <see cref="TestProbe"/> received, with its sender and virtual arrival time.</summary>
/// <param name="Message">The message (boxed: probes are for tests, not the hot path).</param>
/// <param name="Sender">Who sent it.</param>
/// <param name="At">Virtual time of arrival.</param>
public readonly record struct ReceivedMessage(object? Message, ActorRef Sender, TimeSpan At);
