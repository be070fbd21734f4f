using TcpActors.Simulation.Reporting;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Tests.Engine;

/// <summary>
/// A state held for no virtual time still counts at its instant (issue #15): a server whose
/// application closes the moment it reads end-of-file passes through CLOSE_WAIT in zero time, and
/// every endpoint that did so at one instant was in CLOSE_WAIT at that instant. Judged without
/// depending on the order of the instant's events, and never above a kernel's cap.
/// </summary>
public class ZeroTimeStateTests
{
    private static string Storm(int shards, string tcp = "{}") => $$"""
        name: zero-time
        seed: 11
        tcp: {{tcp}}
        hosts: { clients: { count: 4 } }
        network: { delay: 10ms }
        workload:
          couples: 100
          open: { at: 0s }
          close: { at: 5s, by: client }
        run: { duration: 100s, sample_every: 1s, shards: {{shards}} }
        """;

    public static TheoryData<string, int> Shards => Engines.Cross(1, 2);

    [Theory]
    [MemberData(nameof(Shards))]
    public void Every_server_that_closes_on_end_of_file_at_once_is_counted_in_close_wait_at_that_instant(string engine, int shards)
    {
        RunReport report = Runs.Run(Runs.Yaml(Storm(shards)), engine, new SimulationOptions { Threads = shards });

        Runs.AssertInvariantsHold(report);
        // Every client's FIN reaches its server at 5.010 s; each server reads end-of-file, closes
        // and is in LAST_ACK within that instant.
        Assert.Equal(100, report.Peaks["close_wait"].Count);
        Assert.Equal(5.010, report.Peaks["close_wait"].At, 6);
        Assert.Equal(0, report.CountAt(TcpState.CloseWait, 6));
        // The interval that holds the instant shows it as its maximum, not its minimum.
        int row = RowAt(report, 6);
        Assert.Equal(100, report.TimeSeries.Max(row, TcpState.CloseWait));
        Assert.Equal(0, report.TimeSeries.Min(row, TcpState.CloseWait));
        // CLOSED is no state a connection rests in: a new endpoint passing through it is not counted.
        Assert.Equal(0, report.Peaks["closed"].Count);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_socket_refused_a_time_wait_bucket_never_counts_as_having_been_in_time_wait(string engine)
    {
        // Four client hosts' worth of couples into 10 buckets each: the rest are destroyed at once,
        // as Linux's tcp_time_wait() does when no bucket is left.
        RunReport report = Runs.Run(Runs.Yaml(Storm(1, "{ max_tw_buckets: 10 }")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.Equal(60, report.TimeWaitOverflow);
        Assert.Equal(40, report.Peaks["time_wait"].Count);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public void A_child_made_from_a_syn_cookie_never_counts_in_syn_received_beyond_the_syn_queue(string engine)
    {
        // 300 SYNs at one instant into a SYN queue of 16: the rest are answered with cookies, and
        // their children are made from the ACK straight into ESTABLISHED (Linux cookie_v4_check).
        RunReport report = Runs.Run(Runs.Yaml(Storm(1, "{ syn_backlog: 16, syncookies: true, accept_backlog: 4096 }").Replace("couples: 100", "couples: 300")), engine);

        Runs.AssertInvariantsHold(report);
        Assert.True(report.Hosts.SyncookiesRecv > 0, "no cookie came back");
        Assert.Equal(16, report.Peaks["syn_received"].Count);
    }

    private static int RowAt(RunReport report, double seconds)
    {
        for (int row = 0; row < report.TimeSeries.Rows; row++)
        {
            if (Math.Abs(report.TimeSeries.TimeAt(row).TotalSeconds - seconds) < 1e-9) return row;
        }
        throw new ArgumentException($"no sample at {seconds}s");
    }
}
