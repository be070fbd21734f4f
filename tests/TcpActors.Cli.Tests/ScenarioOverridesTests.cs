using TcpActors.Cli.Scenarios;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Cli.Tests;

/// <summary>
/// The overrides of <c>tcpactors run</c> (<c>--couples</c>, <c>--seed</c>, …) change exactly their
/// key of the scenario, and a combination that breaks the scenario is refused in the loader's words.
/// </summary>
public class ScenarioOverridesTests
{
    private static Scenario TeardownStorm => ScenarioCatalog.Load("teardown-storm").GetOrThrow();

    [Fact]
    public void No_override_leaves_the_scenario_as_loaded()
    {
        var (scenario, problems) = new ScenarioOverrides().ApplyTo(TeardownStorm);

        Assert.Empty(problems);
        Assert.Equal(TeardownStorm, scenario);
    }

    [Fact]
    public void Each_override_replaces_its_key_and_nothing_else()
    {
        var overrides = new ScenarioOverrides
        {
            Couples = 200, Seed = 7, Loss = 0.05, Delay = TimeSpan.FromMilliseconds(25),
            Duration = TimeSpan.FromSeconds(90), Shards = 2,
        };

        var (scenario, problems) = overrides.ApplyTo(TeardownStorm);

        Assert.Empty(problems);
        var expected = TeardownStorm with
        {
            Seed = 7,
            Workload = TeardownStorm.Workload with { Couples = 200 },
            Network = TeardownStorm.Network with
            {
                Baseline = TeardownStorm.Network.Baseline with { Loss = LossSpec.Bernoulli(0.05), Delay = TimeSpan.FromMilliseconds(25) },
            },
            Run = TeardownStorm.Run with { Duration = TimeSpan.FromSeconds(90), Shards = 2 },
        };
        Assert.Equal(expected, scenario);
        Assert.Equal(TimeSpan.FromMilliseconds(2), scenario!.Network.Baseline.Jitter); // untouched
    }

    [Fact]
    public void A_profile_override_keeps_the_knobs_the_file_sets_under_tcp()
    {
        var file = ScenarioLoader.LoadText("name: x\nprofile: linux\ntcp: { time_wait: 30s, syn_retries: 3 }\nworkload: { couples: 1 }\n", "x.yaml").GetOrThrow();

        var (scenario, problems) = new ScenarioOverrides { Profile = TcpProfile.Bsd }.ApplyTo(file);

        Assert.Empty(problems);
        var asIfWritten = ScenarioLoader.LoadText("name: x\nprofile: bsd\ntcp: { time_wait: 30s, syn_retries: 3 }\nworkload: { couples: 1 }\n", "x.yaml").GetOrThrow();
        Assert.Equal(asIfWritten.Tcp, scenario!.Tcp);
        Assert.Equal("bsd", scenario.Tcp.Name);
        Assert.True(scenario.Tcp.Rfc1337); // bsd's own knob
        Assert.Equal(TimeSpan.FromSeconds(30), scenario.Tcp.TimeWait); // the file's knob
    }

    public static TheoryData<string> BuiltIns => [.. ScenarioCatalog.Names];

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void An_override_applies_to_every_built_in_and_changes_only_its_key(string name)
    {
        var builtIn = ScenarioCatalog.Load(name).GetOrThrow();

        var (scenario, problems) = new ScenarioOverrides { Seed = builtIn.Seed + 1 }.ApplyTo(builtIn);

        Assert.Empty(problems);
        Assert.Equal(builtIn with { Seed = builtIn.Seed + 1 }, scenario);
    }

    [Fact]
    public void More_shards_than_client_hosts_is_refused_with_the_loaders_reason()
    {
        var (scenario, problems) = new ScenarioOverrides { Shards = 50 }.ApplyTo(TeardownStorm);

        Assert.Null(scenario);
        Assert.Contains(problems, p => p.Contains("run.shards (50) exceeds the client hosts (40)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_duration_that_ends_the_run_before_a_chaos_event_is_refused()
    {
        var file = ScenarioLoader.LoadText("name: x\nworkload: { couples: 1 }\nchaos:\n  - { at: 40s, for: 10s, loss: 0.3 }\nrun: { duration: 60s }\n", "x.yaml").GetOrThrow();

        var (scenario, problems) = new ScenarioOverrides { Duration = TimeSpan.FromSeconds(30) }.ApplyTo(file);

        Assert.Null(scenario);
        Assert.Contains(problems, p => p.Contains("chaos[0] starts at 40s, at or after the end of the run (30s)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    public void A_shard_is_index_slash_count_counted_from_zero(string text, int index, int count)
    {
        Assert.True(ShardSelection.TryParse(text, out var shard, out _));
        Assert.Equal(new ShardSelection(index, count), shard);
    }

    [Theory]
    [InlineData("3/2", "shards are numbered from 0 to 1, so 3 is not one of them")]
    [InlineData("2/2", "shards are numbered from 0 to 1, so 2 is not one of them")]
    [InlineData("0/0", "the shard count must be from 1 to 4096; got 0")]
    [InlineData("1", "--shard must be INDEX/COUNT")]
    [InlineData("-1/2", "--shard must be INDEX/COUNT")]
    [InlineData("a/b", "--shard must be INDEX/COUNT")]
    public void A_shard_outside_its_count_or_not_a_fraction_is_refused(string text, string problem)
    {
        Assert.False(ShardSelection.TryParse(text, out _, out string message));
        Assert.Contains(problem, message, StringComparison.Ordinal);
    }
}
