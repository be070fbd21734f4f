using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Engine;

/// <summary>Loading built-in scenarios scaled down for test speed, running them on an engine, and reading reports.</summary>
internal static class Runs
{
    public static Scenario BuiltIn(string name)
    {
        var result = ScenarioCatalog.Load(name);
        Assert.True(result.Scenario is not null, string.Join("\n", result.Errors));
        return result.Scenario!;
    }

    public static Scenario Yaml(string yaml)
    {
        var result = ScenarioLoader.LoadText(yaml, "test.yaml");
        Assert.True(result.Scenario is not null, string.Join("\n", result.Errors));
        return result.Scenario!;
    }

    public static Scenario WithCouples(this Scenario scenario, int couples) =>
        scenario with { Workload = scenario.Workload with { Couples = couples } };

    public static Scenario WithDuration(this Scenario scenario, TimeSpan duration) =>
        scenario with { Run = scenario.Run with { Duration = duration } };

    public static Scenario WithShards(this Scenario scenario, int shards) =>
        scenario with { Run = scenario.Run with { Shards = shards } };

    /// <summary>
    /// Runs <paramref name="scenario"/> on the engine named <paramref name="engine"/> (one of
    /// <see cref="Engines.Names"/>): the one way tests run a simulation, so that each runs on every engine.
    /// </summary>
    public static RunReport Run(Scenario scenario, string engine, SimulationOptions? options = null, CancellationToken cancellation = default) =>
        SimulationRunner.Run(scenario, (options ?? new SimulationOptions()) with { Engine = Engines.Get(engine) }, cancellation);

    /// <summary>The sampled count of a state at virtual second <paramref name="seconds"/>.</summary>
    public static long CountAt(this RunReport report, TcpState state, double seconds)
    {
        var series = report.TimeSeries;
        for (int row = 0; row < series.Rows; row++)
        {
            if (Math.Abs(series.TimeAt(row).TotalSeconds - seconds) < 1e-9) return series.Count(row, state);
        }
        throw new ArgumentException($"no sample at {seconds}s");
    }

    public static void AssertInvariantsHold(RunReport report) =>
        Assert.True(report.Invariants.Ok, "invariants: " + string.Join("; ", report.Invariants.Violations));
}
