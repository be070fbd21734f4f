namespace TcpActors.Runtime;

/// <summary>
/// How to create an actor (Akka.NET's <c>Props</c>): a factory, so supervision can restart it
/// with a fresh instance, and optionally its own <see cref="SupervisorStrategy"/>. Spawning from
/// Props keeps one dictionary entry per actor; the millions of simulated endpoints should be
/// spawned from instances instead.
/// </summary>
public sealed class Props
{
    private Props(Func<Actor> factory, SupervisorStrategy? strategy)
    {
        Factory = factory;
        SupervisorStrategy = strategy;
    }

    /// <summary>Creates a fresh actor instance.</summary>
    public Func<Actor> Factory { get; }

    /// <summary>The strategy for this actor, or null for the system's.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    /// <summary>Props from a factory.</summary>
    public static Props Create(Func<Actor> factory) =>
        new(factory ?? throw new ArgumentNullException(nameof(factory)), null);

    /// <summary>The same props with their own supervisor strategy.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => new(Factory, strategy);
}
