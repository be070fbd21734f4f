using System.Text.RegularExpressions;
using TcpActors.Cli.Tests.Deploy;

namespace TcpActors.Cli.Tests;

/// <summary>
/// docs/cli.md tells the truth about the command line: each command's options table names every
/// option its <c>--help</c> prints, and nothing else; and no markdown table of the docs is cut in
/// two by a blank line (the rows after it would render as plain text).
/// </summary>
public sealed partial class CliDocsTests
{
    public static TheoryData<string> Commands => new() { "run", "validate", "scenarios", "merge", "swarm", "trace" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_option_of_help_is_in_the_commands_table_of_cli_md_and_the_other_way_round(string command)
    {
        using var dir = new WorkDirectory();
        var help = TcpActorsProcess.Run(dir.Path, command, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());

        var inHelp = HelpOptions(help.Stdout);
        var inDocs = DocsOptions(RepositoryFiles.Read("docs/cli.md"), command);

        Assert.True(inHelp.Count > 0 || command == "validate", $"no options read from the help of {command}:\n{help.Stdout}");
        Assert.True(inHelp.SetEquals(inDocs),
            $"tcpactors {command}: in --help but not in docs/cli.md: {string.Join(", ", inHelp.Except(inDocs))}; " +
            $"in docs/cli.md but not in --help: {string.Join(", ", inDocs.Except(inHelp))}");
    }

    [Fact]
    public void No_table_in_the_readme_or_docs_is_broken_by_a_blank_line()
    {
        var files = Directory.GetFiles(RepositoryFiles.PathOf("docs"), "*.md").Append(RepositoryFiles.PathOf("README.md"));
        var orphans = new List<string>();
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            bool inTable = false, inCode = false;
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (line.StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
                if (inCode) continue;
                if (!line.StartsWith('|')) { inTable = false; continue; }
                if (!inTable && i + 1 < lines.Length && TableSeparator().IsMatch(lines[i + 1])) inTable = true;
                if (!inTable) orphans.Add($"{Path.GetFileName(file)}:{i + 1}: {line[..Math.Min(60, line.Length)]}");
            }
        }
        Assert.True(orphans.Count == 0, "table rows outside a table (a blank line above them?):\n" + string.Join("\n", orphans));
    }

    [Fact]
    public void What_a_user_reads_points_to_the_repositorys_own_docs_never_to_a_design_md_it_does_not_have()
    {
        Assert.False(File.Exists(RepositoryFiles.PathOf("DESIGN.md")));
        var files = Directory.GetFiles(RepositoryFiles.PathOf("docs"), "*.md")
            .Concat(Directory.GetFiles(RepositoryFiles.PathOf("scenarios"), "*.yaml"))
            .Concat(Directory.GetFiles(RepositoryFiles.PathOf("deploy"), "*.yaml", SearchOption.AllDirectories))
            .Append(RepositoryFiles.PathOf("README.md"));
        Assert.All(files, f => Assert.DoesNotContain("DESIGN", File.ReadAllText(f), StringComparison.Ordinal));

        using var dir = new WorkDirectory();
        var run = TcpActorsProcess.Run(dir.Path, "run", "--couples", "2", "--quiet", "--out", "run");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("DESIGN", File.ReadAllText(dir["run/report.html"]), StringComparison.Ordinal);
        Assert.Contains("docs/traces.md", File.ReadAllText(dir["run/report.html"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_relative_link_of_the_readme_and_docs_names_a_file_of_the_repository()
    {
        var files = Directory.GetFiles(RepositoryFiles.PathOf("docs"), "*.md").Append(RepositoryFiles.PathOf("README.md"));
        var broken = new List<string>();
        foreach (string file in files)
        {
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(file)))
            {
                string target = link.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal)) continue;
                string path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target));
                if (!File.Exists(path) && !Directory.Exists(path)) broken.Add($"{Path.GetFileName(file)}: {link.Value}");
            }
        }
        Assert.True(broken.Count == 0, "links to nothing:\n" + string.Join("\n", broken));
    }

    /// <summary>The option names and aliases in the Options section of a --help, without the help options.</summary>
    private static HashSet<string> HelpOptions(string help)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool inOptions = false;
        foreach (string line in help.Split('\n'))
        {
            if (line.StartsWith("Options:", StringComparison.Ordinal)) { inOptions = true; continue; }
            if (line.Length > 0 && !line.StartsWith(' ')) inOptions = false; // the next section
            // An option's line starts with two spaces and a dash; a wrapped description with many spaces.
            if (!inOptions || !line.StartsWith("  -", StringComparison.Ordinal)) continue;
            string first = line.Trim().Split("  ", 2)[0]; // the first column: "-q, --quiet" or "--couples <N>"
            foreach (Match m in OptionName().Matches(first)) names.Add(m.Value);
        }
        names.ExceptWith(["-?", "-h", "--help"]);
        return names;
    }

    /// <summary>The options in the first column of the tables under the docs/cli.md heading of <paramref name="command"/>.</summary>
    private static HashSet<string> DocsOptions(string markdown, string command)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool inSection = false;
        foreach (string line in markdown.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) inSection = line.StartsWith($"## `tcpactors {command}", StringComparison.Ordinal);
            if (!inSection || !line.StartsWith("| `-", StringComparison.Ordinal)) continue;
            string first = line.Split('|', StringSplitOptions.RemoveEmptyEntries)[0];
            foreach (Match m in OptionName().Matches(first)) names.Add(m.Value);
        }
        return names;
    }

    [GeneratedRegex(@"(?<![\w-])--?[a-z?][a-z0-9-]*")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^\|( *:?-+:? *\|)+ *$")]
    private static partial Regex TableSeparator();
}
