using TcpActors.Cli.Tests.Deploy;
using TcpActors.Tests;

namespace TcpActors.Cli.Tests.Setup;

/// <summary>
/// <c>./test.sh</c>, the README's test command, in a throwaway copy of the repository's script and
/// package list, with a PATH that holds none of the tools the tests drive: stand-ins for
/// <c>dpkg-query</c>, <c>apt-get</c>, <c>id</c>, <c>sudo</c> and <c>dotnet</c> record every call,
/// so each test sees exactly what the script would install and run on a fresh machine.
/// </summary>
// Shell scripts with the execute bit: the set-up is for Debian machines (README, "Set up").
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TestScriptTests
{
    /// <summary>A copy of test.sh and .ci/apt-packages, and a bin folder of recording stand-ins.</summary>
    private sealed class FreshMachine : IDisposable
    {
        private readonly WorkDirectory _dir = new();

        public FreshMachine(IEnumerable<string> installed, int uid = 0, bool sudo = false, int aptStatus = 0)
        {
            Directory.CreateDirectory(_dir["repo/.ci"]);
            File.Copy(RepositoryFiles.PathOf("test.sh"), _dir["repo/test.sh"]);
            File.Copy(RepositoryFiles.PathOf(".ci/apt-packages"), _dir["repo/.ci/apt-packages"]);
            Directory.CreateDirectory(_dir["bin"]);
            // The few real programs the script itself uses; nothing else of /usr/bin is reachable.
            foreach (string tool in (string[])["dirname", "grep", "env"])
                File.CreateSymbolicLink(_dir[$"bin/{tool}"], RequiredProgram.Find(tool));
            Fake("dpkg-query", $"""
                echo "dpkg-query $*" >> {Log}
                for a; do package=$a; done
                case " {string.Join(' ', installed)} " in *" $package "*) printf 'install ok installed' ;; *) exit 1 ;; esac
                """);
            Fake("apt-get", $"echo \"apt-get $*\" >> {Log}; exit {aptStatus}");
            Fake("id", $"echo {uid}");
            Fake("dotnet", $"echo \"dotnet $*\" >> {Log}");
            if (sudo) Fake("sudo", $"echo sudo >> {Log}; exec \"$@\"");
        }

        private string Log => _dir["calls.log"];

        private void Fake(string name, string body)
        {
            string path = _dir[$"bin/{name}"];
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        /// <summary>Runs <c>bash test.sh ARGS</c> with PATH set to the stand-ins only.</summary>
        public ProcessOutcome Run(params string[] args) =>
            ToolProcess.Run("/bin/bash", ["test.sh", .. args], _dir["repo"], new Dictionary<string, string?> { ["PATH"] = _dir["bin"] });

        /// <summary>Every recorded call, in order, without the dpkg-query look-ups.</summary>
        public IReadOnlyList<string> Calls =>
            File.Exists(Log) ? [.. File.ReadAllLines(Log).Where(l => !l.StartsWith("dpkg-query", StringComparison.Ordinal))] : [];

        public void Dispose() => _dir.Dispose();
    }

    [Fact]
    public void As_root_on_a_machine_missing_two_packages_it_installs_exactly_those_then_runs_the_suite_with_the_given_arguments()
    {
        using var machine = new FreshMachine(installed: ["prometheus", "chromium"]);

        var outcome = machine.Run("--filter", "FullyQualifiedName~Pcap");

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Equal(
        [
            "apt-get update -qq",
            "apt-get install -y -qq --no-install-recommends tshark docker-compose",
            "dotnet test TcpActors.sln --filter FullyQualifiedName~Pcap",
        ], machine.Calls);
    }

    [Fact]
    public void On_a_machine_with_every_package_it_installs_nothing_and_only_runs_the_suite()
    {
        using var machine = new FreshMachine(installed: ["prometheus", "tshark", "docker-compose", "chromium"]);

        var outcome = machine.Run();

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Equal(["dotnet test TcpActors.sln"], machine.Calls);
    }

    [Fact]
    public void Every_package_of_the_list_is_looked_up_and_all_are_installed_on_a_bare_machine()
    {
        using var machine = new FreshMachine(installed: []);

        var outcome = machine.Run();

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("apt-get install -y -qq --no-install-recommends prometheus tshark docker-compose chromium", machine.Calls);
    }

    [Fact]
    public void A_user_who_is_not_root_installs_through_sudo()
    {
        using var machine = new FreshMachine(installed: ["prometheus", "tshark", "docker-compose"], uid: 1000, sudo: true);

        var outcome = machine.Run();

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Equal(["sudo", "apt-get update -qq", "sudo", "apt-get install -y -qq --no-install-recommends chromium", "dotnet test TcpActors.sln"],
            machine.Calls);
    }

    [Fact]
    public void Without_root_or_sudo_it_says_so_in_one_line_and_runs_no_test()
    {
        using var machine = new FreshMachine(installed: ["prometheus"], uid: 1000);

        var outcome = machine.Run();

        Assert.Equal(1, outcome.ExitCode);
        Assert.Empty(machine.Calls);
        Assert.Equal("test.sh: cannot install tshark docker-compose chromium: run as root or install sudo (as root: apt-get install tshark docker-compose chromium)",
            outcome.Stderr.Trim());
    }

    [Fact]
    public void When_apt_get_fails_it_says_so_in_one_line_and_runs_no_test()
    {
        using var machine = new FreshMachine(installed: [], aptStatus: 100);

        var outcome = machine.Run();

        Assert.Equal(1, outcome.ExitCode);
        Assert.DoesNotContain(machine.Calls, c => c.StartsWith("dotnet", StringComparison.Ordinal));
        Assert.Equal("test.sh: could not install prometheus tshark docker-compose chromium with apt-get (see its messages above)", outcome.Stderr.Trim());
    }
}
