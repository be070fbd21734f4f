using System.Text.Json;
using TcpActors.Simulation.Live;

namespace TcpActors.Cli.Scenarios;

/// <summary>Reads the <c>live_changes</c> of a run's <c>report.json</c> for <c>--live-changes</c>, to replay a run steered from the dashboard.</summary>
internal static class LiveChangesFile
{
    public static bool TryRead(string path, out IReadOnlyList<LiveChange> changes, out string problem)
    {
        changes = [];
        problem = "";
        string file = Directory.Exists(path) ? Path.Combine(path, "report.json") : path;
        if (!File.Exists(file))
        {
            problem = "no such report.json or run directory";
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            if (!document.RootElement.TryGetProperty("live_changes", out JsonElement list))
            {
                problem = "the report has no live_changes";
                return false;
            }
            changes = list.Deserialize<List<LiveChange>>() ?? [];
            for (int i = 1; i < changes.Count; i++)
            {
                if (changes[i].At < changes[i - 1].At)
                {
                    problem = "live_changes are not in order of time";
                    return false;
                }
            }
            return true;
        }
        catch (JsonException e)
        {
            problem = "not a report.json: " + e.Message;
            return false;
        }
    }
}
