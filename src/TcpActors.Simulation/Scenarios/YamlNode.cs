namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// A node of a YAML document with the position where it starts. The loader builds its own small
/// tree from YamlDotNet's parser events, rather than YamlDotNet's representation model, so that
/// duplicate keys become positioned errors instead of exceptions.
/// </summary>
internal abstract class YamlNode(int line, int column)
{
    /// <summary>1-based line of the node's first character.</summary>
    public int Line { get; } = line;
    /// <summary>1-based column of the node's first character.</summary>
    public int Column { get; } = column;

    /// <summary>How error messages name this kind of node.</summary>
    public abstract string KindName { get; }
}

/// <summary>A scalar: its text and whether it was quoted (a quoted scalar is always a string).</summary>
internal sealed class YamlScalar(int line, int column, string value, bool quoted) : YamlNode(line, column)
{
    public string Value { get; } = value;
    public bool Quoted { get; } = quoted;

    /// <summary>An empty plain scalar or <c>~</c>/<c>null</c>: YAML's null.</summary>
    public bool IsNull => !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string KindName => IsNull ? "nothing" : $"'{Value}'";
}

/// <summary>A sequence, <c>[a, b]</c> or a block list.</summary>
internal sealed class YamlSequence(int line, int column, List<YamlNode> items) : YamlNode(line, column)
{
    public List<YamlNode> Items { get; } = items;
    public override string KindName => "a list";
}

/// <summary>A mapping, with its entries in file order (duplicates already reported and skipped).</summary>
internal sealed class YamlMapping(int line, int column, List<KeyValuePair<YamlScalar, YamlNode>> entries) : YamlNode(line, column)
{
    public List<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = entries;
    public override string KindName => "a mapping";
}
