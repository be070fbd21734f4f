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
    [InlineData("churn-time-wait", "63df061585dc75de820117c317ce60c7745b9f4f474b0340c1caed378194d332")]
    [InlineData("lossy-handshake", "84759563de948c3c4d6accd5ff12cdea895e9098c8ecbd3fd12d1acd64464e3e")]
    [InlineData("partition-and-heal", "2c2d88a2f3fa88a54b388a00a6e511154e484b8c99f879b273564e01fe071601")]
    [InlineData("port-exhaustion", "86f8e935393f18b349265db54fcf13725e3fa77407c4f5ebbed23d52835a1266")]
    [InlineData("rst-storm", "60c01c18e16f7f36074e77aa4824656b93fe417cf886e1626e832b00974beb5c")]
    [InlineData("server-crash-keepalive", "73e1f7fa7662f6b13bb5ce2c3f0a9d5e7c04d68c4ec9344d2f4d1ad49a6d345d")]
    [InlineData("simultaneous-close", "e41e15ab33cf40ec7e4ccf94d1a3b28304762eca14e4f759eda03d7f5d210d89")]
    [InlineData("syn-flood-small-backlog", "4bdf3686e02427fded5a3391c607151d8998e23a28274fc7441afc41d85ee320")]
    [InlineData("teardown-storm", "f1085ec829575470ad313acace46c3733b44a599b32b0a3d15dd3236921c9ce7")]
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
