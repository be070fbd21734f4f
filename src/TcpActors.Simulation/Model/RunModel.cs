using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Model;

/// <summary>
/// What the model's parts of one shard share: the scenario's plan, the TCP profiles, the couple
/// ledger and the telemetry sink. Plain data and model objects, no engine: an engine builds one
/// per shard and hands it to the endpoints, hosts and network it drives.
/// </summary>
internal sealed class RunModel
{
    public RunModel(Scenario scenario, CoupleLedger ledger, ITelemetrySink telemetry)
    {
        Scenario = scenario;
        Plan = new WorkloadPlan(scenario);
        Ledger = ledger;
        Telemetry = telemetry;
        Profile = scenario.Tcp;
        IdleProfile = Plan.IdleKeepalive && !scenario.Tcp.KeepaliveEnabled ? scenario.Tcp with { KeepaliveEnabled = true } : scenario.Tcp;
    }

    /// <summary>The scenario; live chaos appends to its chaos list as the run goes.</summary>
    public Scenario Scenario { get; set; }

    public WorkloadPlan Plan { get; }

    public CoupleLedger Ledger { get; }

    public ITelemetrySink Telemetry { get; }

    /// <summary>The scenario's TCP profile.</summary>
    public TcpProfile Profile { get; }

    /// <summary>The profile of idle couples: keepalive on when the workload asks for it.</summary>
    public TcpProfile IdleProfile { get; }

    /// <summary>TEST-ONLY faults for every endpoint (<see cref="SimulationOptions"/>).</summary>
    public EndpointFaults Faults { get; set; }

    /// <summary>The profile of an endpoint of a couple with <paramref name="flags"/>.</summary>
    public TcpProfile ProfileFor(CoupleFlags flags) => (flags & CoupleFlags.Idle) != 0 ? IdleProfile : Profile;
}
