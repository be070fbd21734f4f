using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Scenarios;

public class NetworkSpecTests
{
    private const string Yaml = """
        name: links
        hosts: { clients: { count: 10 }, servers: { count: 2 } }
        network:
          delay: 10ms
          loss: 1%
          links:
            - { between: [client-0..4, servers], direction: server_to_client, delay: 200ms }
            - { between: [client-4, server-1], delay: 1ms, duplicate: 0.5 }
        workload: { couples: 1 }
        chaos:
          - { at: 40s, for: 10s, loss: 0.3 }
          - { at: 45s, for: 10s, between: [client-0, servers], loss: 0.9 }
          - { at: 60s, for: 5s, partition: { between: [servers, client-9], one_way: true } }
          - { at: 70s, drop: { flags: [FIN, ACK], direction: server_to_client, count: 2 } }
        """;

    private static readonly Scenario S = ScenarioLoader.LoadText(Yaml, "links.yaml").GetOrThrow();

    [Fact]
    public void A_link_outside_every_rule_gets_the_baseline()
    {
        Assert.Equal(S.Network.Baseline, S.Network.For(LinkId.ClientToServer(7, 0)));
        Assert.Equal(S.Network.Baseline, S.Network.For(LinkId.ClientToServer(0, 0))); // rule 0 is server_to_client only
    }

    [Fact]
    public void Matching_link_rules_apply_in_file_order_and_the_later_one_wins()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(200), S.Network.For(LinkId.ServerToClient(0, 3)).Delay);
        var both = S.Network.For(LinkId.ServerToClient(1, 4));
        Assert.Equal((TimeSpan.FromMilliseconds(1), 0.5, LossSpec.Bernoulli(0.01)), (both.Delay, both.Duplicate, both.Loss));
    }

    [Fact]
    public void Chaos_impairments_hold_only_inside_their_window_and_on_their_links()
    {
        var link = LinkId.ClientToServer(0, 1);
        Assert.Equal(LossSpec.Bernoulli(0.01), S.Network.At(link, TimeSpan.FromSeconds(39.999), S.Chaos).Loss);
        Assert.Equal(LossSpec.Bernoulli(0.3), S.Network.At(link, TimeSpan.FromSeconds(40), S.Chaos).Loss);
        Assert.Equal(LossSpec.Bernoulli(0.9), S.Network.At(link, TimeSpan.FromSeconds(47), S.Chaos).Loss);
        Assert.Equal(LossSpec.Bernoulli(0.3), S.Network.At(LinkId.ClientToServer(1, 1), TimeSpan.FromSeconds(47), S.Chaos).Loss);
        Assert.Equal(LossSpec.Bernoulli(0.9), S.Network.At(link, TimeSpan.FromSeconds(50), S.Chaos).Loss);
        Assert.Equal(LossSpec.Bernoulli(0.01), S.Network.At(link, TimeSpan.FromSeconds(55), S.Chaos).Loss);
    }

    [Fact]
    public void A_one_way_partition_cuts_only_from_its_first_group_to_its_second()
    {
        var partition = S.Chaos[2];
        Assert.True(partition.IsActiveAt(TimeSpan.FromSeconds(60)));
        Assert.False(partition.IsActiveAt(TimeSpan.FromSeconds(65)));
        Assert.True(partition.Selects(LinkId.ServerToClient(1, 9)));
        Assert.False(partition.Selects(LinkId.ClientToServer(9, 1)));
        Assert.False(partition.Selects(LinkId.ServerToClient(1, 8)));
    }

    [Fact]
    public void A_drop_event_becomes_the_targeted_drop_rule_the_network_applies()
    {
        var rule = S.Chaos[3].ToTargetedDrop();
        Assert.Equal((TcpFlags.Fin | TcpFlags.Ack, DirectionSelector.ServerToClient, 2, TimeSpan.FromSeconds(70)),
            (rule.Flags, rule.Direction, rule.Count, rule.At));
        Assert.Throws<InvalidOperationException>(() => S.Chaos[0].ToTargetedDrop());
    }
}
