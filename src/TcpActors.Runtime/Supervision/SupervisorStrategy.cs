namespace TcpActors.Runtime;

/// <summary>
/// Decides the <see cref="Directive"/> for an exception thrown by an actor. One strategy is
/// system-wide (<see cref="ActorSystem.SupervisorStrategy"/>); <see cref="Props"/> may override
/// it per actor. Whatever it decides, the failure is counted and reported and the loop goes on.
/// </summary>
public sealed class SupervisorStrategy
{
    private readonly Func<Exception, Directive> _decider;

    /// <summary>Creates a strategy from a decider function.</summary>
    public SupervisorStrategy(Func<Exception, Directive> decider) =>
        _decider = decider ?? throw new ArgumentNullException(nameof(decider));

    /// <summary>Stops a failing actor (the default: a simulated endpoint that threw is broken).</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new(_ => Directive.Stop);

    /// <summary>Restarts a failing actor from its <see cref="Props"/>.</summary>
    public static SupervisorStrategy RestartingStrategy { get; } = new(_ => Directive.Restart);

    /// <summary>Keeps a failing actor as it is.</summary>
    public static SupervisorStrategy ResumingStrategy { get; } = new(_ => Directive.Resume);

    /// <summary>The directive for <paramref name="exception"/>.</summary>
    public Directive Decide(Exception exception) => _decider(exception);
}
