using System.CommandLine;
using System.Globalization;
using TcpActors.Observability.Ladder;

namespace TcpActors.Cli.Commands;

/// <summary>
/// <c>tcpactors trace [RUN-DIR | TRACE-FILE] [--couple N]</c>: prints the ladder diagram of one
/// traced couple in the terminal — the same picture as report.html's, one line per trace event
/// (<see cref="LadderText"/>). Without a path it reads the newest run directory under <c>out/</c>
/// that holds a trace. Exit 0, or 2 when there is no trace, the couple is not in it, or a line
/// is not a trace event.
/// </summary>
internal static class TraceCommand
{
    /// <summary>Files of a run directory that are never the trace.</summary>
    private static readonly string[] s_notTraces = ["report.json", "timeseries.csv", "report.html"];

    public static Command Create()
    {
        var path = new Argument<string?>("RUN-DIR-OR-TRACE-FILE")
        {
            Description = "A run directory written with --trace, or the JSON-lines trace file itself; default the newest run under out/ with a trace",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var couple = new Option<int>("--couple", "-c")
        {
            Description = "The couple to draw (0 is the first traced couple)",
            HelpName = "N",
            DefaultValueFactory = _ => 0,
            CustomParser = r =>
            {
                string text = r.Tokens[0].Value;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n)) return n;
                r.AddError($"--couple must be a whole number from 0; got '{text}'");
                return 0;
            },
        };
        var command = new Command("trace",
            "Print the ladder diagram of a traced couple (client | server, arrows with flags/seq/ack, states on each side) " +
            "from a run's JSON-lines trace (tcpactors run --trace FILE)");
        command.Arguments.Add(path);
        command.Options.Add(couple);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            int n = parse.GetValue(couple);
            if (!TryFindTrace(parse.GetValue(path), out string file, out string problem))
            {
                error.WriteLine($"tcpactors: {problem}");
                return ExitCode.BadInput;
            }
            CoupleLadder ladder;
            IReadOnlyList<int> couples;
            try
            {
                (ladder, couples) = TraceFileReader.Read(file, n);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"tcpactors: {e.Message}");
                return ExitCode.BadInput;
            }
            if (ladder.Events.Count == 0)
            {
                error.WriteLine(couples.Count == 0
                    ? $"tcpactors: {file}: the trace holds no events"
                    : $"tcpactors: {file}: couple {n} is not in the trace; it holds couples {Ranges(couples)}");
                return ExitCode.BadInput;
            }
            output.WriteLine($"trace: {file}");
            output.Write(LadderText.Render(ladder));
            return ExitCode.Success;
        });
        return command;
    }

    private static bool TryFindTrace(string? given, out string file, out string problem)
    {
        file = "";
        problem = "";
        if (given is null)
        {
            // The newest run first: default run directories are named <scenario>-<yyyyMMdd-HHmmss>.
            var runs = Directory.Exists("out") ? new List<DirectoryInfo>(new DirectoryInfo("out").GetDirectories()) : [];
            runs.Sort((a, b) => b.LastWriteTimeUtc.CompareTo(a.LastWriteTimeUtc));
            foreach (var run in runs)
            {
                if (run.Name.StartsWith('.')) continue;
                if (TracesIn(Path.Combine("out", run.Name)) is [var only]) { file = only; return true; }
            }
            problem = "no run directory under out/ holds a trace; give RUN-DIR or TRACE-FILE (a run writes one with --trace FILE)";
            return false;
        }
        if (File.Exists(given)) { file = given; return true; }
        if (!Directory.Exists(given))
        {
            problem = $"{given}: no such file or directory";
            return false;
        }
        var traces = TracesIn(given);
        switch (traces.Count)
        {
            case 1:
                file = traces[0];
                return true;
            case 0:
                problem = $"{given}: no trace in this directory (a run writes one with --trace FILE)";
                return false;
            default:
                problem = $"{given}: several traces ({string.Join(", ", traces)}); name the file";
                return false;
        }
    }

    /// <summary>Files in <paramref name="directory"/> (and below) whose first line is a trace event.</summary>
    private static List<string> TracesIn(string directory)
    {
        var found = new List<string>();
        foreach (string f in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(f);
            if (name.StartsWith('.') || Array.IndexOf(s_notTraces, name) >= 0) continue;
            try
            {
                using var reader = new StreamReader(f);
                var start = new char[5];
                if (reader.ReadBlock(start) == 5 && new string(start) == "{\"t\":") found.Add(f);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Unreadable files are not the trace.
            }
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>0-9, 12, 15-16.</summary>
    private static string Ranges(IReadOnlyList<int> sorted)
    {
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}
