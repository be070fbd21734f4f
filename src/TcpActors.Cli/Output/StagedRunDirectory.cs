using System.Globalization;
using System.Runtime.InteropServices;

namespace TcpActors.Cli.Output;

/// <summary>
/// A run directory written as a set (DESIGN.md §7): every file goes into a hidden sibling
/// (<c>.NAME.partial-PID</c>) and the whole directory then takes the place of <c>NAME</c> in one
/// step — a rename when <c>NAME</c> is new, an atomic exchange (renameat2(2)
/// <c>RENAME_EXCHANGE</c>) when it holds a previous run — so a reader finds the old set or the new
/// one, never a mix, and a failed run leaves the old set as it was.
/// </summary>
/// <remarks>
/// A run killed before it published leaves its <c>.partial-PID</c> directory behind; the next run
/// into the same place removes those whose process is gone (<see cref="RemoveDeadPartials"/>).
/// </remarks>
internal sealed class StagedRunDirectory
{
    /// <summary>The file that marks a directory as a run's, so an existing <c>--out</c> holding it may be replaced.</summary>
    private const string RunMarker = "report.json";

    private StagedRunDirectory(string finalPath, string parent)
    {
        FinalPath = finalPath;
        Parent = parent;
        Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(finalPath)));
        StagingPath = Path.Combine(parent, PartialName(Name, "partial", Environment.ProcessId));
    }

    /// <summary>Where the run directory will be once published.</summary>
    public string FinalPath { get; }

    /// <summary>Where its files are written until then.</summary>
    public string StagingPath { get; }

    /// <summary>The folder that holds both.</summary>
    private string Parent { get; }

    /// <summary>The run directory's own name (<c>NAME</c>).</summary>
    private string Name { get; }

    /// <summary>
    /// The run directory for <paramref name="outOption"/>, or by default
    /// <c>out/&lt;scenario&gt;-&lt;yyyyMMdd-HHmmss&gt;</c> (UTC; <c>-shard-I-of-N</c> for one shard;
    /// <c>-2</c>, <c>-3</c>… when a run of the same second exists). Creates the parent folder now, so
    /// an unusable <c>--out</c> is reported before the run, not after it, and removes what dead
    /// runs into the same place left.
    /// </summary>
    /// <exception cref="RunDirectoryException">A bad destination: a file, a folder that is not a run's, a parent that cannot be created.</exception>
    public static StagedRunDirectory For(string? outOption, string scenario, int? shardIndex, int shards, DateTime utcNow)
    {
        string path;
        if (!string.IsNullOrWhiteSpace(outOption))
        {
            path = outOption;
            if (File.Exists(path)) throw new RunDirectoryException($"--out {path}: is a file, not a directory", badDestination: true);
            if (Directory.Exists(path) && ForeignEntry(path) is { } foreign)
            {
                throw new RunDirectoryException(
                    $"--out {path}: the directory holds {foreign}, which is not a run's, and a run replaces the whole directory; " +
                    "name a new or empty directory, or a previous run directory", badDestination: true);
            }
        }
        else
        {
            string stem = Path.Combine("out", $"{scenario}-{utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
            if (shardIndex is { } i) stem += $"-shard-{i}-of-{shards}";
            path = stem;
            for (int n = 2; Directory.Exists(path) || File.Exists(path); n++) path = $"{stem}-{n}";
        }
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string parent = Path.GetDirectoryName(full)
            ?? throw new RunDirectoryException($"--out {path}: the root folder cannot be a run directory", badDestination: true);
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunDirectoryException($"--out {path}: cannot create {parent}: {Cause(e)}", badDestination: true, e);
        }
        if (Directory.Exists(full) && IsMountPoint(full))
        {
            throw new RunDirectoryException(
                $"--out {path}: is a mount point, and a run replaces its directory as a whole; name a folder inside it, such as --out {Path.Combine(path, "run")}",
                badDestination: true);
        }
        var directory = new StagedRunDirectory(path, parent);
        // The default folder (out/) is tcpactors' own, and each default name is used once: there,
        // every dead run's leftover goes, whatever its name.
        directory.RemoveDeadPartials(anyName: string.IsNullOrWhiteSpace(outOption));
        return directory;
    }

    /// <summary>
    /// Creates the staging directory now: where the run's files go (the log, a trace) from its
    /// start, and the test that the destination can be written to at all.
    /// </summary>
    /// <exception cref="RunDirectoryException">It cannot be created (read-only, no permission, <c>/proc</c>…).</exception>
    public void Begin()
    {
        try
        {
            Directory.CreateDirectory(StagingPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e);
        }
    }

    /// <summary>Moves the completed staging directory into place, replacing a previous run's in one step.</summary>
    /// <exception cref="RunDirectoryException">The swap failed; the previous directory is left as it was.</exception>
    public void Publish()
    {
        try
        {
            Directory.CreateDirectory(StagingPath);
            if (!Directory.Exists(FinalPath))
            {
                Directory.Move(StagingPath, FinalPath);
                return;
            }
            Exchange(StagingPath, FinalPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e);
        }
        // The staging path now holds the previous run: gone once deleted, or (if that fails) a
        // hidden .partial directory that the next run here removes.
        DeleteQuietly(StagingPath);
    }

    /// <summary>Removes what a failed run staged; the final directory is never touched.</summary>
    public void Abandon() => DeleteQuietly(StagingPath);

    /// <summary>
    /// One sentence for a write that failed: the run directory, the cause and what is left; with
    /// whether it is a bad destination (exit 2) or an I/O error (exit 74).
    /// </summary>
    public RunDirectoryException Failure(Exception e)
    {
        if (e is RunDirectoryException known) return known;
        string left = Directory.Exists(FinalPath) ? $"{FinalPath} still holds the previous run" : $"nothing was written to {FinalPath}";
        return new RunDirectoryException($"cannot write the run directory {FinalPath}: {Cause(e, StagingPath)}; {left}", IsBadDestination(e), e);
    }

    /// <summary>True for the exceptions a write can fail with (as opposed to a bug).</summary>
    public static bool IsWriteFailure(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>
    /// Bad destinations (exit 2) are the ones a user picked: no permission, a read-only file
    /// system, a file where a folder should be, a path that cannot exist; anything else (no space,
    /// quota, EIO) is an I/O error (exit 74).
    /// </summary>
    private static bool IsBadDestination(Exception e) => e switch
    {
        RunDirectoryException r => r.BadDestination,
        UnauthorizedAccessException or DirectoryNotFoundException or FileNotFoundException or PathTooLongException => true,
        // errno values of Linux (asm-generic/errno-base.h, errno.h).
        IOException { HResult: 1 /* EPERM */ or 2 /* ENOENT */ or 13 /* EACCES */ or 16 /* EBUSY: a mount point */ or 17 /* EEXIST */ or 18 /* EXDEV */ or 20 /* ENOTDIR */
            or 21 /* EISDIR */ or 30 /* EROFS */ or 36 /* ENAMETOOLONG */ or 40 /* ELOOP */ } => true,
        _ => false,
    };

    /// <summary>
    /// The cause in the operating system's words ("No space left on device (report.html)"): .NET
    /// keeps the errno as the HResult of the plain IOExceptions it raises on Unix, except when a
    /// file's preallocation fails, which it words itself.
    /// </summary>
    private static string Cause(Exception e, string? staging = null)
    {
        if (e is RunDirectoryException r) return r.Message;
        int errno = e is FileNotFoundException or DirectoryNotFoundException ? Enoent
            : e is IOException { HResult: > 0 and < 4096 } && e.GetType() == typeof(IOException) ? e.HResult
            : e.GetType() == typeof(IOException) && e.Message.EndsWith("because the disk was full.", StringComparison.Ordinal) ? Enospc
            : e.GetType() == typeof(IOException) && e.Message.EndsWith("because the file was too large.", StringComparison.Ordinal) ? Efbig
            : 0;
        if (errno == 0) return e.Message.TrimEnd('.');
        return QuotedPath(e.Message) is { } path ? $"{Marshal.GetPInvokeErrorMessage(errno)} ({FileName(path, staging)})" : Marshal.GetPInvokeErrorMessage(errno);
    }

    /// <summary>The path quoted in a .NET I/O message ('/x/y'), if any.</summary>
    private static string? QuotedPath(string message)
    {
        int open = message.IndexOf('\'', StringComparison.Ordinal);
        int close = open < 0 ? -1 : message.IndexOf('\'', open + 1);
        return close > open ? message[(open + 1)..close] : null;
    }

    /// <summary>
    /// The file a user knows: <c>report.html</c> for the staged <c>.r.partial-PID/.report.html.PID.tmp</c>.
    /// </summary>
    private static string FileName(string path, string? staging)
    {
        if (staging is null || !path.StartsWith(Path.GetFullPath(staging) + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return path;
        string relative = path[(Path.GetFullPath(staging).Length + 1)..];
        string name = Path.GetFileName(relative);
        string temp = $".{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp";
        if (name.StartsWith('.') && name.EndsWith(temp, StringComparison.Ordinal))
            relative = Path.Combine(Path.GetDirectoryName(relative)!, name[1..^temp.Length]);
        return relative;
    }

    /// <summary>The first entry of an existing directory that a run would not have written, or null when it is empty or a run's.</summary>
    private static string? ForeignEntry(string path)
    {
        try
        {
            if (File.Exists(Path.Combine(path, RunMarker))) return null;
            string? first = Directory.EnumerateFileSystemEntries(path).FirstOrDefault();
            return first is null ? null : Path.GetFileName(first);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunDirectoryException($"--out {path}: cannot read the directory: {Cause(e)}", badDestination: true, e);
        }
    }

    /// <summary>
    /// Whether <paramref name="fullPath"/> is where a file system is mounted (a container's volume,
    /// say): its staging sibling would be on another file system, and no rename crosses that.
    /// </summary>
    private static bool IsMountPoint(string fullPath)
    {
        const string mountInfo = "/proc/self/mountinfo";
        if (!File.Exists(mountInfo)) return false;
        foreach (string line in File.ReadLines(mountInfo))
        {
            // proc(5): the fifth field is the mount point, with space, tab, newline and backslash as octal escapes.
            string[] fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == fullPath) return true;
        }
        return false;

        static string Unescape(string field) => field.Contains('\\', StringComparison.Ordinal)
            ? field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
                .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal)
            : field;
    }

    private static string PartialName(string name, string kind, int pid) => $".{name}.{kind}-{pid.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Removes the <c>.NAME.partial-PID</c> (and <c>.NAME.replaced-PID</c>) directories of runs into
    /// this place whose process is gone: killed (SIGKILL, OOM, power) before they published. With
    /// <paramref name="anyName"/>, those of every name in the folder.
    /// </summary>
    private void RemoveDeadPartials(bool anyName)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories(Parent, anyName ? ".*.*-*" : $".{Name}.*-*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // An unreadable parent is reported when the staging directory is created.
        }
        foreach (string entry in entries)
        {
            string fileName = Path.GetFileName(entry);
            int dot = fileName.LastIndexOf('.');
            if (dot <= 0 || (!anyName && dot != Name.Length + 1)) continue;
            string suffix = fileName[(dot + 1)..];
            int dash = suffix.LastIndexOf('-');
            if (dash < 0 || suffix[..dash] is not ("partial" or "replaced")) continue;
            if (!int.TryParse(suffix[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (!IsAlive(pid, entry)) DeleteQuietly(entry);
        }
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> may still be writing <paramref name="entry"/>. This
    /// process has not created its own yet, so one with its PID is a dead run's; a live PID that
    /// started after the directory last changed was reused by another process (containers reuse
    /// small PIDs all the time), so the run that wrote it is gone too.
    /// </summary>
    private static bool IsAlive(int pid, string entry)
    {
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            // One second of slack: a process's start time is known to the clock tick, the boot time to the second.
            return process.StartTime.ToUniversalTime() <= Directory.GetLastWriteTimeUtc(entry).AddSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false; // No such process (ArgumentException), or it ended meanwhile.
        }
    }

    /// <summary>
    /// Swaps two directories in one step, where the system can (Linux 3.15+, renameat2(2)
    /// <c>RENAME_EXCHANGE</c>); elsewhere (other systems, file systems without it) in two renames
    /// with the previous run kept aside until the second has succeeded.
    /// </summary>
    private void Exchange(string staging, string final)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (renameat2(AtFdCwd, staging, AtFdCwd, final, RenameExchange) == 0) return;
                int errno = Marshal.GetLastPInvokeError();
                if (errno is not (Einval or Enosys or Enotsup))
                    throw new IOException($"{Marshal.GetPInvokeErrorMessage(errno)} : '{final}'", errno);
            }
            catch (EntryPointNotFoundException)
            {
                // A C library without renameat2 (glibc < 2.28, musl < 1.2.?): two renames below.
            }
        }
        string aside = Path.Combine(Parent, PartialName(Name, "replaced", Environment.ProcessId));
        Directory.Move(final, aside);
        try
        {
            Directory.Move(staging, final);
        }
        catch
        {
            Directory.Move(aside, final);
            throw;
        }
        Directory.Move(aside, staging); // Deleted by Publish, like the exchanged one.
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind as a hidden .partial directory: it never looks like a run, and the next
            // run into this place removes it once this process is gone.
        }
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;
    private const int Enoent = 2, Efbig = 27, Enospc = 28, Einval = 22, Enosys = 38, Enotsup = 95;

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);
}

/// <summary>A run directory that could not be written: one sentence, and whether the destination itself is bad (exit 2) or the write failed (exit 74).</summary>
internal sealed class RunDirectoryException(string message, bool badDestination, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>True for a destination the user must change (exit 2); false for an I/O error (exit 74).</summary>
    public bool BadDestination { get; } = badDestination;

    /// <summary>The exit code for this failure.</summary>
    public int ExitCode => BadDestination ? Cli.ExitCode.BadInput : Cli.ExitCode.IoError;
}
