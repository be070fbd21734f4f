using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Tests.Engine;

/// <summary>The report's <c>chaos</c>: every window the run applied, scheduled or live, in the scenario's words.</summary>
public sealed class ChaosRecordTests
{
    private static Scenario Storm(int shards = 1) => Runs.Yaml($$"""
        name: chaos-record
        seed: 5
        hosts: { clients: { count: 4 }, servers: { count: 2, port: 80 } }
        network: { delay: 10ms }
        workload:
          couples: 40
          open: { at: 0s, over: 1s }
          exchange: { request: 100B, response: 1KB }
          close: { at: 20s, over: 0s, by: client }
        chaos:
          - { at: 12s, for: 3s, delay: 200ms, direction: server_to_client, between: [client-0..1, servers] }
          - { at: 2s, for: 4s, loss: 0.3 }
          - { at: 8s, crash: server-1, restart_after: 2s }
          - { at: 9s, drop: { flags: [ACK], direction: client_to_server, count: 1 } }
          - { at: 25s, partition: { between: [clients, servers] } }
        run: { duration: 40s, sample_every: 1s, shards: {{shards}} }
        """);

    /// <summary>Live changes as the dashboard's API records them: 50% loss from 16 s to 18 s, server 0 crashed from 30 s on.</summary>
    private static LiveChange[] LiveChanges()
    {
        var loss = new LiveChaos { Kind = LiveChaosKind.Loss, Loss = 0.5 };
        var crash = new LiveChaos { Kind = LiveChaosKind.Crash, Host = 0 };
        return
        [
            new LiveChange { TSeconds = 16, Id = 1, Apply = true, Chaos = loss },
            new LiveChange { TSeconds = 18, Id = 1, Apply = false, Chaos = loss },
            new LiveChange { TSeconds = 30, Id = 2, Apply = true, Chaos = crash },
        ];
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_run_with_scheduled_and_live_chaos_records_every_window_in_order_of_time_with_its_targets_parameters_and_source(string engine)
    {
        RunReport report = Runs.Run(Storm(), engine, new SimulationOptions { LiveControl = LiveControl.Replay(LiveChanges()) });

        Assert.Equal(
        [
            (2.0, (double?)6.0, "loss", "schedule", 1),
            (8.0, 10.0, "crash", "schedule", 2),
            (9.0, null, "drop", "schedule", 3),
            (12.0, 15.0, "delay", "schedule", 0),
            (16.0, 18.0, "loss", "api", 1),
            (25.0, 40.0, "partition", "schedule", 4),   // no `for`: on until the end of the run
            (30.0, 40.0, "crash", "api", 2),            // never removed
        ], report.Chaos.Select(w => (w.At, w.Until, w.Kind, w.Source, w.Id)));

        ChaosWindow delay = report.Chaos[3];
        Assert.Equal(["client-0..1", "servers"], delay.Targets);
        Assert.Equal(new Dictionary<string, string> { ["for"] = "3s", ["delay"] = "200ms", ["direction"] = "server_to_client" }, delay.Parameters);
        Assert.Equal("delay 200ms", delay.Label);
        Assert.Equal(["server-1"], report.Chaos[1].Targets);
        Assert.Equal("2s", report.Chaos[1].Parameters["restart_after"]);
        Assert.Equal("ACK", report.Chaos[2].Parameters["flags"]);
        Assert.Equal("0.5", report.Chaos[4].Parameters["loss"]);
        Assert.Equal(["clients", "servers"], report.Chaos[4].Targets);
        Assert.Equal(["server-0"], report.Chaos[6].Targets);
        Assert.Equal("crash server-0", report.Chaos[6].Label);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void The_chaos_record_is_in_the_digest_the_same_from_one_shard_or_four_and_survives_report_json(string engine)
    {
        RunReport one = Runs.Run(Storm(), engine, new SimulationOptions { LiveControl = LiveControl.Replay(LiveChanges()) });
        RunReport again = Runs.Run(Storm(), engine, new SimulationOptions { LiveControl = LiveControl.Replay(LiveChanges()) });
        RunReport four = Runs.Run(Storm(shards: 4), engine, new SimulationOptions { LiveControl = LiveControl.Replay(LiveChanges()), Threads = 2 });

        Assert.Equal(one.Digest, again.Digest);
        Assert.Contains("chaos=20000000,60000000,schedule,1,loss,clients,servers,for:4s,loss:0.3\n", ReportDigest.CanonicalText(one), StringComparison.Ordinal);
        // Each window is applied in all four shards, and recorded once.
        Assert.Equal(one.Chaos.Select(w => (w.At, w.Until, w.Kind, w.Source, w.Id, w.Label)), four.Chaos.Select(w => (w.At, w.Until, w.Kind, w.Source, w.Id, w.Label)));

        string directory = Directory.CreateTempSubdirectory("tcpactors-chaos-").FullName;
        try
        {
            RunDirectory.Write(one, directory);
            RunReport read = RunDirectory.Read(directory);
            Assert.Equal(one.Chaos.Count, read.Chaos.Count);
            Assert.Equal(one.Digest, ReportDigest.Compute(read));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_run_without_chaos_records_none_and_keeps_its_digest_free_of_it(string engine)
    {
        RunReport report = Runs.Run(Storm() with { Chaos = ValueList<ChaosEvent>.Empty }, engine);

        Assert.Empty(report.Chaos);
        Assert.DoesNotContain("chaos=", ReportDigest.CanonicalText(report), StringComparison.Ordinal);
    }
}
