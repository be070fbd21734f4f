namespace TcpActors.Cli.Tests.Deploy;

/// <summary>
/// deploy/docker/Dockerfile (no Docker engine here to build it): two stages, the SDK image to
/// build and the runtime image that has every framework the command needs to run, a non-root
/// user, and every file it copies from the build context exists.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string[] s_lines = Instructions(RepositoryFiles.Read("deploy/docker/Dockerfile"));

    /// <summary>The instructions with continuation lines joined and comments dropped.</summary>
    private static string[] Instructions(string text) =>
        [.. text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#')];

    [Fact]
    public void It_builds_with_the_dotnet_10_sdk_and_runs_on_the_aspnet_runtime_because_metrics_is_kestrel()
    {
        var froms = s_lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, froms.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0]);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", froms[1]);
        // The /metrics endpoint needs the shared framework Microsoft.AspNetCore.App, which only
        // the aspnet image has; the plain runtime image would fail at start.
        Assert.Contains("<FrameworkReference Include=\"Microsoft.AspNetCore.App\" />", RepositoryFiles.Read("src/TcpActors.Observability/TcpActors.Observability.csproj"));
    }

    [Fact]
    public void The_final_stage_runs_as_a_non_root_user()
    {
        int final = Array.FindLastIndex(s_lines, l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var users = s_lines[final..].Where(l => l.StartsWith("USER ", StringComparison.Ordinal)).ToList();

        string user = Assert.Single(users)["USER ".Length..].Trim();
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
        Assert.Equal("$APP_UID", user); // 1654, the `app` user of the .NET 8+ images
    }

    [Fact]
    public void Every_file_copied_from_the_build_context_exists_and_the_published_project_is_the_cli()
    {
        foreach (string copy in s_lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            string[] parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (string source in parts[1..^1])
            {
                string path = RepositoryFiles.PathOf(source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{copy}: {source} does not exist");
            }
        }
        Assert.Contains(s_lines, l => l.StartsWith("RUN dotnet publish src/TcpActors.Cli/TcpActors.Cli.csproj -c Release", StringComparison.Ordinal));
        Assert.Contains(s_lines, l => l == "ENTRYPOINT [\"claim-shard\", \"dotnet\", \"/opt/tcpactors/tcpactors.dll\"]");
    }

    [Fact]
    public void The_restore_layer_copies_every_project_the_cli_references_because_publish_runs_with_no_restore()
    {
        var closure = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(["src/TcpActors.Cli/TcpActors.Cli.csproj"]);
        while (pending.TryPop(out string? project))
        {
            if (!closure.Add(project)) continue;
            string folder = Path.GetDirectoryName(project)!;
            foreach (System.Text.RegularExpressions.Match reference in System.Text.RegularExpressions.Regex.Matches(
                RepositoryFiles.Read(project), "<ProjectReference Include=\"([^\"]+)\""))
            {
                string full = Path.GetFullPath(Path.Combine(RepositoryFiles.PathOf(folder), reference.Groups[1].Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(RepositoryFiles.Root, full).Replace('\\', '/'));
            }
        }

        Assert.Equal(5, closure.Count);
        foreach (string project in closure)
            Assert.Contains($"COPY {project} {Path.GetDirectoryName(project)!.Replace('\\', '/')}/", s_lines);
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_and_node_modules()
    {
        string ignore = RepositoryFiles.Read("deploy/docker/Dockerfile.dockerignore");
        foreach (string pattern in new[] { "**/bin/", "**/obj/", "**/node_modules/", ".git/" })
            Assert.Contains(pattern, ignore.Split('\n'));
    }
}
