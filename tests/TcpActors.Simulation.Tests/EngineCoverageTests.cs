using System.Reflection;
using TcpActors.Simulation.Engine;
using TcpActors.Simulation.Swarm;
using TcpActors.Simulation.Tests.Engine;
using TcpActors.Simulation.Tests.Scenarios;
using Xunit.Sdk;

namespace TcpActors.Simulation.Tests;

/// <summary>
/// Keeps every simulation these tests run on the engine parameter (<see cref="Engines"/>), so that
/// an engine added there runs them all: a scan of this project's sources for the ways to run a
/// simulation around it, and a check that every engine-parameterized test has the same cases on
/// every engine.
/// </summary>
public class EngineCoverageTests
{
    /// <summary>A way to run a simulation other than <see cref="Runs.Run"/>, and where it is allowed.</summary>
    /// <param name="Allowed">File (relative to the project, '/' separated) → the number of lines that may use it there; null for any number.</param>
    private sealed record Bypass(string Needle, string Why, IReadOnlyDictionary<string, int?> Allowed);

    // The needles are built from nameof, so that this file does not contain them.
    private static readonly Bypass[] s_bypasses =
    [
        new(nameof(SimulationRunner) + "." + nameof(SimulationRunner.Run) + "(",
            "runs on the default engine only: use Runs.Run(scenario, engine, …) in a test taking the engine from Engines",
            new Dictionary<string, int?> { ["Engine/Runs.cs"] = 1 }),
        new(nameof(Engines) + "." + nameof(Engines.Get) + "(",
            "picks an engine around the engine parameter: use Runs.Run(scenario, engine, …)",
            new Dictionary<string, int?> { ["Engine/Runs.cs"] = 1 }),
        new(nameof(SimEngine) + "." + nameof(SimEngine.Instance),
            "the simulation engine itself: a test names engines through Engines",
            new Dictionary<string, int?> { ["Engines.cs"] = 2 }),
        new(nameof(Engines) + "." + nameof(Engines.Sim),
            "a simulation-engine-only run: allowed only where a comment says why",
            new Dictionary<string, int?>
            {
                // The reference run that every engine's digest is compared with.
                ["Engine/DeterminismTests.cs"] = 1,
                // In_real_time_every_shard_gets_its_own_thread…: SimEngine's thread-per-shard pacing.
                ["Engine/RealTimeTests.cs"] = 1,
            }),
        new("\"" + Engines.Sim + "\"",
            "an engine named in a literal: take it from Engines (Engines.Sim for a simulation-engine-only run)",
            new Dictionary<string, int?>()),
        new(nameof(SwarmRunner) + "." + nameof(SwarmRunner.Run),
            "a swarm runs its seeds on the default engine only",
            new Dictionary<string, int?>
            {
                // SwarmRunner (src/) has no engine option yet; its tests stay on the simulation
                // engine until it has one (and are another session's to change meanwhile).
                ["Swarm/SwarmRunnerTests.cs"] = null,
            }),
    ];

    private static string ProjectDirectory() =>
        Path.Combine(ScenarioCatalogTests.RepositoryRoot(), "tests", "TcpActors.Simulation.Tests");

    /// <summary>Every .cs file of this project (not bin/ or obj/), by its '/'-separated path relative to the project.</summary>
    private static Dictionary<string, string[]> Sources()
    {
        string root = ProjectDirectory();
        var sources = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal)) continue;
            // This file names every needle (in nameof) and tests Engines itself; it runs no simulation.
            if (relative == "EngineCoverageTests.cs") continue;
            sources[relative] = File.ReadAllLines(file);
        }
        return sources;
    }

    [Fact]
    public void No_test_runs_a_simulation_around_the_engine_parameter()
    {
        var sources = Sources();
        // Not a vacuous pass: the scan found this project's files.
        Assert.Contains("Engine/Runs.cs", sources.Keys);
        Assert.Contains("Engines.cs", sources.Keys);

        var problems = new List<string>();
        foreach (Bypass bypass in s_bypasses)
        {
            foreach (var (file, lines) in sources.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var hits = lines.Select((text, i) => (text, line: i + 1)).Where(l => l.text.Contains(bypass.Needle, StringComparison.Ordinal)).ToList();
                if (bypass.Allowed.TryGetValue(file, out int? allowed))
                {
                    // An allowed file uses it exactly as often as listed, so that a new use there is
                    // looked at too, and a stale entry goes.
                    if (allowed is { } count && hits.Count != count)
                        problems.Add($"{file}: {hits.Count} lines use {bypass.Needle}, the allow-list says {count} ({bypass.Why})");
                    continue;
                }
                foreach (var (text, line) in hits)
                    problems.Add($"{file}:{line}: {bypass.Needle} — {bypass.Why}: {text.Trim()}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_engine_parameterized_test_has_the_same_cases_on_every_engine()
    {
        var methods = typeof(EngineCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .ToList();
        var problems = new List<string>();
        int parameterized = 0;
        foreach (MethodInfo method in methods)
        {
            string name = $"{method.DeclaringType!.Name}.{method.Name}";
            ParameterInfo[] parameters = method.GetParameters();
            int at = Array.FindIndex(parameters, p => p.Name == "engine");
            if (at < 0) continue;
            if (at != 0 || parameters[0].ParameterType != typeof(string) || method.GetCustomAttribute<TheoryAttribute>() is null)
            {
                problems.Add($"{name}: the engine is the first parameter, a string, of a [Theory]");
                continue;
            }
            parameterized++;
            // The engine names come from Engines; written in InlineData they would miss an engine added there.
            if (method.GetCustomAttributes<InlineDataAttribute>().Any())
                problems.Add($"{name}: takes its engines from InlineData, not from Engines");
            var rows = method.GetCustomAttributes<DataAttribute>().SelectMany(a => a.GetData(method)).ToList();
            var byEngine = rows.GroupBy(r => (string)r[0])
                .ToDictionary(g => g.Key, g => string.Join("\n", g.Select(r => string.Join(", ", r.Skip(1))).Order(StringComparer.Ordinal)));
            if (!byEngine.Keys.Order(StringComparer.Ordinal).SequenceEqual(Engines.Names.Order(StringComparer.Ordinal)))
            {
                problems.Add($"{name}: runs on [{string.Join(", ", byEngine.Keys)}], not on every engine [{string.Join(", ", Engines.Names)}]");
                continue;
            }
            if (byEngine.Values.Distinct(StringComparer.Ordinal).Count() != 1)
                problems.Add($"{name}: the engines do not have the same cases");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // Not a vacuous pass: the simulation tests are engine-parameterized.
        Assert.True(parameterized >= 50, $"only {parameterized} engine-parameterized tests");
    }

    [Fact]
    public void Every_engine_is_found_by_its_name_and_an_unknown_name_is_refused()
    {
        Assert.NotEmpty(Engines.Names);
        Assert.Equal(Engines.Names.Count, Engines.Names.Distinct(StringComparer.Ordinal).Count());
        foreach (string name in Engines.Names) Assert.Equal(name, Engines.Get(name).Name);
        Assert.Contains(Engines.Sim, Engines.Names);
        Assert.Throws<ArgumentException>(() => Engines.Get("no-such-engine"));
    }
}
