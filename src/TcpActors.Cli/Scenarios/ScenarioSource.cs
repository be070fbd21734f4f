using TcpActors.Simulation.Scenarios;

namespace TcpActors.Cli.Scenarios;

/// <summary>
/// Where <c>tcpactors run X</c> takes its scenario from: a file when <c>X</c> is a path that exists
/// or looks like one (has a directory part or a <c>.yaml</c>/<c>.yml</c> extension), otherwise a
/// built-in of <see cref="ScenarioCatalog"/>. A missing file is reported as a missing file, never
/// mistaken for an unknown built-in.
/// </summary>
internal static class ScenarioSource
{
    /// <summary>The scenario <c>run</c> plays when it is given none (README's main command).</summary>
    public const string DefaultBuiltIn = "teardown-storm";

    /// <summary>Loads the scenario named by <paramref name="fileOrName"/> (null: the default built-in).</summary>
    public static ScenarioLoadResult Load(string? fileOrName)
    {
        string target = string.IsNullOrWhiteSpace(fileOrName) ? DefaultBuiltIn : fileOrName;
        if (LooksLikeFile(target))
        {
            if (Directory.Exists(target))
                return Failed(target, "is a directory, not a scenario file");
            if (!File.Exists(target))
                return Failed(target, "no such file");
            return ScenarioLoader.LoadFile(target);
        }
        return ScenarioCatalog.Load(target);
    }

    /// <summary>
    /// The one-line error for a name that is neither a file nor a built-in scenario, listing the
    /// built-in ones; null when <paramref name="fileOrName"/> names either. (The catalog's own
    /// error is placed at scenarios/NAME.yaml:1:1, a file the user never had.)
    /// </summary>
    public static string? Unknown(string? fileOrName)
    {
        string target = string.IsNullOrWhiteSpace(fileOrName) ? DefaultBuiltIn : fileOrName;
        if (LooksLikeFile(target) || ScenarioCatalog.Contains(target)) return null;
        return ScenarioCatalog.Load(target).Errors[0].Message;
    }

    /// <summary>True when <paramref name="target"/> names a file rather than a built-in scenario.</summary>
    public static bool LooksLikeFile(string target) =>
        File.Exists(target) || Directory.Exists(target)
        || target.Contains('/') || target.Contains(Path.DirectorySeparatorChar)
        || target.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
        || target.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static ScenarioLoadResult Failed(string path, string problem) =>
        new(null, [new ScenarioError(path, 1, 1, problem)]);
}
