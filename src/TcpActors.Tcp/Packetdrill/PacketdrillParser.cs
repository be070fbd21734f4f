using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TcpActors.Tcp.Headers;

namespace TcpActors.Tcp.Packetdrill;

/// <summary>
/// Reads packetdrill's script language (google/packetdrill, parser.y) as far as the model goes:
/// command-line options, times (absolute, relative, ranges, blocking ends), segments, system calls
/// and shell lines. Anything else becomes an <see cref="UnsupportedEvent"/> naming what it is, so a
/// script that uses it ends "unsupported" at that line rather than passing by accident.
/// </summary>
public static partial class PacketdrillParser
{
    [GeneratedRegex(@"^(?<start>\*|[+-]?\d*\.?\d+)(?:~(?<end>\+?\d*\.?\d+))?(?:\.\.\.(?<block>\+?\d*\.?\d+))?\s+(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex TimedLine();

    [GeneratedRegex(@"^//\s*profiles?:\s*(?<names>[A-Za-z0-9_, ]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex ProfileComment();

    [GeneratedRegex(@"^(?<seq>\d+):(?<end>\d+)\((?<len>\d+)\)$")]
    private static partial Regex SeqRange();

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?<args>.*)\)\s*=\s*(?<result>-?(?:0x[0-9A-Fa-f]+|\d+))\s*(?<errno>E[A-Z0-9]+)?\s*(?:\(.*\))?\s*$", RegexOptions.Singleline)]
    private static partial Regex Syscall();

    /// <summary>Parses a script file.</summary>
    public static PacketdrillScript ParseFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses script text; <paramref name="path"/> only names it in results.</summary>
    public static PacketdrillScript Parse(string text, string path = "<script>")
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var events = new List<ScriptEvent>();
        var profiles = new List<string>();
        string[] lines = StripBlockComments(text).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            string raw = lines[i].Trim();
            if (profiles.Count == 0 && ProfileComment().Match(raw) is { Success: true } pm)
            {
                profiles.AddRange(pm.Groups["names"].Value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries));
            }
            string line = StripLineComment(raw).Trim();
            if (line.Length == 0) continue;

            if (line.StartsWith("--", StringComparison.Ordinal))
            {
                string option = line[2..];
                int eq = option.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0) options[option.Trim()] = "";
                else options[option[..eq].Trim()] = option[(eq + 1)..].Trim();
                continue;
            }
            if (line.StartsWith("%{", StringComparison.Ordinal))
            {
                // An embedded python block: skip to its end, the runner cannot run it.
                events.Add(new UnsupportedEvent(lineNo, Relative0, line, "python block %{ }%"));
                while (i < lines.Length && !lines[i].Contains("}%", StringComparison.Ordinal)) i++;
                continue;
            }
            // A statement may span lines (a struct argument): join until brackets balance.
            var statement = new StringBuilder(line);
            while (Unbalanced(statement) && i + 1 < lines.Length)
            {
                statement.Append(' ').Append(StripLineComment(lines[++i]).Trim());
            }
            // A shell command may span lines between its backticks; each line is one command.
            while (statement.ToString().Count(c => c == '`') % 2 == 1 && i + 1 < lines.Length)
            {
                statement.Append('\n').Append(lines[++i].Trim());
            }
            events.Add(ParseStatement(lineNo, statement.ToString()));
        }
        return new PacketdrillScript { Path = path, Options = options, Profiles = profiles, Events = events };
    }

    private static readonly ScriptTime Relative0 = new(ScriptTimeKind.Relative, TimeSpan.Zero, TimeSpan.Zero, null);

    /// <summary>One statement: a time, then a segment, a system call or a shell command.</summary>
    public static ScriptEvent ParseStatement(int line, string text)
    {
        if (text.StartsWith('`')) return Shell(line, Relative0, text, text);
        var m = TimedLine().Match(text);
        if (!m.Success) return new UnsupportedEvent(line, Relative0, text, $"not understood: '{text}'");

        string start = m.Groups["start"].Value;
        ScriptTime time;
        if (start == "*")
        {
            time = new ScriptTime(ScriptTimeKind.Any, TimeSpan.Zero, TimeSpan.Zero, null);
        }
        else
        {
            bool relative = start.StartsWith('+');
            TimeSpan at = Seconds(start.TrimStart('+'));
            TimeSpan? block = m.Groups["block"].Success ? Seconds(m.Groups["block"].Value.TrimStart('+')) : null;
            if (m.Groups["end"].Success)
            {
                TimeSpan end = Seconds(m.Groups["end"].Value.TrimStart('+'));
                time = new ScriptTime(relative ? ScriptTimeKind.RelativeRange : ScriptTimeKind.AbsoluteRange, at, end, block);
            }
            else
            {
                time = new ScriptTime(relative ? ScriptTimeKind.Relative : ScriptTimeKind.Absolute, at, at, block);
            }
        }

        string rest = m.Groups["rest"].Value.Trim();
        if (rest.StartsWith('`')) return Shell(line, time, text, rest);
        if (rest.Contains('`', StringComparison.Ordinal)) return new UnsupportedEvent(line, time, text, $"not understood: '{rest}'");
        if (rest.StartsWith('<') || rest.StartsWith('>')) return ParsePacket(line, time, text, rest);
        if (rest.StartsWith("%{", StringComparison.Ordinal)) return new UnsupportedEvent(line, time, text, "python block %{ }%");
        var call = Syscall().Match(rest);
        if (call.Success)
        {
            string r = call.Groups["result"].Value;
            bool negative = r.StartsWith('-');
            string digits = negative ? r[1..] : r;
            long result = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? long.Parse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
                : long.Parse(digits, CultureInfo.InvariantCulture);
            if (negative) result = -result;
            return new SyscallEvent(line, time, text, call.Groups["name"].Value, SplitArguments(call.Groups["args"].Value), result,
                call.Groups["errno"].Success ? call.Groups["errno"].Value : null);
        }
        return new UnsupportedEvent(line, time, text, $"not understood: '{rest}'");
    }

    private static ShellEvent Shell(int line, ScriptTime time, string text, string quoted)
    {
        string command = quoted.Trim().Trim('`').Trim();
        return new ShellEvent(line, time, text, command);
    }

    /// <summary><c>&lt; S. 0:0(0) ack 1 win 5792 &lt;mss 1460,nop,wscale 2&gt;</c>.</summary>
    public static ScriptEvent ParsePacket(int line, ScriptTime time, string text, string rest)
    {
        var direction = rest[0] == '<' ? PacketDirection.Inbound : PacketDirection.Outbound;
        string body = rest[1..].Trim();
        // Options go last, between angle brackets.
        IReadOnlyList<TcpOption>? options = null;
        bool anyOptions = false;
        int open = body.IndexOf('<', StringComparison.Ordinal);
        if (open >= 0)
        {
            int close = body.LastIndexOf('>');
            if (close < open) return new UnsupportedEvent(line, time, text, "unterminated option list");
            string list = body[(open + 1)..close].Trim();
            if (body[(close + 1)..].Trim().Length > 0) return new UnsupportedEvent(line, time, text, $"not understood after options: '{body[(close + 1)..].Trim()}'");
            body = body[..open].Trim();
            if (list == "...") anyOptions = true;
            else
            {
                var parsed = ParseOptions(list, out string? problem);
                if (problem is not null) return new UnsupportedEvent(line, time, text, problem);
                options = parsed;
            }
        }
        string[] tokens = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length < 2) return new UnsupportedEvent(line, time, text, $"not understood: '{rest}'");
        if (tokens[0].StartsWith('[')) return new UnsupportedEvent(line, time, text, "IP-level fields (ECN, TOS…)");
        TcpFlags flags = TcpFlags.None;
        foreach (char c in tokens[0])
        {
            switch (c)
            {
                case 'S': flags |= TcpFlags.Syn; break;
                case 'F': flags |= TcpFlags.Fin; break;
                case 'R': flags |= TcpFlags.Rst; break;
                case 'P': flags |= TcpFlags.Psh; break;
                case '.': flags |= TcpFlags.Ack; break;
                case 'E': case 'W': return new UnsupportedEvent(line, time, text, "ECN flags (ECE/CWR)");
                case 'U': return new UnsupportedEvent(line, time, text, "urgent data (URG)");
                default: return new UnsupportedEvent(line, time, text, $"not understood: flags '{tokens[0]}'");
            }
        }
        var range = SeqRange().Match(tokens[1]);
        if (!range.Success) return new UnsupportedEvent(line, time, text, $"not understood: sequence range '{tokens[1]}'");
        uint seq = uint.Parse(range.Groups["seq"].Value, CultureInfo.InvariantCulture);
        uint end = uint.Parse(range.Groups["end"].Value, CultureInfo.InvariantCulture);
        int length = int.Parse(range.Groups["len"].Value, CultureInfo.InvariantCulture);
        if (unchecked(end - seq) != (uint)length) return new UnsupportedEvent(line, time, text, $"sequence range {seq}:{end} does not hold {length} bytes");
        uint? ack = null;
        int? window = null;
        for (int t = 2; t < tokens.Length; t++)
        {
            string key = tokens[t];
            if (t + 1 >= tokens.Length) return new UnsupportedEvent(line, time, text, $"not understood: '{key}' without a value");
            string value = tokens[++t];
            switch (key)
            {
                case "ack":
                    if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint a)) return new UnsupportedEvent(line, time, text, $"bad ack '{value}'");
                    ack = a;
                    break;
                case "win":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int w) || w > 65535) return new UnsupportedEvent(line, time, text, $"bad window '{value}'");
                    window = w;
                    break;
                case "urg":
                    return new UnsupportedEvent(line, time, text, "urgent pointer");
                default:
                    return new UnsupportedEvent(line, time, text, $"not understood: '{key}'");
            }
        }
        return new PacketEvent(line, time, text, direction, flags, seq, end, length, ack, window, options, anyOptions);
    }

    /// <summary><c>mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7</c>.</summary>
    public static List<TcpOption>? ParseOptions(string list, out string? problem)
    {
        var options = new List<TcpOption>();
        problem = null;
        foreach (string item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] w = item.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (w[0])
            {
                case "nop": options.Add(new(TcpOptionKind.Nop)); break;
                case "eol": options.Add(new(TcpOptionKind.Eol)); break;
                case "sackOK": options.Add(new(TcpOptionKind.SackPermitted)); break;
                case "mss" when w.Length == 2 && uint.TryParse(w[1], CultureInfo.InvariantCulture, out uint mss):
                    options.Add(new(TcpOptionKind.Mss, mss)); break;
                case "wscale" when w.Length == 2 && uint.TryParse(w[1], CultureInfo.InvariantCulture, out uint shift):
                    options.Add(new(TcpOptionKind.WindowScale, shift)); break;
                case "TS" when w.Length == 5 && w[1] == "val" && w[3] == "ecr"
                    && uint.TryParse(w[2], CultureInfo.InvariantCulture, out uint val) && uint.TryParse(w[4], CultureInfo.InvariantCulture, out uint ecr):
                    options.Add(new(TcpOptionKind.Timestamp, val, ecr)); break;
                case "sack":
                    problem = "SACK blocks (the model has no SACK)"; return null;
                case "FO": case "FOEXP":
                    problem = "TCP Fast Open option"; return null;
                case "md5":
                    problem = "TCP MD5 signature option"; return null;
                default:
                    problem = $"TCP option '{item}' (not one the model's kernels write)"; return null;
            }
        }
        return options;
    }

    /// <summary>Splits <c>3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8</c> at commas outside brackets.</summary>
    public static List<string> SplitArguments(string args)
    {
        var result = new List<string>();
        int depth = 0, from = 0;
        bool quoted = false;
        for (int i = 0; i < args.Length; i++)
        {
            char c = args[i];
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') depth--;
            else if (c == ',' && depth == 0)
            {
                result.Add(args[from..i].Trim());
                from = i + 1;
            }
        }
        if (args.Trim().Length > 0) result.Add(args[from..].Trim());
        return result;
    }

    /// <summary>Seconds as packetdrill writes them (<c>.1</c>, <c>0.100</c>, <c>2</c>), to the microsecond.</summary>
    public static TimeSpan Seconds(string text) =>
        TimeSpan.FromTicks((long)Math.Round(decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));

    private static bool Unbalanced(StringBuilder s)
    {
        int depth = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] is '(' or '[' or '{') depth++;
            else if (s[i] is ')' or ']' or '}') depth--;
        }
        return depth > 0;
    }

    private static string StripLineComment(string line)
    {
        int at = line.IndexOf("//", StringComparison.Ordinal);
        return at >= 0 ? line[..at] : line;
    }

    /// <summary>Removes <c>/* … */</c> comments, keeping their newlines so line numbers stay true.</summary>
    private static string StripBlockComments(string text)
    {
        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                int stop = end < 0 ? text.Length : end + 2;
                for (int j = i; j < stop; j++) if (text[j] == '\n') result.Append('\n');
                i = stop - 1;
                continue;
            }
            result.Append(text[i]);
        }
        return result.ToString();
    }
}
