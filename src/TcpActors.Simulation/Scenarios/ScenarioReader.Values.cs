using System.Globalization;
using TcpActors.Simulation.Network;

namespace TcpActors.Simulation.Scenarios;

// The values: one node each (its shape, then durations, sizes, rates, probabilities, whole numbers,
// booleans, names from a fixed list, ports, host selectors and the impairments' loss and rate).
// Each reports what it expected at the node and returns a harmless default, so reading goes on
// and one pass finds every error.
internal sealed partial class ScenarioReader
{
    // ---- node shapes ------------------------------------------------------------------------

    private YamlMapping? Map(YamlNode node, string path, string? expected = null)
    {
        if (node is YamlMapping m) return m;
        Error(node, $"{path} must be {expected ?? "a mapping of keys"}; got {node.KindName}");
        return null;
    }

    private YamlSequence? Seq(YamlNode node, string path)
    {
        if (node is YamlSequence s) return s;
        Error(node, $"{path} must be a list; got {node.KindName}");
        return null;
    }

    private string? Scalar(YamlNode node, string path, string expected)
    {
        if (node is YamlScalar { IsNull: false } s) return s.Value;
        Error(node, $"{path} must be {expected}; got {node.KindName}");
        return null;
    }

    private string? String(YamlNode node, string path) => Scalar(node, path, "a string");

    // ---- numbers, units and booleans --------------------------------------------------------

    private TimeSpan Duration(YamlNode node, string path, bool positive = false)
    {
        const string expected = "a duration with a unit, such as 250ms, 1.5s, 60s, 2m or 1h";
        if (Scalar(node, path, expected) is not { } text) return TimeSpan.Zero;
        if (text.TrimStart().StartsWith('-'))
        {
            Error(node, $"{path} must not be negative; got '{text}'");
            return TimeSpan.Zero;
        }
        if (!UnitSyntax.TryParseDuration(text, out var value))
        {
            if (UnitSyntax.IsTooLongDuration(text))
            {
                Error(node, $"{path} is too long: at most {UnitSyntax.MaxDurationText} (about 29,000 years); got '{text}'");
                return TimeSpan.Zero;
            }
            Error(node, double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? $"{path} needs a unit: write '{text}s' or '{text}ms', not '{text}'"
                : $"{path} must be {expected}; got '{text}'");
            return TimeSpan.Zero;
        }
        if (positive && value <= TimeSpan.Zero) Error(node, $"{path} must be longer than zero; got '{text}'");
        return value;
    }

    private TimeSpan? OptionalDuration(YamlNode node, string path) =>
        node is YamlScalar { Quoted: false, Value: "none" } ? null : Duration(node, path, positive: true);

    private long Size(YamlNode node, string path)
    {
        const string expected = "a size such as 100B, 1KB or 2MB";
        if (Scalar(node, path, expected) is not { } text) return 0;
        if (text.TrimStart().StartsWith('-'))
        {
            Error(node, $"{path} must not be negative; got '{text}'");
            return 0;
        }
        if (!UnitSyntax.TryParseSize(text, out long bytes))
        {
            Error(node, $"{path} must be {expected}; got '{text}'");
            return 0;
        }
        return bytes;
    }

    private double EventRate(YamlNode node, string path)
    {
        const string expected = "a rate such as 500/s";
        if (Scalar(node, path, expected) is not { } text) return 0;
        if (!UnitSyntax.TryParseRate(text, allowBytes: false, out double rate, out _))
        {
            Error(node, $"{path} must be {expected}; got '{text}'");
            return 0;
        }
        if (rate <= 0) Error(node, $"{path} must be positive; got '{text}'");
        return rate;
    }

    private double Probability(YamlNode node, string path)
    {
        const string expected = "a probability from 0 to 1, or a percentage such as 1%";
        if (Scalar(node, path, expected) is not { } text) return 0;
        if (!UnitSyntax.TryParseProbability(text, out double p))
        {
            Error(node, $"{path} must be {expected}; got '{text}'");
            return 0;
        }
        if (p is < 0 or > 1)
        {
            Error(node, $"{path} must be a probability from 0 to 1 (or 0% to 100%); got {text}");
            return 0;
        }
        return p;
    }

