using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Tests.Scenarios;

public class HostSelectorTests
{
    [Theory]
    [InlineData("clients", HostRole.Client, true, 0, 0)]
    [InlineData("servers", HostRole.Server, true, 0, 0)]
    [InlineData("server-0", HostRole.Server, false, 0, 0)]
    [InlineData("client-7", HostRole.Client, false, 7, 7)]
    [InlineData("client-0..4", HostRole.Client, false, 0, 4)]
    public void Selectors_name_a_group_one_host_or_a_range(string text, HostRole role, bool group, int first, int last)
    {
        Assert.True(HostSelector.TryParse(text, out var s));
        Assert.Equal(role, s.Role);
        Assert.Equal(group, s.IsGroup);
        if (!group) Assert.Equal((first, last), (s.First, s.Last));
        Assert.Equal(text, s.ToString());
    }

    [Theory]
    [InlineData("client")]
    [InlineData("client-")]
    [InlineData("client-a")]
    [InlineData("client-1..")]
    [InlineData("host-1")]
    [InlineData("Clients")]
    [InlineData("client--1")]
    public void Anything_else_is_not_a_selector(string text) => Assert.False(HostSelector.TryParse(text, out _));

    [Fact]
    public void A_range_contains_its_ends_and_only_hosts_of_its_role()
    {
        Assert.True(HostSelector.TryParse("client-2..4", out var s));
        Assert.False(s.Contains(HostRole.Client, 1));
        Assert.True(s.Contains(HostRole.Client, 2));
        Assert.True(s.Contains(HostRole.Client, 4));
        Assert.False(s.Contains(HostRole.Client, 5));
        Assert.False(s.Contains(HostRole.Server, 3));
        Assert.Equal((0, 9), HostSelector.Clients.Resolve(10));
        Assert.Equal((2, 4), s.Resolve(10));
    }

    [Fact]
    public void A_pair_covers_links_in_both_directions_between_its_groups()
    {
        var pair = new HostPair(HostSelector.One(HostRole.Client, 0), HostSelector.Servers);
        Assert.True(pair.Contains(HostRole.Client, 0, HostRole.Server, 3));
        Assert.True(pair.Contains(HostRole.Server, 3, HostRole.Client, 0));
        Assert.False(pair.Contains(HostRole.Client, 1, HostRole.Server, 3));
    }

    [Fact]
    public void Selectors_in_a_scenario_are_checked_against_its_host_counts()
    {
        const string yaml = """
            name: sel
            hosts: { clients: { count: 5 }, servers: { count: 2 } }
            workload: { couples: 1 }
            network:
              links:
                - { between: [client-0..4, server-1], delay: 5ms }
            chaos:
              - { at: 1s, crash: server-2 }
              - { at: 2s, for: 1s, between: [client-4..2, servers], blackhole: true }
            """;
        var errors = ScenarioLoader.LoadText(yaml, "sel.yaml").Errors;
        Assert.Collection(errors,
            e => Assert.Equal("sel.yaml:8:22: chaos[0].crash: 'server-2' names a host that does not exist (there are 2 servers: server-0..1)", e.ToString()),
            e => Assert.Equal("sel.yaml:9:34: chaos[1].between[0]: range 'client-4..2' runs backwards; write client-2..4", e.ToString()));
    }
}
