using System.Globalization;
using TcpActors.Simulation.Swarm;

namespace TcpActors.Cli.Swarm;

/// <summary>
/// The swarm's table of outcomes per seed class (profile / workload shape / chaos kind): seeds,
/// failures and the summed outcomes of their couples, plus a total row. Plain text, so it reads the
/// same in a terminal, a CI log and <c>docs/reliability.md</c>.
/// </summary>
internal static class SwarmTable
{
    private static readonly string[] s_headers =
        ["class", "seeds", "failed", "completed", "refused", "timed_out", "reset", "port_exhausted", "aborted", "crashed", "open"];

    public static void Write(TextWriter output, SwarmReport report)
    {
        var rows = new List<string[]>();
        var total = new long[s_headers.Length - 1];
        foreach (SeedClassRow row in report.Classes)
        {
            long[] values =
            [
                row.Seeds, row.Failed, row.Outcomes.Completed, row.Outcomes.Refused, row.Outcomes.TimedOut, row.Outcomes.Reset,
                row.Outcomes.PortExhausted, row.Outcomes.Aborted, row.Outcomes.Crashed, row.Outcomes.Open + row.Outcomes.NotStarted,
            ];
            for (int i = 0; i < values.Length; i++) total[i] += values[i];
            rows.Add([row.Class.ToString(), .. Format(values)]);
        }
        rows.Add(["total", .. Format(total)]);

        var widths = new int[s_headers.Length];
        for (int c = 0; c < widths.Length; c++)
        {
            widths[c] = s_headers[c].Length;
            foreach (var r in rows) widths[c] = Math.Max(widths[c], r[c].Length);
        }
        WriteRow(output, s_headers, widths);
        WriteRow(output, Array.ConvertAll(widths, w => new string('-', w)), widths);
        foreach (var r in rows) WriteRow(output, r, widths);
    }

    private static string[] Format(long[] values) => Array.ConvertAll(values, v => v.ToString("N0", CultureInfo.InvariantCulture));

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var line = new System.Text.StringBuilder();
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0) line.Append("  ");
            line.Append(c == 0 ? cells[c].PadRight(widths[c]) : cells[c].PadLeft(widths[c]));
        }
        output.WriteLine(line.ToString().TrimEnd());
    }
}
