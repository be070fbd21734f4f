using System.Globalization;

namespace TcpActors.Cli.Output;

/// <summary>
/// A run directory that appears only when complete: files are written into a hidden sibling
/// (<c>.NAME.partial-PID</c>) and the whole directory is renamed into place at the end, so a
/// reader never finds half a run and a failed run leaves no directory behind. An existing
/// <c>--out</c> directory is written into directly, each file atomically.
/// </summary>
internal sealed class StagedRunDirectory
{
    private StagedRunDirectory(string finalPath)
    {
        FinalPath = finalPath;
        WritesInPlace = Directory.Exists(finalPath);
        string parent = Path.GetDirectoryName(Path.GetFullPath(finalPath))!;
        StagingPath = WritesInPlace
            ? finalPath
            : Path.Combine(parent, $".{Path.GetFileName(Path.TrimEndingDirectorySeparator(finalPath))}.partial-{Environment.ProcessId}");
    }

    /// <summary>Where the run directory will be once published.</summary>
    public string FinalPath { get; }

    /// <summary>Where its files are written until then.</summary>
    public string StagingPath { get; }

    /// <summary>True when <c>--out</c> named an existing directory, which is written into directly.</summary>
    public bool WritesInPlace { get; }

    /// <summary>
    /// The run directory for <paramref name="outOption"/>, or by default
    /// <c>out/&lt;scenario&gt;-&lt;yyyyMMdd-HHmmss&gt;</c> (UTC; <c>-shard-I-of-N</c> for one shard;
    /// <c>-2</c>, <c>-3</c>… when a run of the same second exists). Creates the parent folder now, so
    /// an unusable <c>--out</c> is reported before the run, not after it.
    /// </summary>
    /// <exception cref="IOException">The path is a file, or its parent cannot be created.</exception>
    public static StagedRunDirectory For(string? outOption, string scenario, int? shardIndex, int shards, DateTime utcNow)
    {
        string path;
        if (!string.IsNullOrWhiteSpace(outOption))
        {
            path = outOption;
            if (File.Exists(path)) throw new IOException($"--out {path}: is a file, not a directory");
        }
        else
        {
            string stem = Path.Combine("out", $"{scenario}-{utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
            if (shardIndex is { } i) stem += $"-shard-{i}-of-{shards}";
            path = stem;
            for (int n = 2; Directory.Exists(path) || File.Exists(path); n++) path = $"{stem}-{n}";
        }
        string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null)
        {
            try
            {
                Directory.CreateDirectory(parent);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"--out {path}: cannot create {parent}: {e.Message}", e);
            }
        }
        return new StagedRunDirectory(path);
    }

    /// <summary>Creates the staging directory (for files written during the run, such as a trace).</summary>
    public void Begin() => Directory.CreateDirectory(StagingPath);

    /// <summary>Moves the completed staging directory into place.</summary>
    public void Publish()
    {
        Directory.CreateDirectory(StagingPath);
        if (WritesInPlace) return;
        if (Directory.Exists(FinalPath)) throw new IOException($"{FinalPath} appeared while the run was going; the run is left in {StagingPath}");
        Directory.Move(StagingPath, FinalPath);
    }

    /// <summary>Removes what a failed run staged; the final directory is never touched.</summary>
    public void Abandon()
    {
        if (WritesInPlace || !Directory.Exists(StagingPath)) return;
        try
        {
            Directory.Delete(StagingPath, recursive: true);
        }
        catch (IOException)
        {
            // Left behind as a hidden .partial directory; it never looks like a run.
        }
    }
}
