using TcpActors.Tests;

namespace TcpActors.Cli.Tests.Setup;

/// <summary>
/// A test that drives a program the machine lacks fails with one line naming the program and the
/// command that installs it (<see cref="RequiredProgram"/>), not a raw Win32Exception.
/// </summary>
public sealed class RequiredProgramTests
{
    [Fact]
    public void A_missing_debian_program_is_reported_in_one_line_with_its_package_and_the_install_command()
    {
        using var emptyPath = new WorkDirectory();

        var missing = Assert.Throws<MissingProgramException>(() => RequiredProgram.Find("tshark", searchPath: emptyPath.Path));

        Assert.Equal("tshark is not installed; ./test.sh installs it, or: sudo apt-get install tshark", missing.Message);
    }

    [Fact]
    public void Promtool_is_named_with_its_package_prometheus_and_an_absolute_chromium_path_with_chromium()
    {
        Assert.EndsWith("sudo apt-get install prometheus", RequiredProgram.Advice("promtool"));
        var missing = Assert.Throws<MissingProgramException>(() => RequiredProgram.Find("/nonexistent/usr/bin/chromium"));
        Assert.Equal("/nonexistent/usr/bin/chromium is not installed; ./test.sh installs it, or: sudo apt-get install chromium", missing.Message);
        Assert.DoesNotContain('\n', missing.Message);
    }

    [Fact]
    public void A_program_on_path_is_found_with_its_full_path()
    {
        Assert.Equal("/bin/sh", RequiredProgram.Find("/bin/sh"));
        Assert.True(Path.IsPathRooted(RequiredProgram.Find("sh")));
    }
}
