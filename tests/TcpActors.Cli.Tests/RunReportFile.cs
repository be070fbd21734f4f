using System.Text.Json;

namespace TcpActors.Cli.Tests;

/// <summary>A run directory as a test reads it: the parsed <c>report.json</c> and the lines of <c>timeseries.csv</c>.</summary>
public sealed class RunReportFile
{
    private RunReportFile(JsonElement report, string[] timeSeries)
    {
        Report = report;
        TimeSeries = timeSeries;
    }

    /// <summary>The root object of report.json.</summary>
    public JsonElement Report { get; }

    /// <summary>The lines of timeseries.csv (header first).</summary>
    public string[] TimeSeries { get; }

    /// <summary>The report's digest.</summary>
    public string Digest => Report.GetProperty("digest").GetString()!;

    /// <summary>Reads the run directory at <paramref name="directory"/>.</summary>
    public static RunReportFile Read(string directory)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "report.json")));
        return new RunReportFile(json.RootElement.Clone(), File.ReadAllLines(Path.Combine(directory, "timeseries.csv")));
    }
}
