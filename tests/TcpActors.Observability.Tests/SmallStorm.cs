using TcpActors.Simulation;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Tracing;

namespace TcpActors.Observability.Tests;

/// <summary>
/// A teardown storm small enough for a unit test: 20 couples open over 2 s, exchange a request
/// and a 1 KB response, and every client closes at t = 10 s; TIME_WAIT (60 s on Linux) drains
/// before the run ends at 80 s. Loss is a parameter: 0 is the clean network of the pcap checks.
/// </summary>
internal static class SmallStorm
{
    public const int Couples = 20;

    public static Scenario Scenario(string loss = "0", int couples = Couples, ulong seed = 7) => ScenarioLoader.LoadText($$"""
        name: small-storm
        seed: {{seed}}
        profile: linux
        hosts:
          clients: { count: 2 }
          servers: { count: 1, port: 80 }
        network: { delay: 10ms, jitter: 2ms, jitter_distribution: normal, loss: {{loss}} }
        workload:
          couples: {{couples}}
          open: { at: 0s, over: 2s }
          exchange: { request: 100B, response: 1KB }
          close: { at: 10s, over: 0s, by: client }
        run: { duration: 80s, sample_every: 1s, shards: 1 }
        """, "small-storm.yaml").GetOrThrow();

    /// <summary>Runs the storm with every couple traced into <paramref name="sink"/>.</summary>
    public static RunReport Run(ITraceSink sink, string loss = "0", int couples = Couples) =>
        SimulationRunner.Run(Scenario(loss, couples), new SimulationOptions { TraceCouples = couples, Trace = sink });
}
