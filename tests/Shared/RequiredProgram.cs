namespace TcpActors.Tests;

/// <summary>
/// Finds a program a test drives for real (tshark, promtool, prometheus, docker-compose, chromium…)
/// before starting it, so that a machine without it fails the test with one line naming the program
/// and the command that installs it, instead of a raw <c>Win32Exception</c>. The Debian packages
/// are listed in <c>.ci/apt-packages</c> and installed by <c>./test.sh</c>. Linked into every test
/// project that starts external programs.
/// </summary>
internal static class RequiredProgram
{
    /// <summary>The Debian package of each program the tests need that the machine does not bring.</summary>
    private static readonly Dictionary<string, string> s_packages = new(StringComparer.Ordinal)
    {
        ["tshark"] = "tshark",
        ["promtool"] = "prometheus",
        ["prometheus"] = "prometheus",
        ["docker-compose"] = "docker-compose",
        ["chromium"] = "chromium",
    };

    /// <summary>
    /// The full path of <paramref name="program"/> (a name looked up on PATH, or in
    /// <paramref name="searchPath"/> when given; or an absolute path); throws
    /// <see cref="MissingProgramException"/> when there is none.
    /// </summary>
    public static string Find(string program, string? searchPath = null)
    {
        if (Path.IsPathRooted(program))
        {
            if (File.Exists(program)) return program;
        }
        else
        {
            foreach (string dir in (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(dir, program);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new MissingProgramException(Advice(program));
    }

    /// <summary>The one line a missing <paramref name="program"/> is reported with.</summary>
    public static string Advice(string program)
    {
        string name = Path.GetFileName(program);
        return s_packages.TryGetValue(name, out string? package)
            ? $"{program} is not installed; ./test.sh installs it, or: sudo apt-get install {package}"
            : $"{program} is not installed or not on PATH; install it to run this test";
    }
}

/// <summary>A program a test drives is not on this machine (<see cref="RequiredProgram"/>).</summary>
internal sealed class MissingProgramException(string message) : Exception(message);
