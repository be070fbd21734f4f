using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// Reads one YAML document into <see cref="YamlNode"/>s through YamlDotNet's parser, reporting
/// syntax errors, duplicate keys, non-scalar keys and extra documents with their positions.
/// Anchors and aliases are resolved (an alias shares the anchored node).
/// </summary>
internal sealed class YamlTreeReader
{
    private readonly IParser _parser;
    private readonly Action<int, int, string> _error;
    private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
    private int _lastLine = 1, _lastColumn = 1;
    private bool _mergeKeySeen;

    private YamlTreeReader(IParser parser, Action<int, int, string> error)
    {
        _parser = parser;
        _error = error;
    }

    /// <summary>The document's root, or null when the text holds no document or is not YAML.</summary>
    public static YamlNode? Read(string text, Action<int, int, string> error)
    {
        // YamlDotNet reports a tab in indentation at 1:1, whatever line it is on; find them first.
        if (ReportTabIndentation(text, error)) return null;
        if (ReportControlCharacters(text, error)) return null;
        var reader = new YamlTreeReader(new Parser(new StringReader(text)), error);
        try
        {
            var root = reader.ReadStream();
            // Without its merged keys a mapping would only earn misleading errors of its own
            // ("does nothing", "missing required key"): the merge key's error is the one to read.
            return reader._mergeKeySeen ? null : root;
        }
        catch (YamlException e)
        {
            // Some scanner errors (a tab as indentation) come without a start mark; then the end
            // mark, or failing that the last node read, is where to look.
            var mark = e.Start.Line > 0 ? e.Start : e.End;
            var (line, column) = mark.Line > 0 ? ((int)mark.Line, (int)Math.Max(1, mark.Column)) : (reader._lastLine, reader._lastColumn);
            error(line, column, "YAML syntax error: " + Clean(e.Message));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16's scanner throws this, without a position, on some malformed flow
            // collections; the last node read is the best position there is.
            error(reader._lastLine, reader._lastColumn,
                "YAML syntax error after this point: a '{' or '[' is not closed, or a key is missing its ':'");
            return null;
        }
    }

    private static bool ReportTabIndentation(string text, Action<int, int, string> error)
    {
        bool found = false;
        int line = 1, column = 1;
        bool inIndent = true;
        foreach (char c in text)
        {
            if (c == '\n')
            {
                line++;
                column = 1;
                inIndent = true;
                continue;
            }
            if (inIndent && c == '\t')
            {
                error(line, column, "YAML syntax error: a tab indents this line; YAML indents with spaces only");
                found = true;
                inIndent = false;
            }
            else if (c != ' ') inIndent = false;
            column++;
        }
        return found;
    }

    /// <summary>
    /// YAML allows no control character but tab and line breaks (YAML 1.2 §5.1, c-printable), and
    /// YamlDotNet takes a NUL for the end of the text: everything after it was dropped without a
    /// word (issue 19). Reports the first one of each line, with its position.
    /// </summary>
    private static bool ReportControlCharacters(string text, Action<int, int, string> error)
    {
        bool found = false;
        int line = 1, column = 1;
        bool reportedOnLine = false;
        foreach (char c in text)
        {
            if (c == '\n')
            {
                line++;
                column = 1;
                reportedOnLine = false;
                continue;
            }
            if (char.IsControl(c) && c is not '\t' and not '\r' and not '\u0085' && !reportedOnLine)
            {
                string what = c == '\0' ? "a NUL byte" : $"the control character U+{(int)c:X4}";
                error(line, column, $"{what} is not allowed in a scenario; YAML is text and allows no control characters but tab and line breaks");
                found = true;
                reportedOnLine = true;
            }
            column++;
        }
        return found;
    }

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (...): "; the position
        // is already ours, so keep only the description.
        int cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? message[(cut + 3)..] : message;
    }

    private YamlNode? ReadStream()
    {
        _parser.Consume<StreamStart>();
        if (_parser.TryConsume<StreamEnd>(out _)) return null;
        var start = _parser.Consume<DocumentStart>();
        var root = ReadNode();
        _parser.Consume<DocumentEnd>();
        if (_parser.Accept<DocumentStart>(out var extra))
        {
            _error((int)extra.Start.Line, (int)extra.Start.Column, "a scenario file holds one YAML document; found a second one");
        }
        _ = start;
        return root;
    }

    private YamlNode ReadNode()
    {
        if (_parser.Current is { } current)
        {
            _lastLine = Math.Max(1, (int)current.Start.Line);
            _lastColumn = Math.Max(1, (int)current.Start.Column);
        }
        if (_parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (_anchors.TryGetValue(alias.Value.Value, out var target)) return target;
            _error((int)alias.Start.Line, (int)alias.Start.Column, $"unknown alias '*{alias.Value.Value}'");
            return new YamlScalar((int)alias.Start.Line, (int)alias.Start.Column, "", false);
        }
        if (_parser.TryConsume<Scalar>(out var scalar))
        {
            var node = new YamlScalar((int)scalar.Start.Line, (int)scalar.Start.Column, scalar.Value, scalar.Style is not ScalarStyle.Plain);
            (_lastLine, _lastColumn) = (node.Line, node.Column);
            Remember(scalar.Anchor, node);
            return node;
        }
        if (_parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var items = new List<YamlNode>();
            var node = new YamlSequence((int)seqStart.Start.Line, (int)seqStart.Start.Column, items);
            Remember(seqStart.Anchor, node);
            while (!_parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode());
            return node;
        }
        var mapStart = _parser.Consume<MappingStart>();
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
        var map = new YamlMapping((int)mapStart.Start.Line, (int)mapStart.Start.Column, entries);
        Remember(mapStart.Anchor, map);
        var seen = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode();
            var value = ReadNode();
            if (keyNode is not YamlScalar key)
            {
                _error(keyNode.Line, keyNode.Column, $"a key must be a plain word, not {keyNode.KindName}");
                continue;
            }
            if (key is { Value: "<<", Quoted: false })
            {
                // YAML 1.1's merge key (<<: *base) is not YAML 1.2, and a scenario that half-merged
                // would run something other than what its author read; say so instead of calling
                // '<<' an unknown key.
                _error(key.Line, key.Column, "YAML merge keys ('<<') are not supported in scenarios; write the keys out (an alias '*name' may stand for a whole value)");
                _mergeKeySeen = true;
                continue;
            }
            if (seen.TryGetValue(key.Value, out var first))
            {
                _error(key.Line, key.Column, $"duplicate key '{key.Value}' (first given at line {first.Line})");
                continue;
            }
            seen.Add(key.Value, key);
            entries.Add(new(key, value));
        }
        return map;
    }

    private void Remember(AnchorName anchor, YamlNode node)
    {
        if (!anchor.IsEmpty) _anchors[anchor.Value] = node;
    }
}