    private int Int(YamlNode node, string path, int min, int max)
    {
        string expected = max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}";
        if (Scalar(node, path, expected) is not { } text) return min;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            Error(node, $"{path} must be {expected}; got '{text}'");
            return min;
        }
        if (value < min || value > max)
        {
            Error(node, $"{path} must be {expected}; got {text}");
            return min;
        }
        return (int)value;
    }

    private bool Bool(YamlNode node, string path)
    {
        if (Scalar(node, path, "true or false") is not { } text) return false;
        switch (text)
        {
            case "true": return true;
            case "false": return false;
            default:
                Error(node, $"{path} must be true or false; got '{text}'");
                return false;
        }
    }

    // ---- names from a list ------------------------------------------------------------------

    private T Enum<T>(YamlNode node, string path, (string Name, T Value)[] names, T fallback)
    {
        string list = string.Join(" | ", names.Select(n => n.Name));
        if (Scalar(node, path, list) is not { } text) return fallback;
        foreach (var (name, value) in names) if (name == text) return value;
        Error(node, $"{path} must be one of {list}; got '{text}'{Suggest(text, names.Select(n => n.Name))}");
        return fallback;
    }

    internal static readonly (string Name, DirectionSelector Value)[] DirectionNames =
    [
        ("both", DirectionSelector.Both), ("client_to_server", DirectionSelector.ClientToServer),
        ("server_to_client", DirectionSelector.ServerToClient),
    ];

    private DirectionSelector Direction(YamlNode node, string path) => Enum(node, path, DirectionNames, DirectionSelector.Both);

    // ---- hosts and ports --------------------------------------------------------------------

    private PortRange? Ports(YamlNode node, string path)
    {
        if (node is not YamlSequence { Items.Count: 2 } seq)
        {
            Error(node, $"{path} must be [min, max]; got {node.KindName}");
            return null;
        }
        int min = Int(seq.Items[0], path + "[0]", 1, 65535), max = Int(seq.Items[1], path + "[1]", 1, 65535);
        if (min > max)
        {
            Error(seq, $"{path}: min port {min} is above max port {max}");
            return null;
        }
        return new PortRange((ushort)min, (ushort)max);
    }

    private HostSelector Selector(YamlNode node, string path)
    {
        const string expected = "a host selector: clients, servers, server-0 or client-0..4";
        if (Scalar(node, path, expected) is not { } text) return HostSelector.Clients;
        if (!HostSelector.TryParse(text, out var selector))
        {
            Error(node, $"{path} must be {expected}; got '{text}'");
            return HostSelector.Clients;
        }
        _selectors.Add((selector, node, path));
        return selector;
    }

    private HostPair Pair(YamlNode node, string path)
    {
        if (node is not YamlSequence { Items.Count: 2 } seq)
        {
            Error(node, $"{path} must be a list of two host selectors, such as [clients, servers]; got {node.KindName}");
            return HostPair.ClientsAndServers;
        }
        return new HostPair(Selector(seq.Items[0], path + "[0]"), Selector(seq.Items[1], path + "[1]"));
    }

    // ---- impairments ------------------------------------------------------------------------

    internal static readonly (string Name, JitterDistribution Value)[] JitterNames =
    [
        ("uniform", JitterDistribution.Uniform), ("normal", JitterDistribution.Normal),
        ("pareto", JitterDistribution.Pareto), ("paretonormal", JitterDistribution.ParetoNormal),
    ];

    private LossSpec Loss(YamlNode node, string path)
    {
        if (node is YamlScalar) return LossSpec.Bernoulli(Probability(node, path));
        if (Map(node, path, "a probability or a loss model { model: bernoulli | gilbert_elliott, ... }") is not { } map) return LossSpec.None;
        var f = Fields(map, path, ScenarioKeys.Loss);
        var model = Required(f, "model") is { } m ? Enum(m, path + ".model", LossModels, LossKind.Bernoulli) : LossKind.Bernoulli;
        double p = Required(f, "p") is { } pn ? Probability(pn, path + ".p") : 0;
        if (model == LossKind.Bernoulli)
        {
            foreach (var key in (string[])["r", "1-h", "1-k"])
                if (f.KeyNode(key) is { } k) Error(k, $"{path}.{key} belongs to model gilbert_elliott, not bernoulli");
            double corr = f.Get("correlation") is { } c ? Probability(c, path + ".correlation") : 0;
            return p == 0 && corr == 0 ? LossSpec.None : new LossSpec { Kind = LossKind.Bernoulli, Probability = p, Correlation = corr };
        }
        if (f.KeyNode("correlation") is { } ck)
            Error(ck, $"{path}.correlation belongs to model bernoulli; gilbert_elliott is correlated through its states");
        // tc-netem(8): when omitted, r = 1 − p, 1−h = 1 (all lost in Bad), 1−k = 0 (none lost in Good).
        double r = f.Get("r") is { } rn ? Probability(rn, path + ".r") : 1 - p;
        double h = f.Get("1-h") is { } hn ? Probability(hn, path + ".1-h") : 1;
        double k1 = f.Get("1-k") is { } kn ? Probability(kn, path + ".1-k") : 0;
        return LossSpec.GilbertElliott(p, r, h, k1);
    }

    private static readonly (string Name, LossKind Value)[] LossModels =
        [("bernoulli", LossKind.Bernoulli), ("gilbert_elliott", LossKind.GilbertElliott)];

    private RateLimit? Rate(YamlNode node, string path)
    {
        YamlNode? limitNode = node;
        int queue = new RateLimit().QueueLimit;
        if (node is YamlMapping map)
        {
            var f = Fields(map, path, ScenarioKeys.Rate);
            limitNode = Required(f, "limit");
            if (f.Get("queue") is { } q) queue = Int(q, path + ".queue", 1, 1 << 24);
        }
        if (limitNode is null) return null;
        const string expected = "a rate such as 1000/s (segments) or 1MB/s (bytes), or { limit: ..., queue: N }";
        if (Scalar(limitNode, path, expected) is not { } text) return null;
        if (!UnitSyntax.TryParseRate(text, allowBytes: true, out double perSecond, out bool bytes))
        {
            Error(limitNode, $"{path} must be {expected}; got '{text}'");
            return null;
        }
        if (perSecond <= 0)
        {
            Error(limitNode, $"{path} must be positive; got '{text}'");
            return null;
        }
        return bytes
            ? new RateLimit { BytesPerSecond = perSecond, QueueLimit = queue }
            : new RateLimit { PacketsPerSecond = perSecond, QueueLimit = queue };
    }
}
