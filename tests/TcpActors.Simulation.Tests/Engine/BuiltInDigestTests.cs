using TcpActors.Simulation.Reporting;

namespace TcpActors.Simulation.Tests.Engine;

/// <summary>
/// The digests of the built-in scenarios as shipped (defaults, one thread), pinned. A digest
/// covers the simulated world only (outcomes, census, peaks, segments by fate, timings, the time
/// series), so a change to an engine — its event count, its queues, hand-offs instead of calls —
/// leaves these alone; a change that moves one is a change to what the model simulates, and must
/// say so where it updates the pin. (Pinned when issue #21 took the event count out of the
/// digest; the outcomes, final census and peaks of every built-in were compared before and after.)
/// </summary>
public class BuiltInDigestTests
{
    private static readonly (string Scenario, string Digest)[] s_pins =
    [
        ("churn-time-wait", "7d94e7d0ee13ef600b04c9d5eac8006b75ad02e63fc6e94954cb67473d8b1ac8"),
        ("lossy-handshake", "3f1c77da7c28ac92dd4d14f6d0c86e8c738d93405aa219d32278e39f3250f736"),
        ("partition-and-heal", "c112170ba8ce66ba37fe92cc67e9f29fbe021f2ce64a9f936b460d58122976ed"),
        ("port-exhaustion", "f8a28ce697d896bb7ddf6a18d07bb58e8ceef88757a1b0eb78486a474a840567"),
        ("rst-storm", "ca4f8b942886b2aa9ea729d5b2cc99fc57a4fc5f8a0294107ebbceb43da121d0"),
        ("server-crash-keepalive", "7c1f40c0d5dcc6b5d70b95a44fa81f86a0e14f51fe9025f1c8bd7b0092be3388"),
        ("simultaneous-close", "d25f1f8662194448d323a0d742fae9d2d3d7e8ab1761d0d673d704908b339b9d"),
        ("syn-flood-small-backlog", "44644a09472ae1f73f39e26fa8d5e25386e5d99d6e743f1dec2f75c62441a5ae"),
        ("teardown-storm", "edc2f11b757d5f627328003825740aa3742698b105bebdc1df09e432ede621e3"),
    ];

    /// <summary>Every pin on every engine: each must give the simulated world the simulation engine gives.</summary>
    public static TheoryData<string, string, string> Pins
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (string engine in Engines.Names)
                foreach (var (scenario, digest) in s_pins) data.Add(engine, scenario, digest);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Pins))]
    public void A_built_in_scenario_as_shipped_ends_with_its_pinned_digest(string engine, string name, string digest)
    {
        RunReport report = Runs.Run(Runs.BuiltIn(name), engine);
        Runs.AssertInvariantsHold(report);
        Assert.Equal(digest, report.Digest);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void The_digest_leaves_out_the_engine_statistics(string engine)
    {
        RunReport report = Runs.Run(Runs.BuiltIn("simultaneous-close").WithCouples(50), engine);
        Assert.True(report.Engine.Events > 0);
        Assert.Equal(engine, report.Engine.Name);
        RunReport other = report with { Events = report.Events + 1, Engine = report.Engine with { Events = report.Engine.Events * 2, Name = engine + "-other" } };
        Assert.Equal(report.Digest, ReportDigest.Compute(other));
        Assert.DoesNotContain("events", ReportDigest.CanonicalText(report), StringComparison.Ordinal);
    }
}
