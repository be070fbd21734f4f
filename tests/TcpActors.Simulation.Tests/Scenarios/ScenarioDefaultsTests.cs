using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Scenarios;

public class ScenarioDefaultsTests
{
    [Fact]
    public void A_minimal_scenario_gets_every_documented_default()
    {
        var s = ScenarioLoader.LoadText("name: tiny\nworkload: { couples: 3 }\n", "tiny.yaml").GetOrThrow();

        Assert.Equal("tiny", s.Name);
        Assert.Equal("", s.Description);
        Assert.Equal(1UL, s.Seed);
        Assert.Same(TcpProfile.Linux, s.Tcp);
        Assert.Equal(new HostsSpec(), s.Hosts);
        Assert.Equal(1, s.Hosts.Clients.Count);
        Assert.Null(s.Hosts.Clients.PortRange);
        Assert.Equal((1, (ushort)80, (int?)null), (s.Hosts.Servers.Count, s.Hosts.Servers.Port, s.Hosts.Servers.Backlog));
        Assert.Equal(Impairments.None, s.Network.Baseline);
        Assert.Empty(s.Network.Links);
        Assert.Equal(3, s.Workload.Couples);
        Assert.Equal(new OpenSpec(), s.Workload.Open);
        Assert.Null(s.Workload.Exchange);
        Assert.Null(s.Workload.Close);
        Assert.Null(s.Workload.Churn);
        Assert.Null(s.Workload.Idle);
        Assert.Null(s.Workload.SynFlood);
        Assert.Empty(s.Chaos);
        Assert.Equal(new RunSpec { Duration = TimeSpan.FromSeconds(120), SampleEvery = TimeSpan.FromSeconds(1), Shards = 1 }, s.Run);
    }

    [Fact]
    public void Tcp_knobs_override_the_named_profile_one_by_one()
    {
        const string yaml = """
            name: knobs
            profile: bsd
            tcp:
              time_wait: 30s
              fin_timeout: none
              initial_rto: 500ms
              min_rto: 100ms
              max_rto: 30s
              syn_retries: 3
              syn_linear_timeouts: 2
              connect_timeout: none
              synack_retries: 2
              data_retries: 8
              delayed_ack: 0s
              keepalive: { enabled: true, idle: 10s, interval: 2s, probes: 4 }
              rfc1337: false
              tw_reuse: 1
              max_tw_buckets: 5000
              port_range: [40000, 40999]
              syn_backlog: 64
              backlog: 32
              syncookies: true
              abort_on_overflow: true
              mss: 536
              receive_window: 8192
            workload: { couples: 1 }
            """;
        var t = ScenarioLoader.LoadText(yaml, "k.yaml").GetOrThrow().Tcp;

        Assert.Equal(TcpProfile.Bsd with
        {
            TimeWait = TimeSpan.FromSeconds(30), FinTimeout = null, InitialRto = TimeSpan.FromMilliseconds(500),
            MinRto = TimeSpan.FromMilliseconds(100), MaxRto = TimeSpan.FromSeconds(30), SynRetries = 3,
            SynLinearTimeouts = 2, ConnectTimeout = null, SynAckRetries = 2, DataRetries = 8, DelayedAck = TimeSpan.Zero,
            KeepaliveEnabled = true, KeepaliveIdle = TimeSpan.FromSeconds(10), KeepaliveInterval = TimeSpan.FromSeconds(2),
            KeepaliveProbes = 4, Rfc1337 = false, TwReuse = 1, MaxTwBuckets = 5000, EphemeralPortMin = 40000,
            EphemeralPortMax = 40999, SynBacklog = 64, AcceptBacklog = 32, Syncookies = true, AbortOnOverflow = true,
            Mss = 536, ReceiveWindow = 8192,
        }, t);
        Assert.Equal("bsd", t.Name);
    }

    [Fact]
    public void Loss_can_be_a_probability_a_percentage_or_a_model()
    {
        static LossSpec Loss(string value) =>
            ScenarioLoader.LoadText($"name: l\nworkload: {{ couples: 1 }}\nnetwork: {{ loss: {value} }}\n", "l.yaml").GetOrThrow().Network.Baseline.Loss;

        Assert.Equal(LossSpec.Bernoulli(0.01), Loss("0.01"));
        Assert.Equal(LossSpec.Bernoulli(0.01), Loss("1%"));
        Assert.Equal(LossSpec.None, Loss("0"));
        Assert.Equal(LossSpec.Bernoulli(0.1, 0.25), Loss("{ model: bernoulli, p: 0.1, correlation: 0.25 }"));
        // tc-netem(8) defaults: r = 1 - p, 1-h = 1, 1-k = 0.
        Assert.Equal(LossSpec.GilbertElliott(0.05, 0.95, 1, 0), Loss("{ model: gilbert_elliott, p: 0.05 }"));
        Assert.Equal(LossSpec.GilbertElliott(0.05, 0.2, 0.8, 0.01), Loss("{ model: gilbert_elliott, p: 5%, r: 20%, 1-h: 0.8, 1-k: 0.01 }"));
    }

