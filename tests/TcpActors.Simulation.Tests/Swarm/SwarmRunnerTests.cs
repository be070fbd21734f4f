using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TcpActors.Simulation.Swarm;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Swarm;

/// <summary>
/// The swarm itself: a small one passes, results depend on the seed alone, and a deliberately
/// broken TCP (the test-only <see cref="EndpointFaults"/> hook) is caught within 50 seeds. The
/// fact over random seeds, threads and places is an FsCheck property with a pinned draw
/// (<see cref="Draw"/>); the seed ranges of the CI swarm and of the fault search are fixed on
/// purpose (a failing CI seed must be the same one on every machine, and "within 50 seeds" is a
/// search for the first catch, not a fact about every seed).
/// </summary>
public class SwarmRunnerTests
{
    private static readonly SwarmSettings Settings = new();

    /// <summary>The pinned draw (FsCheck's "(seed,gamma)"): every run checks the same placements.</summary>
    private const string Draw = "(20261203,7046029254386353131)";

    /// <summary>How many seeds the swarm around a placed seed runs.</summary>
    private const int SwarmOf = 6;

    /// <summary>A seed, its place among the <see cref="SwarmOf"/> seeds of a swarm that starts at <c>Seed − Place</c>, and the swarm's threads.</summary>
    public sealed record Placement(ulong Seed, int Place, int Threads)
    {
        public override string ToString() => $"seed {Seed} at place {Place} of a swarm from {Seed - (ulong)Place} on {Threads} thread(s)";
    }

    public static class Placements
    {
        public static Arbitrary<Placement> Placement() =>
            (from seed in SwarmScenarioTests.SwarmSeeds.Seed().Generator
             from place in Gen.Choose(0, SwarmOf - 1)
             from threads in Gen.Choose(1, 3)
             // Kept inside the 64-bit range with the whole swarm around it.
             select new Placement(Math.Clamp(seed, (ulong)SwarmOf, ulong.MaxValue - SwarmOf), place, threads)).ToArbitrary();
    }

    /// <summary>Seeds 1..: they include every seed of 1..1000 that found the keepalive-probe bug below.</summary>
    private const ulong CiFrom = 1;

    /// <summary>
    /// The CI budget (docs/reliability.md, "CI and the large run"): a Debug build spends about 22 ms
    /// of CPU on a seed of 200 couples, so 6,000 seeds take about 130 CPU seconds, a minute or two
    /// on a 2-core machine. A bug that fails 1 seed in 5,000 (as seed 59717's did) is caught with a
    /// chance of 1 − e^(−6000/5000) ≈ 70 %; the documented long run takes the rest.
    /// </summary>
    private const int CiSeeds = 6000;

    [Fact]
    public void A_swarm_of_6000_seeds_of_200_couples_holds_every_invariant_and_liveness_check()
    {
        var report = SwarmRunner.Run(CiFrom, CiSeeds, Settings, threads: Environment.ProcessorCount);

        Assert.Equal(CiSeeds, report.SeedsRun);
        Assert.True(report.Passed, string.Join("\n", report.Failed.Select(f => $"seed {f.Seed}: {string.Join("; ", f.Failures)}")));
        Assert.True(report.Classes.Count > 40, $"{CiSeeds} seeds should fall in many classes, not {report.Classes.Count}");
        long couples = 0;
        foreach (var row in report.Classes) couples += row.Outcomes.Ended;
        Assert.Equal((long)CiSeeds * 200, couples);
    }

    /// <summary>
    /// The first bug the swarm found (seeds 19, 94, 185, … of 1..1000): a client whose final ACK was
    /// lost is ESTABLISHED and sends a keepalive probe (SEQ = RCV.NXT − 1) to a server still in
    /// SYN_RECEIVED. The probe fails the server's sequence check (RFC 9293 §3.10.7.4) yet used to take
    /// the connection off the listener's SYN queue, so the real ACK later found no half-open entry
    /// and the couple ended reset. Only an acceptable ACK may complete the handshake now.
    /// </summary>
    [Theory]
    [InlineData(19ul)]
    [InlineData(94ul)]
    [InlineData(185ul)]
    [InlineData(272ul)]
    [InlineData(365ul)]
    [InlineData(577ul)]
    [InlineData(689ul)]
    [InlineData(763ul)]
    [InlineData(874ul)]
    public void A_keepalive_probe_to_a_half_open_server_does_not_complete_its_handshake(ulong seed)
    {
        var result = SwarmRunner.RunSeed(seed, Settings);

        Assert.True(result.Passed, string.Join("; ", result.Failures));
    }

    /// <summary>The same bug as found by <c>--seeds 200 --from 5001 --couples 1000 --duration 120s</c>.</summary>
    [Theory]
    [InlineData(5019ul)]
    [InlineData(5064ul)]
    [InlineData(5084ul)]
    [InlineData(5129ul)]
    [InlineData(5159ul)]
    public void A_keepalive_probe_to_a_half_open_server_does_not_complete_its_handshake_with_1000_couples(ulong seed)
    {
        var result = SwarmRunner.RunSeed(seed, new SwarmSettings { Couples = 1000, ActiveDuration = TimeSpan.FromSeconds(120) });

        Assert.True(result.Passed, string.Join("; ", result.Failures));
    }

