using System.Reflection;

namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// The built-in scenarios: the files of the repository's <c>scenarios/</c> folder, embedded in
/// this assembly so that a built-in name (<c>teardown-storm</c>) works from any directory.
/// </summary>
public static class ScenarioCatalog
{
    private const string Prefix = "TcpActors.Scenarios.";
    private const string Suffix = ".yaml";

    /// <summary>Names of the built-in scenarios, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        .. typeof(ScenarioCatalog).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(Suffix, StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^Suffix.Length])
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>True when <paramref name="name"/> is a built-in scenario.</summary>
    public static bool Contains(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The YAML text of a built-in scenario, or null when there is none by that name.</summary>
    public static string? TryGetText(string name)
    {
        using var stream = typeof(ScenarioCatalog).Assembly.GetManifestResourceStream(Prefix + name + Suffix);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Loads a built-in scenario; errors name it <c>scenarios/NAME.yaml</c>. An unknown name is an
    /// error that lists the known ones.
    /// </summary>
    public static ScenarioLoadResult Load(string name)
    {
        string file = $"scenarios/{name}{Suffix}";
        if (TryGetText(name) is not { } text)
        {
            return new ScenarioLoadResult(null,
                [new ScenarioError(file, 1, 1, $"no built-in scenario '{name}'{ScenarioReader.Suggest(name, Names)} (built-in: {string.Join(", ", Names)})")]);
        }
        return ScenarioLoader.LoadText(text, file);
    }
}
