using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Scenarios;

public class ScenarioWriterTests
{
    public static TheoryData<string> BuiltIn => new(ScenarioCatalog.Names);

    [Theory]
    [MemberData(nameof(BuiltIn))]
    public void A_built_in_scenario_written_and_loaded_again_is_equal(string name)
    {
        var original = ScenarioCatalog.Load(name).GetOrThrow();
        string yaml = ScenarioWriter.Write(original);
        var result = ScenarioLoader.LoadText(yaml, "written.yaml");

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors) + Environment.NewLine + yaml);
        Assert.Equal(original, result.Scenario);
        Assert.Equal(yaml, ScenarioWriter.Write(result.Scenario!));
    }

    [Fact]
    public void A_scenario_using_every_key_survives_the_round_trip()
    {
        var original = new Scenario
        {
            Name = "everything",
            Description = "quotes \" and \\ and\nnewlines: all escaped",
            Seed = ulong.MaxValue,
            Tcp = TcpProfile.Windows with
            {
                TimeWait = TimeSpan.FromTicks(12_345_678), FinTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(75),
                KeepaliveEnabled = true, KeepaliveProbes = 2, MaxTwBuckets = 100, Rfc1337 = true, AbortOnOverflow = true,
                EphemeralPortMin = 1024, EphemeralPortMax = 2047, Mss = 1200, ReceiveWindow = 1000,
            },
            Hosts = new HostsSpec
            {
                Clients = new ClientHosts { Count = 6, PortRange = new PortRange(5000, 5999) },
                Servers = new ServerHosts { Count = 3, Port = 8443, Backlog = 7 },
            },
            Network = new NetworkSpec
            {
                Baseline = new Impairments
                {
                    Delay = TimeSpan.FromMilliseconds(12.5), Jitter = TimeSpan.FromMilliseconds(3), JitterDistribution = JitterDistribution.ParetoNormal,
                    DelayCorrelation = 0.25, Loss = LossSpec.Bernoulli(1.0 / 3, 0.5), Duplicate = 0.001, Reorder = 0.02, Corrupt = 1e-5,
                    Rate = new RateLimit { BytesPerSecond = 1536, QueueLimit = 9 },
                },
                Links = new ValueList<LinkRule>([
                    new LinkRule
                    {
                        Between = new HostPair(new HostSelector(HostRole.Client, 1, 3, false), HostSelector.One(HostRole.Server, 2)),
                        Direction = DirectionSelector.ServerToClient,
                        Impairments = new ImpairmentOverride { Loss = LossSpec.GilbertElliott(0.01, 0.3, 0.9, 0.001), Rate = new RateLimit { PacketsPerSecond = 123.5 } },
                    },
                ]),
            },
            Workload = new WorkloadSpec
            {
                Couples = 1234,
                Open = new OpenSpec { At = TimeSpan.FromSeconds(1), RatePerSecond = 1000.0 / 60 },
                Exchange = new ExchangeSpec { RequestBytes = 1536, ResponseBytes = 3 << 20 },
                Close = new CloseSpec { At = TimeSpan.FromSeconds(30), Over = TimeSpan.FromSeconds(2), By = CloseBy.Random, Abort = 0.1, PassiveDelay = TimeSpan.FromMilliseconds(1500), Leak = 0.05 },
                Idle = new IdleSpec { Fraction = 0.2, Keepalive = false },
                SynFlood = new SynFloodSpec { At = TimeSpan.FromSeconds(5), For = TimeSpan.FromSeconds(10), RatePerSecond = 5000, Target = HostSelector.Servers },
            },
            Chaos = new ValueList<ChaosEvent>([
                new ChaosEvent { At = TimeSpan.FromSeconds(40), For = TimeSpan.FromSeconds(10), Impairments = new ImpairmentOverride { Loss = LossSpec.Bernoulli(0.3), Delay = TimeSpan.FromMilliseconds(200) } },
                new ChaosEvent { At = TimeSpan.FromSeconds(50), For = TimeSpan.FromSeconds(5), Kind = ChaosKind.Partition, OneWay = true, Between = new HostPair(HostSelector.Servers, HostSelector.One(HostRole.Client, 5)) },
                new ChaosEvent { At = TimeSpan.FromSeconds(51), For = TimeSpan.FromSeconds(1), Kind = ChaosKind.Blackhole, Direction = DirectionSelector.ClientToServer },
                new ChaosEvent { At = TimeSpan.FromSeconds(52), For = TimeSpan.FromSeconds(2), Kind = ChaosKind.Clog, Between = new HostPair(HostSelector.One(HostRole.Client, 0), HostSelector.Servers) },
                new ChaosEvent { At = TimeSpan.FromSeconds(60), Kind = ChaosKind.Crash, Crash = new HostSelector(HostRole.Server, 0, 1, false), RestartAfter = TimeSpan.FromSeconds(5) },
                new ChaosEvent { At = TimeSpan.FromSeconds(61), Kind = ChaosKind.Crash, Crash = HostSelector.One(HostRole.Client, 2) },
                new ChaosEvent { At = TimeSpan.FromSeconds(70), Kind = ChaosKind.Drop, DropFlags = TcpFlags.Fin | TcpFlags.Ack, Direction = DirectionSelector.ServerToClient, DropCount = 3 },
                new ChaosEvent { At = TimeSpan.FromSeconds(80), For = TimeSpan.FromSeconds(1), Kind = ChaosKind.Rst, RstFraction = 0.75, RstSequence = RstSequence.OutOfWindow },
            ]),
            Run = new RunSpec { Duration = TimeSpan.FromSeconds(100), SampleEvery = TimeSpan.FromMilliseconds(100), Shards = 3 },
        };

        string yaml = ScenarioWriter.Write(original);
        var result = ScenarioLoader.LoadText(yaml, "everything.yaml");

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors) + Environment.NewLine + yaml);
        Assert.Equal(original, result.Scenario);
    }

    [Fact]
    public void A_churn_scenario_round_trips_without_an_open_section()
    {
        var original = new Scenario
        {
            Name = "churn",
            Workload = new WorkloadSpec { Couples = 10, Open = null, Churn = new ChurnSpec { RatePerSecond = 5, Lifetime = TimeSpan.FromSeconds(1), By = CloseBy.Server } },
        };
        string yaml = ScenarioWriter.Write(original);
        Assert.DoesNotContain("open:", yaml);
        Assert.Equal(original, ScenarioLoader.LoadText(yaml, "c.yaml").GetOrThrow());
    }

    [Fact]
    public void Writing_to_a_file_leaves_a_complete_file_that_loads()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tcpactors-writer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "swarm-1.yaml");
            var scenario = ScenarioCatalog.Load("rst-storm").GetOrThrow();
            ScenarioWriter.WriteFile(scenario, path);
            Assert.Equal(scenario, ScenarioLoader.LoadFile(path).GetOrThrow());
            Assert.Equal([path], Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
