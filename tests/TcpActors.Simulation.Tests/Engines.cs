using TcpActors.Simulation.Engine;

namespace TcpActors.Simulation.Tests;

/// <summary>
/// The engines the tests run against (issue #21, "One model, two engines"): every test that runs
/// a simulation takes the engine's <em>name</em> as its first parameter, from <see cref="All"/> or
/// <see cref="Cross{T}"/>, and runs through <see cref="Engine.Runs.Run"/> (a source scan,
/// <c>EngineCoverageTests</c>, keeps it so). Names rather than engines keep each test case
/// serializable, so every engine's run is its own case, shown by name in the test list.
/// <para>
/// Today only the simulation engine exists. The Akka.NET engine (issue #14, in
/// <c>TcpActors.Akka</c>: this project then references it) joins <see cref="s_engines"/> when it
/// exists, and from then on every engine-parameterized test runs on it too: an engine added
/// there runs them all. A test that checks a behaviour only the simulation engine has says so in
/// a comment and runs on <see cref="Sim"/> alone.
/// </para>
/// </summary>
public static class Engines
{
    /// <summary>Every engine a test runs against. Add an engine here and every engine-parameterized test runs on it.</summary>
    private static readonly ISimulationEngine[] s_engines = [SimEngine.Instance];

    /// <summary>The simulation engine's name, for the few tests of its own behaviour (each says why in a comment).</summary>
    public static string Sim => SimEngine.Instance.Name;

    /// <summary>The names of every engine, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_engines.Select(e => e.Name)];

    /// <summary>Theory data: one case per engine.</summary>
    public static TheoryData<string> All => new(Names);

    /// <summary>Theory data: every engine with every one of <paramref name="values"/> (xUnit 2 has no combinatorial data of its own).</summary>
    public static TheoryData<string, T> Cross<T>(params T[] values)
    {
        var data = new TheoryData<string, T>();
        foreach (string engine in Names)
        {
            foreach (T value in values) data.Add(engine, value);
        }
        return data;
    }

    /// <summary>The engine of that name.</summary>
    public static ISimulationEngine Get(string name) =>
        s_engines.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"no engine named '{name}' (engines: {string.Join(", ", Names)})", nameof(name));
}