    /// <summary>
    /// The second bug (seed 59717, rfc9293 with rfc1337, churn, jitter only): a client whose last
    /// connection to a server ended in its passive close held nothing for that server any more, and
    /// the host forgot the destination's port perturbation with it, so the next connect() there took
    /// the very port just freed. The server still held that 4-tuple in TIME_WAIT (240 s): every SYN
    /// got its ACK, the client's RST was ignored (RFC 1337), and 22 couples sat in SYN_SENT until
    /// connect() timed out. The perturbation is now kept, as Linux keeps table_perturb[].
    /// </summary>
    [Fact]
    public void Seed_59717_a_client_does_not_reconnect_into_the_servers_time_wait_and_sit_in_syn_sent()
    {
        var result = SwarmRunner.RunSeed(59717, Settings);

        Assert.True(result.Passed, string.Join("; ", result.Failures));
        Assert.Equal(0, result.Report!.Outcomes.TimedOut);
    }

    /// <summary>
    /// The same story after a crash, found by the 20,000-seed run once seed 59717 passed (seed 8171,
    /// rfc9293 with rfc1337, churn, a crash of client-5 from 14 s to 21 s): the rebooted client
    /// picked its ports with the same key and no perturbation, took the port of its first connection
    /// again, and met the server's TIME_WAIT of it. A reboot now draws a new key for the port hash.
    /// </summary>
    [Fact]
    public void Seed_8171_a_rebooted_client_does_not_reconnect_into_a_time_wait_of_its_previous_life()
    {
        var result = SwarmRunner.RunSeed(8171, Settings);

        Assert.True(result.Passed, string.Join("; ", result.Failures));
    }

    /// <summary>
    /// Issue 19: a swarm kept every seed's result (about 68 KB each: 40,000 seeds took 2.7 GB). Only
    /// failing seeds are kept now. Weak references to every passing seed's result, report and
    /// scenario must all be dead once the swarm is over, while its report is still alive; a report
    /// (or anything else) holding on to them would keep them alive. Other tests running at the same
    /// time cannot disturb this, as they would a measure of the heap.
    /// </summary>
    [Fact]
    public void A_swarm_keeps_nothing_of_the_seeds_that_pass()
    {
        var small = new SwarmSettings { Couples = 20 };
        var passing = new List<WeakReference>();
        var report = SwarmRunner.Run(CiFrom, 40, small, threads: 2, progress: r =>
        {
            if (!r.Passed) return;
            passing.Add(new WeakReference(r));
            passing.Add(new WeakReference(r.Report));
            passing.Add(new WeakReference(r.Swarm.Scenario));
        });

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.True(report.Passed, string.Join("\n", report.Failed.Select(f => $"seed {f.Seed}: {string.Join("; ", f.Failures)}")));
        Assert.Equal(3 * 40, passing.Count);
        int alive = passing.Count(w => w.IsAlive);
        Assert.True(alive == 0, $"{alive} of {passing.Count} results, reports and scenarios of passing seeds are still reachable");
        Assert.Equal(40, report.SeedsRun);
        Assert.Equal(40, report.Classes.Sum(c => c.Seeds));
    }

    /// <summary>
    /// Any seed of the 64-bit range, run alone and run at any place of a swarm on one to three
    /// threads, gives the same digest and the same verdict. Five placements (about 35 seeds of 200
    /// couples, about 3 s in Debug on a busy machine) per run.
    /// </summary>
    [Property(MaxTest = 5, Replay = Draw, Arbitrary = [typeof(Placements)])]
    public void A_seed_gives_the_same_digest_whatever_the_threads_and_the_order_it_runs_in(Placement placed)
    {
        var alone = SwarmRunner.RunSeed(placed.Seed, Settings);
        SeedResult? inSwarm = null;
        var swarm = SwarmRunner.Run(placed.Seed - (ulong)placed.Place, SwarmOf, Settings, threads: placed.Threads, progress: r => { if (r.Seed == placed.Seed) inSwarm = r; });

        Assert.Equal(SwarmOf, swarm.SeedsRun);
        Assert.NotNull(inSwarm);
        Assert.Equal(placed.Seed, inSwarm.Seed);
        Assert.Equal(alone.Report!.Digest, inSwarm.Report!.Digest);
        Assert.Equal(alone.Failures, inSwarm.Failures);
    }

    [Fact]
    public void A_time_wait_that_never_expires_is_caught_within_50_seeds()
    {
        var caught = FirstCaught(EndpointFaults.TimeWaitNeverExpires);

        Assert.Contains(caught.Failures, f => f.Contains("TIME_WAIT at the end", StringComparison.Ordinal));
    }

    [Fact]
    public void A_closing_state_that_never_acks_is_caught_within_50_seeds()
    {
        var caught = FirstCaught(EndpointFaults.ClosingNeverAcks);

        // The engine's own invariants hold (the stuck couples time out in the end); liveness catches it.
        Assert.Contains(caught.Failures, f => f.StartsWith("liveness: ", StringComparison.Ordinal) && f.Contains("CLOSING", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_seeds_without_a_fault_pass()
    {
        // The seeds that catch the faults above are healthy seeds: it is the fault they catch.
        foreach (var fault in (EndpointFaults[])[EndpointFaults.TimeWaitNeverExpires, EndpointFaults.ClosingNeverAcks])
        {
            var caught = FirstCaught(fault);
            var healthy = SwarmRunner.RunSeed(caught.Seed, Settings);
            Assert.True(healthy.Passed, $"seed {caught.Seed}: {string.Join("; ", healthy.Failures)}");
        }
    }

    private static SeedResult FirstCaught(EndpointFaults fault)
    {
        // Seed by seed, so the test stops at the first catch; the bound of 50 is the issue's.
        for (ulong seed = CiFrom; seed < CiFrom + 50; seed++)
        {
            var result = SwarmRunner.RunSeed(seed, Settings, fault);
            if (!result.Passed) return result;
        }
        Assert.Fail($"{fault} was not caught by 50 seeds");
        return null!;
    }
}
