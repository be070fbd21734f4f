namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// The metric names, label names and label matchers a PromQL expression (or a Grafana
/// <c>label_values(…)</c> variable query) refers to. Not a PromQL parser: a scanner that knows
/// where PromQL puts names — a bare identifier is a metric unless a <c>(</c> follows (a function),
/// a grouping follows (an aggregation) or it is a keyword; inside <c>{…}</c> and after <c>by</c>/<c>without</c>/<c>on</c>/<c>ignoring</c>
/// it is a label; <c>[…]</c> holds a range.
/// </summary>
internal sealed class PromQlNames
{
    private static readonly HashSet<string> s_keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan",
    };

    private static readonly HashSet<string> s_groupings = new(StringComparer.Ordinal) { "by", "without", "on", "ignoring", "group_left", "group_right" };

    /// <summary>Metric names in the order they appear.</summary>
    public List<string> Metrics { get; } = [];

    /// <summary>Label names, from matchers and groupings.</summary>
    public List<string> Labels { get; } = [];

    /// <summary>Label matchers as (label, operator, value), e.g. (tcp_state, =~, time_wait|close_wait).</summary>
    public List<(string Label, string Op, string Value)> Matchers { get; } = [];

    /// <summary>Scans <paramref name="expression"/>.</summary>
    public static PromQlNames Of(string expression)
    {
        var names = new PromQlNames();
        string text = expression.Trim();
        // Grafana's label_values(METRIC-SELECTOR, LABEL) and label_values(LABEL).
        if (text.StartsWith("label_values(", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            string inner = text["label_values(".Length..^1];
            int comma = inner.LastIndexOf(',');
            if (comma < 0) { names.Labels.Add(inner.Trim()); return names; }
            names.Scan(inner[..comma]);
            names.Labels.Add(inner[(comma + 1)..].Trim());
            return names;
        }
        names.Scan(text);
        return names;
    }

    private void Scan(string text)
    {
        int i = 0;
        bool grouping = false; // inside by (…) and friends
        while (i < text.Length)
        {
            char c = text[i];
            if (c is '"' or '\'' or '`') { i = SkipString(text, i); continue; }
            if (c == '[') { i = text.IndexOf(']', i) + 1; continue; }
            if (c == '$') { i++; while (i < text.Length && IsNamePart(text[i])) i++; continue; } // a Grafana variable
            if (c == '{') { i = ScanMatchers(text, i + 1); continue; }
            if (c == ')') { grouping = false; i++; continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_')) i++;
                continue;
            }
            if (IsNameStart(c))
            {
                int start = i;
                while (i < text.Length && IsNamePart(text[i])) i++;
                string word = text[start..i];
                int next = i;
                while (next < text.Length && char.IsWhiteSpace(text[next])) next++;
                bool call = next < text.Length && text[next] == '(';
                // An aggregation with its grouping first: `sum by (le) (…)`.
                bool aggregation = text.AsSpan(next).StartsWith("by", StringComparison.Ordinal) || text.AsSpan(next).StartsWith("without", StringComparison.Ordinal);
                if (grouping) Labels.Add(word);
                else if (s_groupings.Contains(word)) grouping = call;
                else if (call || aggregation || s_keywords.Contains(word.ToLowerInvariant())) { }
                else Metrics.Add(word);
                if (grouping && call) i = next + 1;
                continue;
            }
            i++;
        }
    }

    private int ScanMatchers(string text, int i)
    {
        while (i < text.Length && text[i] != '}')
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ',')) i++;
            if (text[i] == '}') break;
            int start = i;
            while (i < text.Length && IsNamePart(text[i])) i++;
            string label = text[start..i];
            while (char.IsWhiteSpace(text[i])) i++;
            int opStart = i;
            while (text[i] is '=' or '!' or '~') i++;
            string op = text[opStart..i];
            while (char.IsWhiteSpace(text[i])) i++;
            int end = SkipString(text, i);
            Labels.Add(label);
            Matchers.Add((label, op, text[(i + 1)..(end - 1)]));
            i = end;
        }
        return i + 1;
    }

    private static int SkipString(string text, int i)
    {
        char quote = text[i];
        int j = i + 1;
        while (j < text.Length && text[j] != quote) j += text[j] == '\\' ? 2 : 1;
        return j + 1;
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';
}
