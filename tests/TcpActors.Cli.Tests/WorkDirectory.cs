namespace TcpActors.Cli.Tests;

/// <summary>A fresh, empty directory for one test's files; deleted with everything in it afterwards.</summary>
public sealed class WorkDirectory : IDisposable
{
    /// <summary>Creates the directory under the system's temp folder.</summary>
    public WorkDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tcpactors-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>True when the directory holds nothing at all.</summary>
    public bool IsEmpty => !Directory.EnumerateFileSystemEntries(Path).Any();

    /// <summary>Writes <paramref name="text"/> to a file inside the directory and returns its path.</summary>
    public string Write(string relative, string text)
    {
        string path = this[relative];
        File.WriteAllText(path, text);
        return path;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process still closing a file; the temp folder is cleaned by the system.
        }
    }
}
