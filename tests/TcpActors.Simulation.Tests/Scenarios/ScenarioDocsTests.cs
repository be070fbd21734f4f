using System.Reflection;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Tests.Scenarios;

public class ScenarioDocsTests
{
    private static readonly string Docs = File.ReadAllText(Path.Combine(ScenarioCatalogTests.RepositoryRoot(), "docs", "scenarios.md"));

    public static TheoryData<string> EveryKey()
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var field in typeof(ScenarioKeys).GetFields(BindingFlags.Public | BindingFlags.Static))
            foreach (var key in (string[])field.GetValue(null)!) keys.Add(key);
        return new TheoryData<string>(keys);
    }

    [Theory]
    [MemberData(nameof(EveryKey))]
    public void Every_key_the_loader_accepts_is_documented(string key) =>
        Assert.True(Docs.Contains($"`{key}`", StringComparison.Ordinal) || Docs.Contains($"`{key}:", StringComparison.Ordinal)
                    || Docs.Contains($".{key}`", StringComparison.Ordinal) || Docs.Contains($"{key}: ", StringComparison.Ordinal),
            $"docs/scenarios.md does not mention `{key}`");

    [Theory]
    [MemberData(nameof(ScenarioCatalogTests.BuiltIn), MemberType = typeof(ScenarioCatalogTests))]
    public void Every_built_in_scenario_is_documented(string name) =>
        Assert.Contains($"| `{name}` |", Docs);
}
