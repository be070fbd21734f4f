using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Swarm;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Swarm;

/// <summary>
/// Scenario generation: a seed is the whole experiment, and every scenario it draws is valid and
/// checkable. The per-seed facts are FsCheck properties over seeds from the whole 64-bit range
/// (<see cref="SwarmSeeds"/>); <c>Replay</c> pins the draw, so a run checks the same seeds every
/// time (remove it locally to explore others; FsCheck prints the seed of a failure to replay).
/// </summary>
public class SwarmScenarioTests
{
    private static readonly SwarmSettings Settings = new();

    /// <summary>The pinned draw of seeds (FsCheck's "(seed,gamma)").</summary>
    private const string Draw = "(20261202,7046029254386353131)";

    /// <summary>Swarm seeds: any 64-bit value (FsCheck's own ulong stays near zero, where seeds would repeat).</summary>
    public static class SwarmSeeds
    {
        public static Arbitrary<ulong> Seed() =>
            (from high in Gen.Choose(int.MinValue, int.MaxValue)
             from low in Gen.Choose(int.MinValue, int.MaxValue)
             select ((ulong)(uint)high << 32) | (uint)low).ToArbitrary();
    }

    [Property(MaxTest = 20, Replay = Draw, Arbitrary = [typeof(SwarmSeeds)])]
    public void The_same_seed_draws_the_same_scenario(ulong seed) =>
        Assert.Equal(SwarmScenario.Generate(seed, Settings), SwarmScenario.Generate(seed, Settings));

    [Fact]
    public void Neighbouring_seeds_draw_different_scenarios()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (ulong seed = 1; seed <= 100; seed++)
        {
            var s = SwarmScenario.Generate(seed, Settings).Scenario;
            Assert.True(seen.Add(ScenarioWriter.Write(s with { Name = "x", Seed = 0, Description = "" })), $"seed {seed} drew a scenario another seed drew");
        }
    }

    [Property(MaxTest = 300, Replay = Draw, Arbitrary = [typeof(SwarmSeeds)])]
    public void Every_generated_scenario_is_written_as_a_file_that_validates_and_loads_back_equal(ulong seed)
    {
        var swarm = SwarmScenario.Generate(seed, Settings);
        string yaml = ScenarioWriter.Write(swarm.Scenario);
        var loaded = ScenarioLoader.LoadText(yaml, $"swarm-{seed}.yaml");

        Assert.True(loaded.Succeeded, $"seed {seed}: {string.Join("; ", loaded.Errors)}\n{yaml}");
        Assert.Equal(swarm.Scenario, loaded.Scenario);
    }

    [Fact]
    public void Three_hundred_seeds_cover_every_profile_workload_shape_closer_and_chaos_kind()
    {
        var profiles = new HashSet<string>();
        var shapes = new HashSet<WorkloadShape>();
        var closers = new HashSet<CloseBy>();
        var kinds = new HashSet<ChaosKind>();
        bool keepaliveOn = false, keepaliveOff = false, aborts = false, sharded = false, gilbertElliott = false;
        for (ulong seed = 1; seed <= 300; seed++)
        {
            var swarm = SwarmScenario.Generate(seed, Settings);
            var s = swarm.Scenario;
            profiles.Add(s.Tcp.Name);
            shapes.Add(swarm.Class.Shape);
            if (s.Workload.Close is { } close) { closers.Add(close.By); aborts |= close.Abort > 0; }
            if (s.Workload.Churn is { } churn) closers.Add(churn.By);
            foreach (var e in s.Chaos)
            {
                kinds.Add(e.Kind);
                gilbertElliott |= e.Impairments.Loss?.Kind == LossKind.GilbertElliott;
            }
            keepaliveOn |= s.Tcp.KeepaliveEnabled;
            keepaliveOff |= !s.Tcp.KeepaliveEnabled;
            sharded |= s.Run.Shards > 1;
        }

        Assert.Equal(4, profiles.Count);
        Assert.Equal(3, shapes.Count);
        Assert.Equal(4, closers.Count);
        Assert.Equal(Enum.GetValues<ChaosKind>().Length, kinds.Count);
        Assert.True(keepaliveOn, "keepalive on");
        Assert.True(keepaliveOff, "keepalive off");
        Assert.True(aborts, "aborts");
        Assert.True(sharded, "two shards");
        Assert.True(gilbertElliott, "Gilbert-Elliott loss");
    }

    [Property(MaxTest = 300, Replay = Draw, Arbitrary = [typeof(SwarmSeeds)])]
    public void All_chaos_ends_by_the_heal_and_the_quiet_tail_outlasts_time_wait_after_the_progress_deadline(ulong seed)
    {
        var swarm = SwarmScenario.Generate(seed, Settings);
        var s = swarm.Scenario;
        foreach (var e in s.Chaos)
        {
            TimeSpan end = e.Kind switch
            {
                ChaosKind.Crash => e.At + (e.RestartAfter ?? TimeSpan.MaxValue - e.At),
                ChaosKind.Drop => e.At,
                _ => e.End ?? e.At,
            };
            Assert.True(end <= swarm.HealedAt, $"seed {seed}: a {e.Kind} event lasts until {end}, after the heal at {swarm.HealedAt}");
        }
        // The healed network loses nothing and keeps order: only a constant delay remains.
        Assert.Equal(new Impairments { Delay = s.Network.Baseline.Delay }, s.Network.Baseline);
        Assert.True(swarm.ProgressDeadline > swarm.HealedAt + SwarmScenario.LongestRetransmissionGap(s.Tcp));
        Assert.True(s.Run.Duration >= swarm.ProgressDeadline + s.Tcp.TimeWait, $"seed {seed}: the run ends before TIME_WAIT can drain");
    }

    [Property(MaxTest = 30, Replay = Draw, Arbitrary = [typeof(SwarmSeeds)])]
    public void A_fixed_profile_is_used_by_every_seed(ulong seed) =>
        Assert.Equal("bsd", SwarmScenario.Generate(seed, Settings with { Profile = TcpProfile.Bsd }).Scenario.Tcp.Name);

    [Fact]
    public void The_longest_retransmission_gap_is_the_larger_of_max_rto_and_the_doubled_syn_timer()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), SwarmScenario.LongestRetransmissionGap(TcpProfile.Linux));   // max_rto 120 s > 2^6 s
        Assert.Equal(TimeSpan.FromSeconds(128), SwarmScenario.LongestRetransmissionGap(TcpProfile.Rfc9293)); // SYNs at 63 s and 127 s
    }

    [Fact]
    public void Settings_below_one_couple_or_a_twenty_second_active_phase_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SwarmScenario.Generate(1, Settings with { Couples = 0 }));
        Assert.Throws<ArgumentException>(() => SwarmScenario.Generate(1, Settings with { ActiveDuration = TimeSpan.FromSeconds(10) }));
    }
}
