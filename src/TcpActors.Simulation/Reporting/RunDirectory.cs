using System.Globalization;
using System.Text;
using System.Text.Json;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Reporting;

/// <summary>
/// The run directory (DESIGN.md §7): <c>report.json</c> and <c>timeseries.csv</c>, each written
/// atomically — to a temporary file in the same directory, then renamed over the target — so a
/// reader (or a Ctrl+C) never sees half a file. <see cref="Read"/> loads a directory back for
/// <c>tcpactors merge</c>.
/// </summary>
public static class RunDirectory
{
    /// <summary>File name of the report.</summary>
    public const string ReportFile = "report.json";

    /// <summary>File name of the per-state time series.</summary>
    public const string TimeSeriesFile = "timeseries.csv";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>Writes <c>report.json</c> and <c>timeseries.csv</c> into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(RunReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        WriteAtomically(Path.Combine(directory, ReportFile), ToJson(report));
        WriteAtomically(Path.Combine(directory, TimeSeriesFile), ToCsv(report.TimeSeries));
    }

    /// <summary>The report as indented JSON (the content of <c>report.json</c>).</summary>
    public static string ToJson(RunReport report) => JsonSerializer.Serialize(report, s_json) + "\n";

    /// <summary>The time series as CSV: <c>t_seconds,closed,listen,…,time_wait</c>, one row per sample.</summary>
    public static string ToCsv(TimeSeries series)
    {
        var csv = new StringBuilder(64 + series.Rows * 48);
        csv.Append("t_seconds");
        foreach (TcpState state in TcpStateNames.All) csv.Append(',').Append(state.ToMetricName());
        csv.Append('\n');
        for (int row = 0; row < series.Rows; row++)
        {
            csv.Append((series.TimeAt(row).Ticks / (double)TimeSpan.TicksPerSecond).ToString("0.0######", CultureInfo.InvariantCulture));
            foreach (TcpState state in TcpStateNames.All) csv.Append(',').Append(series.Count(row, state).ToString(CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        return csv.ToString();
    }

    /// <summary>Reads a run directory written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">A file is missing or malformed.</exception>
    public static RunReport Read(string directory)
    {
        string reportPath = Path.Combine(directory, ReportFile);
        string csvPath = Path.Combine(directory, TimeSeriesFile);
        RunReport report;
        try
        {
            report = JsonSerializer.Deserialize<RunReport>(File.ReadAllText(reportPath), s_json)
                ?? throw new InvalidDataException($"{reportPath}: empty report");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{reportPath}: {e.Message}", e);
        }
        return report with { TimeSeries = ReadCsv(csvPath) };
    }

    private static TimeSeries ReadCsv(string path)
    {
        var series = new TimeSeries();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        Span<long> counts = stackalloc long[TcpStateNames.Count];
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            string[] cells = lines[i].Split(',');
            if (cells.Length != TcpStateNames.Count + 1) throw new InvalidDataException($"{path}:{i + 1}: expected {TcpStateNames.Count + 1} columns");
            decimal seconds = decimal.Parse(cells[0], CultureInfo.InvariantCulture);
            for (int s = 0; s < TcpStateNames.Count; s++) counts[s] = long.Parse(cells[s + 1], CultureInfo.InvariantCulture);
            series.Add(TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond)), counts);
        }
        return series;
    }

    private static void WriteAtomically(string path, string content)
    {
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + "." + Environment.ProcessId + ".tmp");
        File.WriteAllText(temp, content, new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }
}
