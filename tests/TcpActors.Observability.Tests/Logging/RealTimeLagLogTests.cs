using TcpActors.Observability.Logging;
using TcpActors.Observability.Tests.Metrics;
using TcpActors.Runtime;
using TcpActors.Simulation;

namespace TcpActors.Observability.Tests.Logging;

public sealed class RealTimeLagLogTests
{
    /// <summary>A wall clock that only moves when waited on, and by <see cref="CostPerLook"/> each
    /// time it is read: what a machine too slow for the run looks like to the pacing loop.</summary>
    private sealed class TestClock : IWallClock
    {
        private TimeSpan _now;

        public TimeSpan CostPerLook { get; init; }

        public TimeSpan Elapsed => _now += CostPerLook;

        public void Wait(TimeSpan duration, ManualResetEventSlim wake)
        {
            if (!wake.IsSet) _now += duration;
        }
    }

    private static List<Serilog.Events.LogEvent> PacedRunWarnings(TimeSpan costPerLook)
    {
        var log = new LogEvents();
        var scenario = TestRuns.SmallStorm(couples: 200, durationSeconds: 10);
        var messages = new KernelMessages(log.Logger, scenario, "0");
        var report = SimulationRunner.Run(scenario, new SimulationOptions
        {
            Observer = messages, RealTime = true, TimeScale = 1, WallClock = new TestClock { CostPerLook = costPerLook },
        });
        messages.OnCompleted(report);
        return [.. log.Warnings];
    }

    [Fact]
    public void A_paced_run_that_fell_behind_the_wall_clock_says_so_in_the_log()
    {
        var warnings = PacedRunWarnings(TimeSpan.FromMilliseconds(20));

        var warning = Assert.Single(warnings, w => w.MessageTemplate.Text.StartsWith("Real time: fell", StringComparison.Ordinal));
        Assert.Contains("behind the wall clock", warning.RenderMessage());
        Assert.True(LogEvents.Double(warning, "LagMilliseconds") > 100);
    }

    [Fact]
    public void A_paced_run_that_kept_up_logs_no_lag()
    {
        var warnings = PacedRunWarnings(TimeSpan.Zero);

        Assert.DoesNotContain(warnings, w => w.MessageTemplate.Text.StartsWith("Real time:", StringComparison.Ordinal));
    }
}
