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
        ("churn-time-wait", "fd3d86006d221fdfa227d4c9c0ce02e1e1705e1a8ca63f8790ecda4ddc717aeb"),
        ("lossy-handshake", "59bc185a9f92ff499c19341d6d9d134af8d8b60de4602766a7c7e6201c811938"),
        ("partition-and-heal", "1b34ce714c5612218e87a30972da2d8ad9aad9e29b2b457be5ea7c835a4560b1"),
        ("port-exhaustion", "aa2b39ac5380f2498e1fb0c8e253574f860d9f274ed60f1ebbc0e63f4ac9629c"),
        ("rst-storm", "60c01c18e16f7f36074e77aa4824656b93fe417cf886e1626e832b00974beb5c"),
        ("server-crash-keepalive", "73e1f7fa7662f6b13bb5ce2c3f0a9d5e7c04d68c4ec9344d2f4d1ad49a6d345d"),
        ("simultaneous-close", "e41e15ab33cf40ec7e4ccf94d1a3b28304762eca14e4f759eda03d7f5d210d89"),
        ("syn-flood-small-backlog", "4843e10fc4f03afd57f981449bdbd17563cd502a85a8ddc0caa40a63231cd63a"),
        ("teardown-storm", "99221f04f882298de2c7d2e339a8f48cc3c103319329ea54ee424d2ca404c430"),
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
