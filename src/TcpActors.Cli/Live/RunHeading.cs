using TcpActors.Simulation.Scenarios;

namespace TcpActors.Cli.Live;

/// <summary>What a run is, in one line: the scenario and the knobs that decide its result.</summary>
internal sealed record RunHeading(string Scenario, ulong Seed, string Profile, int Couples, int Shards, string ShardLabel, int Threads)
{
    public static RunHeading Of(Scenario scenario, int? shardIndex, int threads) => new(
        scenario.Name, scenario.Seed, scenario.Tcp.Name, scenario.Workload.Couples, scenario.Run.Shards,
        shardIndex is { } i ? $"shard {i}/{scenario.Run.Shards}" : $"{scenario.Run.Shards} shard{(scenario.Run.Shards == 1 ? "" : "s")}",
        threads);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Scenario}: {Couples:N0} couple{(Couples == 1 ? "" : "s")}, seed {Seed}, profile {Profile}, {ShardLabel}, {Threads} thread{(Threads == 1 ? "" : "s")}";
}
