using TcpActors.Simulation.Reporting;

namespace TcpActors.Simulation.Tests.Engine;

public class DeterminismTests
{
    private static TcpActors.Simulation.Scenarios.Scenario Lossy() =>
        Runs.BuiltIn("teardown-storm").WithCouples(1_000).WithDuration(TimeSpan.FromSeconds(90)).WithShards(2);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void The_same_scenario_and_seed_give_the_same_digest_twice(string engine)
    {
        var a = Runs.Run(Lossy(), engine);
        var b = Runs.Run(Lossy(), engine);

        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(64, a.Digest.Length);
        Assert.Equal(ReportDigest.CanonicalText(a), ReportDigest.CanonicalText(b));
    }

    /// <summary>
    /// DESIGN.md §2: every engine drives the same model and must end a scenario in the same
    /// simulated world; the digest leaves out what may differ (wall time, the report's engine
    /// statistics). Trivial while the simulation engine is the only one; it holds each engine
    /// that joins <see cref="Engines"/> to the simulation engine's result.
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Every_engine_gives_the_simulation_engines_digest(string engine)
    {
        var sim = Runs.Run(Lossy(), Engines.Sim);
        var other = Runs.Run(Lossy(), engine);

        Assert.Equal(ReportDigest.CanonicalText(sim), ReportDigest.CanonicalText(other));
        Assert.Equal(sim.Digest, other.Digest);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Two_threads_give_the_same_digest_as_one(string engine)
    {
        var one = Runs.Run(Lossy(), engine, new SimulationOptions { Threads = 1 });
        var two = Runs.Run(Lossy(), engine, new SimulationOptions { Threads = 2 });

        Assert.Equal(one.Digest, two.Digest);
        Assert.Equal(2, two.Threads);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_different_seed_gives_a_different_digest(string engine)
    {
        var a = Runs.Run(Lossy(), engine);
        var b = Runs.Run(Lossy() with { Seed = 43 }, engine);

        Assert.NotEqual(a.Digest, b.Digest);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void The_shard_count_changes_the_run_but_every_couple_still_ends_once(string engine)
    {
        var one = Runs.Run(Lossy().WithShards(1), engine);
        var two = Runs.Run(Lossy(), engine);

        Assert.NotEqual(one.Digest, two.Digest);
        Assert.Equal(1_000, one.Outcomes.Completed);
        Assert.Equal(1_000, two.Outcomes.Completed);
        Assert.Equal(1_000, two.Peaks["time_wait"].Count);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Shards_run_in_separate_processes_and_merged_give_the_in_process_digest(string engine)
    {
        var whole = Runs.Run(Lossy(), engine);
        var shard0 = Runs.Run(Lossy(), engine, new SimulationOptions { ShardIndex = 0 });
        var shard1 = Runs.Run(Lossy(), engine, new SimulationOptions { ShardIndex = 1 });

        Assert.Equal([0], shard0.ShardIndexes);
        Assert.Equal(500, shard0.Couples);
        var merged = ReportMerger.Merge([shard1, shard0]);
        Assert.Equal(whole.Digest, merged.Digest);
        Assert.Equal(whole.Outcomes, merged.Outcomes);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Reports_written_to_run_directories_read_back_and_merge_to_the_same_digest(string engine)
    {
        string root = Path.Combine(Path.GetTempPath(), "tcpactors-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var whole = Runs.Run(Lossy(), engine);
            for (int i = 0; i < 2; i++)
                RunDirectory.Write(Runs.Run(Lossy(), engine, new SimulationOptions { ShardIndex = i }), Path.Combine(root, $"s{i}"));

            var read = new[] { RunDirectory.Read(Path.Combine(root, "s0")), RunDirectory.Read(Path.Combine(root, "s1")) };
            var merged = ReportMerger.Merge(read);

            Assert.Equal(whole.Digest, merged.Digest);
            Assert.Empty(Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories));
            string csv = File.ReadAllLines(Path.Combine(root, "s0", RunDirectory.TimeSeriesFile))[0];
            Assert.StartsWith("t_seconds,closed,listen,syn_sent,syn_received,established,fin_wait_1,fin_wait_2,close_wait,closing,last_ack,time_wait,closed_min,closed_max,listen_min,", csv);
            Assert.EndsWith(",time_wait_min,time_wait_max", csv);
            Assert.True(File.Exists(Path.Combine(root, "s0", RunDirectory.CensusStepsFile)), "a shard run apart keeps its census steps for the merge");
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void Merging_a_shard_twice_is_refused(string engine)
    {
        var shard0 = Runs.Run(Lossy(), engine, new SimulationOptions { ShardIndex = 0 });

        Assert.Throws<ArgumentException>(() => ReportMerger.Merge([shard0, shard0]));
    }
}
