namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// The repository the tests were built from: the deploy files are checked where they are
/// committed, not copies in the output folder, so a test reads what a user would run.
/// </summary>
internal static class RepositoryFiles
{
    /// <summary>The folder holding <c>TcpActors.sln</c>, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The absolute path of a repository-relative path written with <c>/</c>.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The text of a repository file.</summary>
    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TcpActors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no TcpActors.sln above {AppContext.BaseDirectory}");
    }
}
