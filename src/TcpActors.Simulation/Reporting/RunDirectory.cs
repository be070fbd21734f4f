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

    /// <summary>File name of a shard's census steps (only for <c>--shard i/N</c> runs; <c>tcpactors merge</c> reads it).</summary>
    public const string CensusStepsFile = "census-steps.bin";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>
    /// Writes <c>report.json</c> and <c>timeseries.csv</c> into <paramref name="directory"/>
    /// (created if needed). With <paramref name="streamed"/>, the CSV was written during the run
    /// (the report holds only a thinned copy of the series) and is completed instead.
    /// </summary>
    public static void Write(RunReport report, string directory, TimeSeriesCsvWriter? streamed = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        WriteAtomically(Path.Combine(directory, ReportFile), ToJson(report));
        if (streamed is not null) streamed.Complete();
        else WriteAtomically(Path.Combine(directory, TimeSeriesFile), ToCsv(report.TimeSeries));
        if (report.CensusSteps is { } steps)
        {
            string path = Path.Combine(directory, CensusStepsFile);
            string temp = path + "." + Environment.ProcessId + ".tmp";
            using (var file = File.Create(temp)) steps.Write(file);
            File.Move(temp, path, overwrite: true);
        }
    }

    /// <summary>The report as indented JSON (the content of <c>report.json</c>).</summary>
    public static string ToJson(RunReport report) => JsonSerializer.Serialize(report, s_json) + "\n";

    /// <summary>
    /// The time series as CSV: <c>t_seconds,closed,listen,…,time_wait</c> (the counts at the
    /// sample), then <c>closed_min,closed_max,…,time_wait_min,time_wait_max</c> (each state's exact
    /// fewest and most endpoints within the interval the sample ends); one row per sample.
    /// </summary>
    public static string ToCsv(TimeSeries series)
    {
        var csv = new StringBuilder(256 + series.Rows * 128);
        csv.Append(CsvHeader).Append('\n');
        for (int row = 0; row < series.Rows; row++) AppendCsvRow(csv, series, row);
        return csv.ToString();
    }

    /// <summary>The header line of <c>timeseries.csv</c> (without the line end).</summary>
    public static string CsvHeader
    {
        get
        {
            var header = new StringBuilder("t_seconds");
            foreach (TcpState state in TcpStateNames.All) header.Append(',').Append(state.ToMetricName());
            foreach (TcpState state in TcpStateNames.All) header.Append(',').Append(state.ToMetricName()).Append("_min,").Append(state.ToMetricName()).Append("_max");
            return header.ToString();
        }
    }

    /// <summary>Appends row <paramref name="row"/> of <paramref name="series"/> as one CSV line.</summary>
    public static void AppendCsvRow(StringBuilder csv, TimeSeries series, int row)
    {
        csv.Append((series.TimeAt(row).Ticks / (double)TimeSpan.TicksPerSecond).ToString("0.0######", CultureInfo.InvariantCulture));
        foreach (TcpState state in TcpStateNames.All) csv.Append(',').Append(series.Count(row, state).ToString(CultureInfo.InvariantCulture));
        foreach (TcpState state in TcpStateNames.All)
        {
            csv.Append(',').Append(series.Min(row, state).ToString(CultureInfo.InvariantCulture));
            csv.Append(',').Append(series.Max(row, state).ToString(CultureInfo.InvariantCulture));
        }
        csv.Append('\n');
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
        report = report with { TimeSeries = ReadCsv(csvPath) };
        string stepsPath = Path.Combine(directory, CensusStepsFile);
        if (!File.Exists(stepsPath)) return report;
        try
        {
            using var file = File.OpenRead(stepsPath);
            return report with { CensusSteps = CensusRecord.Read(file) };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{stepsPath}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{stepsPath}: {e.Message}", e);
        }
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
        const int n = TcpStateNames.Count;
        Span<long> counts = stackalloc long[n];
        Span<long> min = stackalloc long[n];
        Span<long> max = stackalloc long[n];
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            string[] cells = lines[i].Split(',');
            // Files written before the interval bounds existed have the counts only.
            bool bounds = cells.Length == 1 + 3 * n;
            if (!bounds && cells.Length != n + 1) throw new InvalidDataException($"{path}:{i + 1}: expected {1 + 3 * n} columns");
            decimal seconds = decimal.Parse(cells[0], CultureInfo.InvariantCulture);
            for (int s = 0; s < n; s++)
            {
                counts[s] = long.Parse(cells[s + 1], CultureInfo.InvariantCulture);
                min[s] = bounds ? long.Parse(cells[1 + n + 2 * s], CultureInfo.InvariantCulture) : counts[s];
                max[s] = bounds ? long.Parse(cells[2 + n + 2 * s], CultureInfo.InvariantCulture) : counts[s];
            }
            series.Add(TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond)), counts, min, max);
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
