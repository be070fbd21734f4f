using System.Diagnostics;
using System.Globalization;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Observability.Tracing;

/// <summary>
/// A run as an OpenTelemetry trace (ActivitySource <see cref="SourceName"/>): a root span
/// <c>tcpactors run</c>, a child span per phase (load scenario, simulate, write run directory, …)
/// and, under <c>simulate</c>, a span per chaos window, scheduled or applied live, with its
/// virtual times as attributes. The spans are written when the run is over, with the wall times
/// recorded while it went: the tracer provider is started in the background while the run
/// starts (a span begun before it listens would be lost), and a chaos window's wall time is known
/// only from the samples that passed its virtual times. Nothing here is on the simulation's path:
/// one entry per phase and per sample.
/// </summary>
public sealed class RunTrace
{
    /// <summary>The ActivitySource name of the run's spans.</summary>
    public const string SourceName = "TcpActors";

    /// <summary>The name of the root span.</summary>
    public const string RunSpan = "tcpactors run";

    /// <summary>The name of the phase that runs the simulation; chaos windows are its children.</summary>
    public const string SimulatePhase = "simulate";

    private static readonly ActivitySource s_source = new(SourceName);

    private readonly DateTime _started;
    private readonly List<(string Name, DateTime Start, DateTime End)> _phases = [];
    /// <summary>The wall time at which each sample's virtual time was published, in order.</summary>
    private readonly List<(TimeSpan Virtual, DateTime Wall)> _samples = [];
    private readonly Lock _lock = new();
    private DateTime? _simulateStart;

    internal RunTrace(DateTime started) => _started = started;

    /// <summary>Records a phase that is over (times in UTC).</summary>
    public void Phase(string name, DateTime start, DateTime end)
    {
        lock (_lock) _phases.Add((name, start, end));
    }

    /// <summary>Starts a phase now; disposing the result ends it.</summary>
    public PhaseScope Begin(string name) => new(this, name, DateTime.UtcNow);

    /// <summary>A phase under way; <see cref="Dispose"/> records it.</summary>
    public readonly struct PhaseScope(RunTrace trace, string name, DateTime start) : IDisposable
    {
        /// <summary>Ends the phase now.</summary>
        public void Dispose() => trace.Phase(name, start, DateTime.UtcNow);
    }

    /// <summary>A sample was published: its virtual time passed at this wall time.</summary>
    internal void OnSample(TimeSpan now)
    {
        var wall = DateTime.UtcNow;
        lock (_lock)
        {
            _simulateStart ??= wall;
            _samples.Add((now, wall));
        }
    }

    /// <summary>
    /// Writes the spans of the run of <paramref name="scenario"/> that ended with
    /// <paramref name="report"/> (null: it did not finish) and ends the root span now.
    /// </summary>
    internal void Emit(Scenario scenario, string shard, RunReport? report)
    {
        var end = DateTime.UtcNow;
        var outer = Activity.Current;
        Activity.Current = null;
        try
        {
            using var root = s_source.StartActivity(RunSpan, ActivityKind.Internal, default(ActivityContext), startTime: _started);
            if (root is null) return; // no tracer provider listens
            root.SetTag("tcpactors.scenario", scenario.Name);
            root.SetTag("tcpactors.seed", scenario.Seed);
            root.SetTag("tcpactors.shard", shard);
            root.SetTag("tcpactors.couples", scenario.Workload.Couples);
            if (report is not null)
            {
                root.SetTag("tcpactors.virtual_seconds", report.VirtualSeconds);
                root.SetTag("tcpactors.events", report.Events);
                root.SetTag("tcpactors.digest", report.Digest);
                root.SetTag("tcpactors.invariants_ok", report.Invariants.Ok);
                root.SetTag("tcpactors.interrupted", report.Interrupted);
                if (!report.Invariants.Ok) root.SetStatus(ActivityStatusCode.Error, "invariant violated");
            }

            (string Name, DateTime Start, DateTime End)[] phases;
            lock (_lock) phases = [.. _phases];
            ActivityContext simulate = root.Context;
            foreach (var (name, start, phaseEnd) in phases)
            {
                var span = Child(root.Context, name, start, phaseEnd);
                if (name == SimulatePhase && span is not null) simulate = span.Value;
            }
            if (report is not null) ChaosWindows(scenario, report, simulate);
            root.SetEndTime(end);
        }
        finally
        {
            Activity.Current = outer;
        }
    }

    private static ActivityContext? Child(ActivityContext parent, string name, DateTime start, DateTime end, IEnumerable<KeyValuePair<string, object?>>? tags = null)
    {
        using var span = s_source.StartActivity(name, ActivityKind.Internal, parent, tags, startTime: start);
        if (span is null) return null;
        span.SetEndTime(end < start ? start : end);
        return span.Context;
    }

    /// <summary>One span per chaos window: the scenario's schedule, then what was applied live.</summary>
    private void ChaosWindows(Scenario scenario, RunReport report, ActivityContext parent)
    {
        var runEnd = TimeSpan.FromSeconds(report.VirtualSeconds);
        foreach (var e in scenario.Chaos)
        {
            if (e.At > runEnd) continue; // the run ended before it fired
            var until = e.End is { } windowEnd && windowEnd < runEnd ? windowEnd : runEnd;
            Window(parent, e.Kind.ToString().ToLowerInvariant(), "schedule", e.At, until);
        }
        var applied = new Dictionary<int, Simulation.Live.LiveChange>();
        foreach (var change in report.LiveChanges)
        {
            if (change.Apply) { applied[change.Id] = change; continue; }
            if (applied.Remove(change.Id, out var start)) Window(parent, start.Chaos.Kind.ToString().ToLowerInvariant(), "api", start.At, change.At, start.Chaos.ToString());
        }
        foreach (var (_, start) in applied) Window(parent, start.Chaos.Kind.ToString().ToLowerInvariant(), "api", start.At, runEnd, start.Chaos.ToString());
    }

    private void Window(ActivityContext parent, string kind, string source, TimeSpan at, TimeSpan until, string? description = null)
    {
        var tags = new List<KeyValuePair<string, object?>>
        {
            new("tcpactors.chaos.kind", kind),
            new("tcpactors.chaos.source", source),
            new("tcpactors.chaos.at_seconds", at.TotalSeconds),
            new("tcpactors.chaos.until_seconds", until.TotalSeconds),
        };
        if (description is not null) tags.Add(new("tcpactors.chaos.description", description));
        Child(parent, string.Create(CultureInfo.InvariantCulture, $"chaos {kind}"), WallTimeOf(at), WallTimeOf(until), tags);
    }

    /// <summary>When the first sample at or after <paramref name="virtualTime"/> was published; the last sample's time after the last.</summary>
    private DateTime WallTimeOf(TimeSpan virtualTime)
    {
        lock (_lock)
        {
            if (_samples.Count == 0) return _simulateStart ?? _started;
            int low = 0, high = _samples.Count - 1;
            if (_samples[high].Virtual < virtualTime) return _samples[high].Wall;
            while (low < high)
            {
                int mid = (low + high) / 2;
                if (_samples[mid].Virtual < virtualTime) low = mid + 1; else high = mid;
            }
            return _samples[low].Wall;
        }
    }
}
