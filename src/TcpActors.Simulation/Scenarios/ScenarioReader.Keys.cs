namespace TcpActors.Simulation.Scenarios;

// A mapping's keys: the ones it may hold (an unknown key is an error with a hint), the ones it
// must hold, and a key given without a value.
internal sealed partial class ScenarioReader
{
    private sealed class FieldSet(YamlMapping map)
    {
        public YamlMapping Map { get; } = map;
        public YamlNode? Get(string key)
        {
            foreach (var e in Map.Entries) if (e.Key.Value == key) return e.Value;
            return null;
        }
        public YamlScalar? KeyNode(string key)
        {
            foreach (var e in Map.Entries) if (e.Key.Value == key) return e.Key;
            return null;
        }
    }

    private FieldSet Fields(YamlMapping map, string context, string[] allowed)
    {
        foreach (var entry in map.Entries)
        {
            string key = entry.Key.Value;
            if (Array.IndexOf(allowed, key) >= 0) continue;
            string hint = Suggest(key, allowed);
            if (hint.Length == 0) hint = Elsewhere(key, context);
            Error(entry.Key, $"unknown key '{key}' in {context}{hint} (expected one of: {string.Join(", ", allowed)})");
        }
        return new FieldSet(map);
    }

    private YamlNode? Required(FieldSet f, string key)
    {
        var node = f.Get(key);
        if (node is null)
        {
            Error(f.Map, $"missing required key '{key}'");
            return null;
        }
        if (node is YamlScalar { IsNull: true })
        {
            Error(node, $"'{key}' needs a value");
            return null;
        }
        return node;
    }
}
