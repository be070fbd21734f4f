namespace TcpActors.Simulation.Scenarios;

// The hints after an unknown key or name: the known one it is a typing slip away from, or the
// section where the key belongs.
internal sealed partial class ScenarioReader
{
    private static readonly (string Section, string[] Keys)[] Sections =
    [
        ("tcp", ScenarioKeys.Tcp), ("network", ScenarioKeys.Network), ("workload", ScenarioKeys.Workload),
        ("run", ScenarioKeys.Run), ("the top level", ScenarioKeys.Root), ("tcp.keepalive", ScenarioKeys.Keepalive),
    ];

    /// <summary>"; 'time_wait' belongs under tcp" when the key is valid in another main section.</summary>
    private static string Elsewhere(string key, string context)
    {
        foreach (var (section, keys) in Sections)
        {
            if (section != context && Array.IndexOf(keys, key) >= 0) return $"; '{key}' belongs under {section}";
        }
        return "";
    }

    /// <summary>"; did you mean 'x'?" when a known key is close to the unknown one, else "".</summary>
    internal static string Suggest(string given, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            int distance = EditDistance(given.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        int allowed = Math.Max(1, Math.Min(3, given.Length / 3));
        return best is not null && bestDistance <= allowed ? $"; did you mean '{best}'?" : "";
    }

    /// <summary>Optimal string alignment distance: Levenshtein plus adjacent swaps ("choas" → "chaos" is 1).</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
