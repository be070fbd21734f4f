using TcpActors.Cli.Tests.Deploy;

namespace TcpActors.Cli.Tests.Setup;

/// <summary>
/// The README's install step: <c>dotnet pack</c> makes the .NET tool package TcpActors.Cli, and
/// <c>dotnet tool install --add-source</c> puts a <c>tcpactors</c> command where it is asked to.
/// </summary>
public sealed class ToolPackageTests
{
    [Fact]
    public void The_packed_cli_installs_as_a_dotnet_tool_whose_tcpactors_command_prints_its_help()
    {
        using var dir = new WorkDirectory();
        // The configuration the tests were built in (bin/<Configuration>/net10.0/): the CLI next to
        // them was built in it too, so packing needs no second build of the same project.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dotnetEnvironment = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1",
            // A package cache of its own, so the package installed is the one just packed.
            ["NUGET_PACKAGES"] = dir["nuget"],
        };

        var pack = ToolProcess.Run("dotnet", ["pack", RepositoryFiles.PathOf("src/TcpActors.Cli"), "--no-build", "-c", configuration, "-o", dir["packages"]],
            RepositoryFiles.Root, dotnetEnvironment, TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, $"dotnet pack failed:\n{pack}");
        Assert.Single(Directory.GetFiles(dir["packages"], "TcpActors.Cli.*.nupkg"));

        var install = ToolProcess.Run("dotnet", ["tool", "install", "--tool-path", dir["tools"], "--add-source", dir["packages"], "TcpActors.Cli"],
            dir.Path, dotnetEnvironment, TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, $"dotnet tool install failed:\n{install}");
        Assert.Contains("following command: tcpactors", install.Stdout);

        var help = ToolProcess.Run(dir["tools/tcpactors"], ["--help"], dir.Path);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("Usage:\n  tcpactors [command] [options]", help.Stdout);
        foreach (string command in (string[])["run", "validate", "scenarios", "merge", "swarm", "trace"])
            Assert.Contains($"\n  {command} ", help.Stdout);
    }
}
