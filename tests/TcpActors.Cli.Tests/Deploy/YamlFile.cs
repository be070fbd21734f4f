using YamlDotNet.RepresentationModel;

namespace TcpActors.Cli.Tests.Deploy;

/// <summary>Reads the deploy stack's YAML files as plain node trees, with lookups that fail the test with the path they missed.</summary>
internal static class YamlFile
{
    /// <summary>The single document of a repository YAML file.</summary>
    public static YamlMappingNode Load(string relative) => Parse(RepositoryFiles.Read(relative), relative);

    /// <summary>The single document of <paramref name="text"/>.</summary>
    public static YamlMappingNode Parse(string text, string name)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var document = Assert.Single(stream.Documents);
        return Assert.IsType<YamlMappingNode>(document.RootNode, exactMatch: false) ?? throw new InvalidOperationException(name);
    }

    /// <summary>Every document of a multi-document YAML text (kubectl kustomize's output).</summary>
    public static List<YamlMappingNode> ParseAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    /// <summary>The node at a path of keys separated by <c>.</c>, or null.</summary>
    public static YamlNode? Find(YamlNode node, string path)
    {
        foreach (string key in path.Split('.'))
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child)) return null;
            node = child;
        }
        return node;
    }

    /// <summary>The mapping at <paramref name="path"/>.</summary>
    public static YamlMappingNode Map(YamlNode node, string path) =>
        Find(node, path) as YamlMappingNode ?? throw new Xunit.Sdk.XunitException($"no mapping at {path}");

    /// <summary>The sequence at <paramref name="path"/>.</summary>
    public static List<YamlNode> Seq(YamlNode node, string path) =>
        (Find(node, path) as YamlSequenceNode)?.Children.ToList() ?? throw new Xunit.Sdk.XunitException($"no sequence at {path}");

    /// <summary>The scalar at <paramref name="path"/>.</summary>
    public static string Str(YamlNode node, string path) =>
        (Find(node, path) as YamlScalarNode)?.Value ?? throw new Xunit.Sdk.XunitException($"no scalar at {path}");

    /// <summary>The scalars of the sequence at <paramref name="path"/>.</summary>
    public static List<string> Strs(YamlNode node, string path) => [.. Seq(node, path).Select(n => ((YamlScalarNode)n).Value!)];

    /// <summary>The keys of the mapping at <paramref name="path"/>.</summary>
    public static List<string> Keys(YamlNode node, string path) => [.. Map(node, path).Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];
}
