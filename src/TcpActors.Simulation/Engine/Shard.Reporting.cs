using TcpActors.Simulation.Live;
using TcpActors.Simulation.Model;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Simulation.Engine;

internal sealed partial class Shard
{
    private void Sample(int row, TimeSpan t, SampleAggregator samples)
    {
        RunSteps steps = _steps!;
        long sum = 0;
        foreach (long c in Telemetry.States) sum += c;
        if (sum != Telemetry.Live)
        {
            steps.SumMismatches++;
            steps.FirstSumMismatch ??= $"at {t.TotalSeconds:0.######}s the state counts sum to {sum} but {Telemetry.Live} endpoints are live";
        }
        samples.Census.EndInterval(steps.LiveSlot, t, Telemetry.Census);
        if (!samples.Enabled) return;
        // Every event up to t has run: the couples that ended by then are settled.
        _world.Ledger.Flush(t);
        samples.Publish(row, new LiveSnapshot
        {
            Now = t, Duration = Scenario.Run.Duration, StateCounts = (long[])Telemetry.States.Clone(),
            Segments = Telemetry.Segments(), Resets = Telemetry.Resets(), ConnectOutcomes = Telemetry.Connects(),
            TimeWaitOverflow = Telemetry[RunCounter.TimeWaitOverflow], Events = System.EventsProcessed,
            Outcomes = ReportBuilder.Outcomes(_world.Ledger, LocalCouples), Wall = steps.Wall.Elapsed,
        });
    }

    private RunReport Report(RunSteps steps, int threads, IReadOnlyList<LiveChange> liveChanges)
    {
        var hosts = new List<Tcp.Host.TcpHost>(_kernels.Count);
        foreach (HostKernel kernel in _kernels) hosts.Add(kernel.Tcp);
        return ReportBuilder.Build(_world, Telemetry, hosts, LocalCouples, _scheduledChaos, new EngineRun
        {
            ShardIndex = ShardIndex, ShardCount = ShardCount, Threads = threads,
            VirtualNow = System.Now, Wall = steps.Wall.Elapsed, Interrupted = steps.Interrupted,
            Engine = new EngineFacts { Name = "sim", Events = System.EventsProcessed },
            Supervision = new SupervisionCounts { Failures = System.Failures, DeadLetters = System.DeadLetters, FirstFailures = [.. _failures] },
            LiveChanges = liveChanges,
            SumMismatches = steps.SumMismatches, FirstSumMismatch = steps.FirstSumMismatch,
        });
    }
}