    [Fact]
    public void Network_rate_limits_are_in_packets_or_bytes_per_second_with_a_queue()
    {
        static RateLimit? Rate(string value) =>
            ScenarioLoader.LoadText($"name: r\nworkload: {{ couples: 1 }}\nnetwork: {{ rate: {value} }}\n", "r.yaml").GetOrThrow().Network.Baseline.Rate;

        Assert.Equal(new RateLimit { PacketsPerSecond = 10_000 }, Rate("10000/s"));
        Assert.Equal(new RateLimit { BytesPerSecond = 1 << 20, QueueLimit = 50 }, Rate("{ limit: 1MB/s, queue: 50 }"));
    }

    [Fact]
    public void The_design_documents_example_scenario_loads_as_written()
    {
        // DESIGN.md §6, verbatim apart from the comments.
        const string yaml = """
            name: teardown-storm
            description: every client closes at t=30s
            seed: 42
            profile: linux
            tcp: { time_wait: 60s, syn_retries: 6, tw_reuse: 0, keepalive: { enabled: false } }
            hosts:
              clients: { count: 10 }
              servers: { count: 1, port: 80, backlog: 4096 }
            network: { delay: 10ms, jitter: 2ms, jitter_distribution: normal, loss: 0.01,
                       duplicate: 0, reorder: 0, corrupt: 0 }
            workload:
              couples: 10000
              open:  { at: 0s, over: 5s }
              exchange: { request: 100B, response: 1KB }
              close: { at: 30s, over: 0s, by: client, abort: 0 }
            chaos:
              - { at: 40s, for: 10s, loss: 0.3 }
              - { at: 60s, for: 20s, partition: { between: [clients, servers] } }
              - { at: 90s, crash: server-0, restart_after: 5s }
              - { at: 120s, for: 5s, delay: 200ms, direction: server_to_client, between: [client-0..4, servers] }
              - { at: 150s, drop: { flags: [ACK], direction: client_to_server, count: 1 } }
            run: { duration: 200s, sample_every: 1s, shards: 1 }
            """;
        var s = ScenarioLoader.LoadText(yaml, "design.yaml").GetOrThrow();

        Assert.Equal(TcpProfile.Linux with { TwReuse = 0 }, s.Tcp);
        Assert.Equal(4096, s.Hosts.Servers.Backlog);
        Assert.Equal(JitterDistribution.Normal, s.Network.Baseline.JitterDistribution);
        Assert.Equal(
            [ChaosKind.Impair, ChaosKind.Partition, ChaosKind.Crash, ChaosKind.Impair, ChaosKind.Drop],
            s.Chaos.Select(c => c.Kind));
        Assert.Equal(new ImpairmentOverride { Loss = LossSpec.Bernoulli(0.3) }, s.Chaos[0].Impairments);
        Assert.Equal(HostSelector.One(HostRole.Server, 0), s.Chaos[2].Crash);
        Assert.Equal(TimeSpan.FromSeconds(5), s.Chaos[2].RestartAfter);
        Assert.Equal(DirectionSelector.ServerToClient, s.Chaos[3].Direction);
        Assert.Equal("[client-0..4, servers]", s.Chaos[3].Between.ToString());
        Assert.Equal((TcpFlags.Ack, DirectionSelector.ClientToServer, 1), (s.Chaos[4].DropFlags, s.Chaos[4].Direction, s.Chaos[4].DropCount));
    }

    [Fact]
    public void Anchors_and_aliases_share_values_between_sections()
    {
        const string yaml = """
            name: anchors
            network: { delay: &rtt 25ms }
            workload: { couples: 1 }
            chaos:
              - { at: 1s, for: 1s, delay: *rtt, loss: 0.5 }
            """;
        var s = ScenarioLoader.LoadText(yaml, "a.yaml").GetOrThrow();
        Assert.Equal(TimeSpan.FromMilliseconds(25), s.Chaos[0].Impairments.Delay);
    }
}
