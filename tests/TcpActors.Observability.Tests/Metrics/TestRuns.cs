using System.Net;
using System.Net.Sockets;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Metrics;

/// <summary>Small scenarios for the exporters, and the sampled counts of a report.</summary>
internal static class TestRuns
{
    /// <summary>
    /// A small teardown storm: <paramref name="couples"/> couples open over 1 s, every client closes
    /// at 5 s, TIME_WAIT holds for Linux's 60 s; the run ends at <paramref name="durationSeconds"/>.
    /// </summary>
    public static Scenario SmallStorm(int couples = 200, int durationSeconds = 30, string tcp = "{}", string chaos = "[]") => Yaml($$"""
        name: small-storm
        seed: 7
        tcp: {{tcp}}
        hosts: { clients: { count: 2 }, servers: { count: 1, port: 80 } }
        network: { delay: 10ms, loss: 1% }
        workload:
          couples: {{couples}}
          open: { at: 0s, over: 1s }
          exchange: { request: 100B, response: 1KB }
          close: { at: 5s, over: 0s, by: client }
        chaos: {{chaos}}
        run: { duration: {{durationSeconds}}s, sample_every: 1s, shards: 1 }
        """);

    public static Scenario Yaml(string yaml)
    {
        var result = ScenarioLoader.LoadText(yaml, "test.yaml");
        Assert.True(result.Scenario is not null, string.Join("\n", result.Errors));
        return result.Scenario!;
    }

    /// <summary>The sampled count of a state at virtual second <paramref name="seconds"/>.</summary>
    public static long CountAt(this RunReport report, TcpState state, double seconds)
    {
        var series = report.TimeSeries;
        for (int row = 0; row < series.Rows; row++)
        {
            if (Math.Abs(series.TimeAt(row).TotalSeconds - seconds) < 1e-9) return series.Count(row, state);
        }
        throw new InvalidOperationException($"no sample at {seconds} s");
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
