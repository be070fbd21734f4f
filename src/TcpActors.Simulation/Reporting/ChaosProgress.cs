using TcpActors.Simulation.Live;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Reporting;

/// <summary>A chaos window began or ended (<see cref="ChaosProgress"/>).</summary>
/// <param name="Window">The window; for a live change that is still on, <see cref="ChaosWindow.Until"/> is the run's end as far as known.</param>
/// <param name="Started">True when it began, false when it ended.</param>
/// <param name="At">Virtual time of the transition.</param>
public readonly record struct ChaosTransition(ChaosWindow Window, bool Started, TimeSpan At);

/// <summary>
/// Follows the chaos windows of a run as its samples go by, for what exports them while the run
/// goes (the log, the <c>tcpactors.chaos.active</c> gauge, the dashboard): the scheduled windows
/// are sorted once, O(n log n), and each sample moves two cursors; live changes are read from the
/// run's <see cref="LiveControl"/>. Not thread-safe: one observer thread drives it.
/// </summary>
public sealed class ChaosProgress
{
    private readonly ChaosWindow[] _byStart;
    private readonly ChaosWindow[] _byEnd;
    private readonly LiveControl? _live;
    private readonly Dictionary<int, LiveChange> _liveOn = [];
    private readonly Dictionary<string, int> _activeByKind = new(StringComparer.Ordinal);
    private readonly List<string> _kinds = [];
    private readonly List<ChaosTransition> _batch = [];
    private int _nextStart;
    private int _nextEnd;
    private int _nextLive;
    private TimeSpan _now = TimeSpan.MinValue;
    /// <summary>The run's duration: windows lasting to it end only in <see cref="Finish"/>.</summary>
    private readonly TimeSpan _end;
    private readonly double _endSeconds;

    /// <summary>Follows <paramref name="scenario"/>'s <c>chaos:</c> list and, when given, the changes made through <paramref name="live"/>.</summary>
    public ChaosProgress(Scenario scenario, LiveControl? live)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        _live = live;
        _end = scenario.Run.Duration;
        _endSeconds = _end.TotalSeconds;
        // Windows without an end of their own last to the end of the run (ChaosRecord).
        var windows = ChaosRecord.Of(scenario.Chaos, [], scenario.Run.Duration);
        _byStart = [.. windows];
        var ending = new List<ChaosWindow>(windows.Count);
        foreach (ChaosWindow w in windows)
        {
            AddKind(w.Kind);
            if (w.Until is not null) ending.Add(w);
        }
        ending.Sort((a, b) => a.Until!.Value != b.Until!.Value ? a.Until.Value.CompareTo(b.Until.Value) : ChaosWindow.Compare(a, b));
        _byEnd = [.. ending];
        if (live is not null)
        {
            foreach (string kind in (string[])["loss", "delay", "partition", "crash"]) AddKind(kind);
        }
    }

    /// <summary>Every kind this run can show, in order of first appearance (the gauge reports each, 0 or 1).</summary>
    public IReadOnlyList<string> Kinds => _kinds;

    /// <summary>True while a window of <paramref name="kind"/> is on (as of the last <see cref="AdvanceTo"/>).</summary>
    public bool IsActive(string kind) => _activeByKind.TryGetValue(kind, out int n) && n > 0;

    /// <summary>
    /// The windows that began or ended after the previous call, up to <paramref name="now"/>
    /// inclusive, in order of time (ends before starts at the same time). The list is reused by the next call.
    /// </summary>
    public IReadOnlyList<ChaosTransition> AdvanceTo(TimeSpan now)
    {
        _batch.Clear();
        if (now < _now) return _batch;
        _now = now;
        while (_nextStart < _byStart.Length && _byStart[_nextStart].At <= now.TotalSeconds)
        {
            ChaosWindow w = _byStart[_nextStart++];
            _batch.Add(new ChaosTransition(w, true, Seconds(w.At)));
        }
        // A window lasting to the end of the run ends with it: Finish says so.
        while (_nextEnd < _byEnd.Length && _byEnd[_nextEnd].Until!.Value <= now.TotalSeconds && _byEnd[_nextEnd].Until!.Value < _endSeconds)
        {
            ChaosWindow w = _byEnd[_nextEnd++];
            _batch.Add(new ChaosTransition(w, false, Seconds(w.Until!.Value)));
        }
        if (_live is not null)
        {
            IReadOnlyList<LiveChange> changes = _live.Changes;
            while (_nextLive < changes.Count && changes[_nextLive].At <= now)
            {
                LiveChange change = changes[_nextLive++];
                if (change.Apply)
                {
                    _liveOn[change.Id] = change;
                    _batch.Add(new ChaosTransition(ChaosRecord.Applied(change, _end), true, change.At));
                }
                else if (_liveOn.Remove(change.Id, out LiveChange? applied))
                {
                    _batch.Add(new ChaosTransition(ChaosRecord.Applied(applied, change.At), false, change.At));
                }
            }
        }
        Order(_batch);
        foreach (ChaosTransition t in _batch) Count(t);
        return _batch;
    }

    /// <summary>
    /// The run is over at <paramref name="end"/> (its duration, or earlier when interrupted): the
    /// transitions up to it, then the end of every window still on — it lasted to the end of the run.
    /// </summary>
    public IReadOnlyList<ChaosTransition> Finish(TimeSpan end)
    {
        var all = new List<ChaosTransition>(AdvanceTo(end));
        var closing = new List<ChaosTransition>();
        double endSeconds = end.TotalSeconds;
        for (int i = _nextEnd; i < _byEnd.Length; i++)
        {
            ChaosWindow w = _byEnd[i];
            if (w.At <= endSeconds) closing.Add(new ChaosTransition(w with { Until = Math.Min(w.Until!.Value, endSeconds) }, false, end));
        }
        _nextEnd = _byEnd.Length;
        foreach (LiveChange applied in _liveOn.Values) closing.Add(new ChaosTransition(ChaosRecord.Applied(applied, end), false, end));
        _liveOn.Clear();
        Order(closing);
        foreach (ChaosTransition t in closing) Count(t);
        all.AddRange(closing);
        return all;
    }

    private static void Order(List<ChaosTransition> batch) =>
        batch.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Started != b.Started ? a.Started.CompareTo(b.Started) : ChaosWindow.Compare(a.Window, b.Window));

    private void Count(ChaosTransition t)
    {
        if (t.Window.IsInstant) return;
        AddKind(t.Window.Kind);
        _activeByKind[t.Window.Kind] += t.Started ? 1 : -1;
    }

    private void AddKind(string kind)
    {
        if (_activeByKind.TryAdd(kind, 0)) _kinds.Add(kind);
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
}
