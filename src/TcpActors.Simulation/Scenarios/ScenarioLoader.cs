namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// Loads scenario files (DESIGN.md §6, schema v1). Every problem found is reported with file,
/// line and column, and loading goes on after an error so that one pass lists them all.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Loads the file at <paramref name="path"/>; errors name the path as given.</summary>
    public static ScenarioLoadResult LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ScenarioLoadResult(null, [new ScenarioError(path, 1, 1, "cannot read the file: " + e.Message)]);
        }
        return LoadText(text, path);
    }

    /// <summary>Loads scenario YAML from <paramref name="text"/>; <paramref name="fileName"/> is used in errors.</summary>
    public static ScenarioLoadResult LoadText(string text, string fileName) => new ScenarioReader(fileName).Read(text);
}
