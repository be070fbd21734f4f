using TcpActors.Runtime;
using TcpActors.Simulation.Model;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;
using TcpActors.Tcp.Host;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// One cell of a run on the simulation engine (DESIGN.md §3): its own actor system with a slice
/// of the client hosts (client host h belongs to shard h mod N), a replica of every server host,
/// one network actor, the workload, chaos and SYN-flood actors, and its model (ledger, telemetry,
/// hosts' kernels). A shard is a pure function of (scenario, seed, shard index, shard count): it
/// shares nothing with other shards.
/// </summary>
/// <remarks>This file builds the shard; Shard.Stepping.cs runs it, Shard.LiveChaos.cs applies live
/// chaos between steps, and Shard.Reporting.cs samples and reports it.</remarks>
internal sealed partial class Shard
{
    private readonly RunModel _world;
    private readonly ShardRefs _refs;
    private readonly List<HostKernel> _kernels = [];
    private readonly int[] _couples;
    private readonly List<string> _failures = [];
    /// <summary>The scenario's own <c>chaos:</c> list, before live chaos is appended to the model's.</summary>
    private readonly ValueList<ChaosEvent> _scheduledChaos;

    public Shard(Scenario scenario, int shardIndex, int shardCount, ITraceSink? trace, int traceCouples)
    {
        _scheduledChaos = scenario.Chaos;
        ShardIndex = shardIndex;
        ShardCount = shardCount;
        var plan = new WorkloadPlan(scenario);
        var local = new List<int>();
        for (int k = 0; k < plan.Couples; k++)
        {
            if (plan.ShardOf(k, shardCount) == shardIndex) local.Add(k);
        }
        _couples = [.. local];
        _world = new RunModel(scenario, new CoupleLedger(plan.Couples, trace, traceCouples), Telemetry);

        System = new ActorSystem(scenario.Seed);
        System.ActorFailed += failure =>
        {
            if (_failures.Count < 20) _failures.Add($"{failure.Actor} at {failure.At.TotalSeconds:0.######}s: {failure.Exception.GetType().Name}: {failure.Exception.Message}");
        };

        // Only client hosts that open a couple exist: couples go to hosts round-robin, so hosts
        // from the couple count on never send, and nothing is sent to them (a crash of one is a
        // no-op). 16,777,216 client hosts with 10 couples would otherwise take ≈ 10 GiB of idle
        // hosts (≈ 625 B each, docs/performance.md, "Memory estimate").
        int clientHosts = Math.Min(scenario.Hosts.Clients.Count, plan.Couples);
        _refs = new ShardRefs(_world, clientHosts, scenario.Hosts.Servers.Count);
        _refs.Network = System.Spawn(new NetworkActor(_refs, new NetworkModel(_world, (role, index) => !_refs.Host(role, index).IsNobody)));

        TcpHostOptions options = TcpHostOptions.FromProfile(scenario.Tcp);
        TcpHostOptions clientOptions = scenario.Hosts.Clients.PortRange is { } range
            ? options with { EphemeralPortMin = range.Min, EphemeralPortMax = range.Max }
            : options;
        for (int h = shardIndex; h < clientHosts; h += shardCount)
        {
            int expected = ExpectedConnections(plan, h, clientOptions);
            var tcp = new TcpHost([AddressPlan.Client(h)], clientOptions with { PortSecret = (ulong)h }, expected);
            _refs.Clients[h] = SpawnHost(HostRole.Client, h, tcp, expected);
        }
        for (int s = 0; s < _refs.Servers.Length; s++)
        {
            // A server replica holds at most the shard's couples for it at once.
            int expected = Math.Min(_couples.Length / Math.Max(1, plan.ServerHosts) + 1, 1 << 20);
            _refs.Servers[s] = SpawnHost(HostRole.Server, s, new TcpHost([AddressPlan.Server(s)], options, expected), expected);
        }
        System.Spawn(new WorkloadActor(_refs, _couples));
        System.Spawn(new ChaosActor(_refs));
        if (scenario.Workload.SynFlood is { } flood) System.Spawn(new SynFloodActor(_refs, flood, shardIndex, shardCount));
    }

    private ActorRef SpawnHost(HostRole role, int index, TcpHost tcp, int expectedEndpoints)
    {
        var kernel = new HostKernel(_world, role, index, tcp, System.Now);
        _kernels.Add(kernel);
        return System.Spawn(new HostActor(_refs, kernel, expectedEndpoints));
    }

    /// <summary>
    /// Pre-sizes a client host's tuple table for the couples it will open (at most its port range
    /// at once): growing a large table by doubling leaves large garbage arrays that cost full GCs.
    /// </summary>
    private static int ExpectedConnections(WorkloadPlan plan, int clientHost, TcpHostOptions options)
    {
        int couples = plan.Couples / plan.ClientHosts + (clientHost < plan.Couples % plan.ClientHosts ? 1 : 0);
        return Math.Min(couples, options.EphemeralPortCount);
    }

    /// <summary>The scenario; live chaos (<see cref="Live.LiveControl"/>) appends to its chaos list as the run goes.</summary>
    public Scenario Scenario => _world.Scenario;
    public int ShardIndex { get; }
    public int ShardCount { get; }
    public ActorSystem System { get; }
    public ShardTelemetry Telemetry { get; } = new();

    public int LocalCouples => _couples.Length;

    /// <summary>TEST-ONLY faults for every endpoint made from now on (<see cref="SimulationOptions"/>).</summary>
    public EndpointFaults EndpointFaults { init => _world.Faults = value; }
}
