using System.Text.Json;
using TcpActors.Observability.Logging;
using TcpActors.Observability.Tests.Metrics;
using TcpActors.Simulation;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Logging;

public sealed class KernelMessagesTests
{
    [Fact]
    public void Time_wait_overflow_is_warned_in_the_kernels_words_at_most_once_per_5_virtual_seconds_with_no_drop_left_uncounted()
    {
        var log = new LogEvents();
        var messages = new KernelMessages(log.Logger, TestRuns.SmallStorm(), "0");

        // Ten new overflows every second from t=1 s to t=12 s.
        for (int second = 1; second <= 12; second++) messages.OnSample(Snapshot(second, overflow: 10 * second));

        var warnings = log.Warnings.ToList();
        Assert.All(warnings, w => Assert.StartsWith("TCP: time wait bucket table overflow", w.RenderMessage()));
        Assert.Equal([1.0, 6.0, 11.0], warnings.Select(w => (double)((Serilog.Events.ScalarValue)w.Properties["VirtualSeconds"]).Value!));
        Assert.Equal([10L, 50L, 50L], warnings.Select(w => LogEvents.Long(w, "Count")));
        Assert.Equal("TCP: time wait bucket table overflow (50 at t=11 s, 110 in all)", warnings[^1].RenderMessage(formatProvider: System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Port_exhaustion_is_warned_as_eaddrnotavail_and_a_quiet_run_warns_nothing()
    {
        var log = new LogEvents();
        var messages = new KernelMessages(log.Logger, TestRuns.SmallStorm(), "0");

        messages.OnSample(Snapshot(1, overflow: 0));
        messages.OnSample(Snapshot(2, overflow: 0));
        Assert.Empty(log.Warnings);

        messages.OnSample(Snapshot(3, overflow: 0, portExhausted: 4));
        var warning = Assert.Single(log.Warnings);
        Assert.StartsWith("connect: Cannot assign requested address (EADDRNOTAVAIL)", warning.RenderMessage());
        Assert.Equal(4, LogEvents.Long(warning, "Count"));
    }

    [Fact]
    public void A_run_writes_log_json_with_its_start_overflow_warnings_chaos_window_and_end_and_the_same_content_every_time()
    {
        // max_tw_buckets 50 with 200 clients closing at once: 150 new TIME_WAITs overflow at t≈5 s.
        var scenario = TestRuns.SmallStorm(couples: 200, durationSeconds: 20, tcp: "{ max_tw_buckets: 50 }",
            chaos: "[ { at: 2s, for: 1s, partition: { between: [clients, servers] } } ]");

        var (first, people, report) = RunWithLog(scenario);
        var (second, _, _) = RunWithLog(scenario);

        Assert.True(report.TimeWaitOverflow > 0);
        Assert.Equal(WithoutTimestamps(first), WithoutTimestamps(second));
        var messages = first.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("Run small-storm started: seed 7, profile linux, 200 couples, 1 shard, 20 s of virtual time", messages[0].GetProperty("@m").GetString());
        Assert.Contains(messages, m => m.GetProperty("@m").GetString() == "Chaos: partition started at t=2 s, for 1 s");
        Assert.Contains(messages, m => m.GetProperty("@m").GetString() == "Chaos: partition ended at t=3 s");
        var overflow = Assert.Single(messages, m => m.GetProperty("@mt").GetString()!.StartsWith("TCP: time wait bucket table overflow", StringComparison.Ordinal));
        Assert.Equal("Warning", overflow.GetProperty("@l").GetString());
        Assert.Equal(report.TimeWaitOverflow, overflow.GetProperty("Total").GetInt64());
        Assert.Equal("small-storm", overflow.GetProperty("Scenario").GetString());
        var end = messages[^1];
        Assert.StartsWith($"Run small-storm ended at t=20 s: {report.Outcomes.Completed} completed, 0 refused", end.GetProperty("@m").GetString());
        Assert.Equal(report.Digest, end.GetProperty("Digest").GetString());

        // People see the warnings only, with the CLI's prefix.
        Assert.Equal($"tcpactors: TCP: time wait bucket table overflow ({report.TimeWaitOverflow} at t={overflow.GetProperty("VirtualSeconds").GetDouble()} s, {report.TimeWaitOverflow} in all){Environment.NewLine}", people);
    }

    private static (string[] Lines, string People, Simulation.Reporting.RunReport Report) RunWithLog(Simulation.Scenarios.Scenario scenario)
    {
        string directory = Directory.CreateTempSubdirectory("tcpactors-log-").FullName;
        try
        {
            string file = Path.Combine(directory, RunLog.FileName);
            var people = new StringWriter();
            Simulation.Reporting.RunReport report;
            using (var telemetry = RunTelemetry.Start(scenario, new TelemetryOptions { LogFile = file, People = people }))
            {
                report = SimulationRunner.Run(scenario, new SimulationOptions { Observer = telemetry });
                telemetry.OnCompleted(report);
            }
            return (File.ReadAllLines(file), people.ToString(), report);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string[] WithoutTimestamps(string[] lines) =>
        [.. lines.Select(l => System.Text.RegularExpressions.Regex.Replace(l, "^\\{\"@t\":\"[^\"]*\",", "{"))];

    private static LiveSnapshot Snapshot(double seconds, long overflow, long portExhausted = 0) => new()
    {
        Now = TimeSpan.FromSeconds(seconds), Duration = TimeSpan.FromSeconds(60), StateCounts = new long[TcpStateNames.Count],
        Segments = new SegmentCounts(), Resets = new ResetCounts(), ConnectOutcomes = new ConnectOutcomeCounts { PortExhausted = portExhausted },
        TimeWaitOverflow = overflow, Events = 0,
    };
}
