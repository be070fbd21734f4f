using System.Text.Json;
using System.Xml.Linq;
using TcpActors.Cli.Tests.Deploy;

namespace TcpActors.Cli.Tests;

/// <summary>
/// Every package is pinned in Directory.Packages.props (central package management), and what
/// NuGet restored is what is pinned: a floating or lower-bound version that resolved to something
/// else (NU1603, a feed without the asked version) shows here, not as a surprise in production.
/// Read from each project's <c>obj/project.assets.json</c>, NuGet's record of the restore.
/// </summary>
public sealed class PinnedPackagesTests
{
    [Fact]
    public void Every_package_a_project_restored_that_is_pinned_is_at_its_pinned_version()
    {
        var pinned = Pinned();
        var assetsFiles = AssetsFiles();
        // This project was restored to be built: its own record must be there at least.
        Assert.Contains(assetsFiles, f => f.Contains("TcpActors.Cli.Tests", StringComparison.Ordinal));

        var wrong = new List<string>();
        int checkedPackages = 0;
        foreach (string file in assetsFiles)
        {
            using var assets = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
            {
                if (library.Value.GetProperty("type").GetString() != "package") continue;
                string[] nameAndVersion = library.Name.Split('/');
                if (!pinned.TryGetValue(nameAndVersion[0], out string? version)) continue;
                checkedPackages++;
                if (!string.Equals(version, nameAndVersion[1], StringComparison.OrdinalIgnoreCase))
                    wrong.Add($"{Path.GetRelativePath(RepositoryFiles.Root, file)}: {nameAndVersion[0]} {nameAndVersion[1]} restored, {version} pinned");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(checkedPackages >= pinned.Count / 2, $"only {checkedPackages} pinned packages found in {assetsFiles.Count} restore records");
    }

    [Fact]
    public void Every_package_reference_of_every_project_has_a_pinned_version_and_no_version_of_its_own()
    {
        var pinned = Pinned();
        foreach (string project in Directory.EnumerateFiles(RepositoryFiles.Root, "*.csproj", SearchOption.AllDirectories))
        {
            if (project.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            foreach (var reference in XDocument.Load(project).Descendants("PackageReference"))
            {
                string name = reference.Attribute("Include")!.Value;
                string where = $"{Path.GetRelativePath(RepositoryFiles.Root, project)}: {name}";
                Assert.True(pinned.ContainsKey(name), $"{where} is not pinned in Directory.Packages.props");
                Assert.True(reference.Attribute("Version") is null && reference.Attribute("VersionOverride") is null, $"{where} sets its own version");
            }
        }
    }

    /// <summary>Package name → version, from Directory.Packages.props.</summary>
    private static Dictionary<string, string> Pinned()
    {
        var pinned = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var package in XDocument.Load(RepositoryFiles.PathOf("Directory.Packages.props")).Descendants("PackageVersion"))
            pinned.Add(package.Attribute("Include")!.Value, package.Attribute("Version")!.Value);
        Assert.NotEmpty(pinned);
        return pinned;
    }

    /// <summary>The restore records of the repository's projects (src, tests, bench) that have been restored.</summary>
    private static List<string> AssetsFiles()
    {
        var files = new List<string>();
        foreach (string folder in (string[])["src", "tests", "bench"])
        {
            string root = RepositoryFiles.PathOf(folder);
            if (!Directory.Exists(root)) continue;
            foreach (string project in Directory.EnumerateDirectories(root))
            {
                string assets = Path.Combine(project, "obj", "project.assets.json");
                if (File.Exists(assets)) files.Add(assets);
            }
        }
        return files;
    }
}
