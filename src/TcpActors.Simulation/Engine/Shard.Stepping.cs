using System.Diagnostics;
using TcpActors.Runtime;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Simulation.Engine;

internal sealed partial class Shard
{
    /// <summary>Runs the shard to the end of the scenario (or until cancelled) and reports.</summary>
    /// <remarks>
    /// Paced (<paramref name="clock"/> not null), a <see cref="RealTimeDriver"/> delivers each event
    /// when the wall clock reaches its virtual time divided by <paramref name="timeScale"/>, and
    /// the report says how late the worst one was (<see cref="RealTimeLag"/>): a machine that
    /// cannot keep up shows it instead of silently stretching time.
    /// </remarks>
    public RunReport Run(CancellationToken cancellation, SampleAggregator samples, IWallClock? clock, double timeScale, int threads,
        LiveControl? live = null, int liveSlot = 0)
    {
        Begin(cancellation, samples, clock, timeScale, live, liveSlot);
        while (Advance()) { }
        return End(threads);
    }

    // The run in steps of one sample interval, so that one thread can take several shards in turn
    // (SimulationRunner does when there are fewer threads than shards): every shard then reaches
    // each sample boundary about together, and the live view and Ctrl+C see the whole run move.
    private RunSteps? _steps;

    private sealed class RunSteps
    {
        public required CancellationToken Cancellation { get; init; }
        public required SampleAggregator Samples { get; init; }
        public required RealTimeDriver? Driver { get; init; }
        public required double TimeScale { get; init; }
        public required LiveControl? Live { get; init; }
        public required int LiveSlot { get; init; }
        public required Stopwatch Wall { get; init; }
        public List<LiveChange> Due { get; } = [];
        public TimeSpan Next;
        public int Row;
        public bool Interrupted;
        public bool Finished;
        public long SumMismatches;
        public string? FirstSumMismatch;
    }

    /// <summary>Starts a stepped run: the first sample (t = 0) and the live changes due at 0.</summary>
    public void Begin(CancellationToken cancellation, SampleAggregator samples, IWallClock? clock, double timeScale,
        LiveControl? live = null, int liveSlot = 0)
    {
        if (_steps is not null) throw new InvalidOperationException("a shard runs once");
        var steps = _steps = new RunSteps
        {
            Cancellation = cancellation, Samples = samples, TimeScale = timeScale, Live = live, LiveSlot = liveSlot,
            Driver = clock is null ? null : new RealTimeDriver(System, timeScale, clock),
            Wall = Stopwatch.StartNew(),
        };
        samples.Census.Attach(liveSlot, Telemetry.Census);
        Sample(steps.Row++, TimeSpan.Zero, samples);
        if (live is not null) ApplyLive(live, liveSlot, TimeSpan.Zero, steps.Due);
        steps.Next = Scenario.Run.SampleEvery;
    }

    /// <summary>Runs to the next sample boundary and samples there; false once the run is over
    /// (its duration reached, or cancelled).</summary>
    public bool Advance()
    {
        RunSteps steps = _steps ?? throw new InvalidOperationException("Begin first");
        if (steps.Finished) return false;
        TimeSpan duration = Scenario.Run.Duration;
        TimeSpan t = steps.Next > duration ? duration : steps.Next;
        if (!(steps.Driver is null ? RunUntil(t, steps.Cancellation) : RunPacedUntil(steps.Driver, t, steps.Cancellation)))
        {
            steps.Interrupted = steps.Finished = true;
            steps.Samples.Census.Finish(steps.LiveSlot);
            return false;
        }
        Sample(steps.Row++, t, steps.Samples);
        if (t == duration)
        {
            steps.Finished = true;
            steps.Samples.Census.Finish(steps.LiveSlot);
            return false;
        }
        if (steps.Live is not null) ApplyLive(steps.Live, steps.LiveSlot, t, steps.Due);
        steps.Next = t + Scenario.Run.SampleEvery;
        return true;
    }

    /// <summary>The report of a stepped run that <see cref="Advance"/> has finished.</summary>
    public RunReport End(int threads)
    {
        RunSteps steps = _steps ?? throw new InvalidOperationException("Begin first");
        if (!steps.Finished) throw new InvalidOperationException("the run is not over");
        IReadOnlyList<LiveChange> liveChanges = steps.Live?.TakenBy(steps.LiveSlot) ?? [];
        RunReport report = Report(steps, threads, liveChanges);
        if (steps.Driver is { } driver)
        {
            report = report with { RealTime = new RealTimeLag { TimeScale = steps.TimeScale, MaxLagSeconds = driver.MaxLag.TotalSeconds, MaxLagAtSeconds = driver.MaxLagAt.TotalSeconds } };
        }
        return report;
    }

    private bool RunUntil(TimeSpan t, CancellationToken cancellation)
    {
        if (!cancellation.CanBeCanceled)
        {
            System.RunUntil(t);
            return true;
        }
        // Checking the token every few thousand events keeps Ctrl+C prompt at no measurable cost.
        while (!cancellation.IsCancellationRequested)
        {
            if (System.RunUntil(t, maxEvents: 4096)) return true;
        }
        return false;
    }

    private static bool RunPacedUntil(RealTimeDriver driver, TimeSpan t, CancellationToken cancellation)
    {
        driver.RunUntil(t, cancellation);
        return !cancellation.IsCancellationRequested;
    }
}
