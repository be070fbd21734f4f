using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Scenarios;

public class ScenarioCatalogTests
{
    public static TheoryData<string> BuiltIn => new(ScenarioCatalog.Names);

    [Fact]
    public void The_catalogue_holds_the_nine_documented_scenarios()
    {
        Assert.Equal(
            ["churn-time-wait", "lossy-handshake", "partition-and-heal", "port-exhaustion", "rst-storm",
             "server-crash-keepalive", "simultaneous-close", "syn-flood-small-backlog", "teardown-storm"],
            ScenarioCatalog.Names);
    }

    [Theory]
    [MemberData(nameof(BuiltIn))]
    public void Every_built_in_scenario_loads_without_error_and_describes_itself(string name)
    {
        var result = ScenarioCatalog.Load(name);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(name, result.Scenario!.Name);
        Assert.False(string.IsNullOrWhiteSpace(result.Scenario.Description));
        Assert.StartsWith("# " + name + " — ", ScenarioCatalog.TryGetText(name));
    }

    [Theory]
    [MemberData(nameof(BuiltIn))]
    public void Every_built_in_scenario_is_the_file_in_the_scenarios_folder(string name)
    {
        string file = Path.Combine(RepositoryRoot(), "scenarios", name + ".yaml");
        Assert.Equal(File.ReadAllText(file), ScenarioCatalog.TryGetText(name));
        Assert.Equal(ScenarioCatalog.Load(name).Scenario, ScenarioLoader.LoadFile(file).Scenario);
    }

    [Fact]
    public void Teardown_storm_closes_ten_thousand_couples_at_once_over_a_lossy_linux_network()
    {
        var s = ScenarioCatalog.Load("teardown-storm").GetOrThrow();
        Assert.Equal(TcpProfile.Linux, s.Tcp);
        Assert.Equal(10_000, s.Workload.Couples);
        Assert.Equal(TimeSpan.FromMilliseconds(10), s.Network.Baseline.Delay);
        Assert.Equal(LossSpec.Bernoulli(0.01), s.Network.Baseline.Loss);
        Assert.Equal(new CloseSpec { At = TimeSpan.FromSeconds(20) }, s.Workload.Close);
        // Long enough to watch TIME_WAIT drain: close + 60 s + margin.
        Assert.True(s.Run.Duration > s.Workload.Close!.At + s.Tcp.TimeWait);
    }

    [Fact]
    public void Port_exhaustion_asks_one_client_for_more_than_ports_over_time_wait_connections_per_second()
    {
        var s = ScenarioCatalog.Load("port-exhaustion").GetOrThrow();
        Assert.Equal(1, s.Hosts.Clients.Count);
        double sustainable = s.Tcp.EphemeralPortCount / s.Tcp.TimeWait.TotalSeconds; // 28232 / 60 ≈ 470
        Assert.InRange(sustainable, 470, 471);
        Assert.True(s.Workload.Churn!.RatePerSecond > sustainable);
    }

    [Fact]
    public void An_unknown_built_in_name_suggests_the_closest_one()
    {
        var error = Assert.Single(ScenarioCatalog.Load("teardown-strom").Errors);
        Assert.Contains("did you mean 'teardown-storm'", error.Message);
        Assert.Equal("scenarios/teardown-strom.yaml", error.File);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TcpActors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("TcpActors.sln not found above " + AppContext.BaseDirectory);
    }
}
