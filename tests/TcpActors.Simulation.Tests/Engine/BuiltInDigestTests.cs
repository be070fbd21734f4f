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
    [Theory]
    [InlineData("churn-time-wait", "fd3d86006d221fdfa227d4c9c0ce02e1e1705e1a8ca63f8790ecda4ddc717aeb")]
    [InlineData("lossy-handshake", "59bc185a9f92ff499c19341d6d9d134af8d8b60de4602766a7c7e6201c811938")]
    [InlineData("partition-and-heal", "1b34ce714c5612218e87a30972da2d8ad9aad9e29b2b457be5ea7c835a4560b1")]
    [InlineData("port-exhaustion", "aa2b39ac5380f2498e1fb0c8e253574f860d9f274ed60f1ebbc0e63f4ac9629c")]
    [InlineData("rst-storm", "60c01c18e16f7f36074e77aa4824656b93fe417cf886e1626e832b00974beb5c")]
    [InlineData("server-crash-keepalive", "73e1f7fa7662f6b13bb5ce2c3f0a9d5e7c04d68c4ec9344d2f4d1ad49a6d345d")]
    [InlineData("simultaneous-close", "e41e15ab33cf40ec7e4ccf94d1a3b28304762eca14e4f759eda03d7f5d210d89")]
    [InlineData("syn-flood-small-backlog", "4843e10fc4f03afd57f981449bdbd17563cd502a85a8ddc0caa40a63231cd63a")]
    [InlineData("teardown-storm", "99221f04f882298de2c7d2e339a8f48cc3c103319329ea54ee424d2ca404c430")]
    public void A_built_in_scenario_as_shipped_ends_with_its_pinned_digest(string name, string digest)
    {
        RunReport report = Runs.Run(Runs.BuiltIn(name));
        Runs.AssertInvariantsHold(report);
        Assert.Equal(digest, report.Digest);
    }

    [Fact]
    public void The_digest_leaves_out_the_engine_statistics()
    {
        RunReport report = Runs.Run(Runs.BuiltIn("simultaneous-close").WithCouples(50));
        Assert.True(report.Engine.Events > 0);
        Assert.Equal("sim", report.Engine.Name);
        RunReport other = report with { Events = report.Events + 1, Engine = report.Engine with { Events = report.Engine.Events * 2, Name = "akka" } };
        Assert.Equal(report.Digest, ReportDigest.Compute(other));
        Assert.DoesNotContain("events", ReportDigest.CanonicalText(report), StringComparison.Ordinal);
    }
}
