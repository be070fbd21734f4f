using TcpActors.Simulation.Tracing;

namespace TcpActors.Cli.Output;

/// <summary>
/// The <c>--trace FILE</c> of a run. A relative FILE lives in the run directory (staged with it);
/// an absolute one is written as <c>FILE.partial-PID</c> and renamed when the run is over, so in
/// both cases a trace only appears once complete.
/// </summary>
internal sealed class TraceFile
{
    private readonly string _writingPath;
    private readonly string? _absoluteTarget;
    private readonly string _relativeName;

    private TraceFile(string writingPath, string? absoluteTarget, string relativeName)
    {
        _writingPath = writingPath;
        _absoluteTarget = absoluteTarget;
        _relativeName = relativeName;
        Writer = JsonLinesTraceWriter.Create(writingPath);
    }

    /// <summary>The JSON-lines writer the run traces into.</summary>
    public JsonLinesTraceWriter Writer { get; }

    /// <summary>Opens the trace for <paramref name="option"/> inside or beside <paramref name="directory"/>.</summary>
    public static TraceFile Open(string option, StagedRunDirectory directory)
    {
        if (Path.IsPathRooted(option))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(option)!);
            return new TraceFile($"{option}.partial-{Environment.ProcessId}", option, option);
        }
        directory.Begin();
        string staged = Path.Combine(directory.StagingPath, option);
        Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
        return new TraceFile(staged, null, option);
    }

    /// <summary>Where the trace is once the run directory is published.</summary>
    public string FinalPath(StagedRunDirectory directory) => _absoluteTarget ?? Path.Combine(directory.FinalPath, _relativeName);

    /// <summary>Flushes and closes the trace and, when absolute, moves it into place.</summary>
    public void Complete()
    {
        Writer.Flush();
        Writer.Dispose();
        if (_absoluteTarget is not null) File.Move(_writingPath, _absoluteTarget, overwrite: true);
    }

    /// <summary>Closes and deletes a trace of a run that failed.</summary>
    public void Abandon()
    {
        Writer.Dispose();
        if (_absoluteTarget is not null && File.Exists(_writingPath)) File.Delete(_writingPath);
    }
}
