using System.Text.Json.Serialization;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Reporting;

/// <summary>
/// One entry of the report's <c>chaos</c> (DESIGN.md §7): a chaos window the run applied, from the
/// scenario's <c>chaos:</c> list (<see cref="Schedule"/>) or through the dashboard's control API
/// (<see cref="Api"/>), in the scenario's own words. The list is a pure function of the scenario,
/// its live changes and the virtual time the run reached (<see cref="ChaosRecord"/>), so it is
/// part of the digest.
/// </summary>
public sealed record ChaosWindow
{
    /// <summary><see cref="Source"/> of a window from the scenario's <c>chaos:</c> list.</summary>
    public const string Schedule = "schedule";
    /// <summary><see cref="Source"/> of a window applied through the control API.</summary>
    public const string Api = "api";

    /// <summary>Virtual seconds at which the window began.</summary>
    [JsonPropertyName("at")] public required double At { get; init; }

    /// <summary>
    /// Virtual seconds at which it ended: <c>at + for</c>, the restart of a crashed host, the
    /// removal of a live change — or the end of the run when it was still on then (a window
    /// without <c>for</c>, a host never restarted, a live change never removed). Null for an
    /// instant event: a targeted <c>drop</c> (a rule armed at <c>at</c>) and an <c>rst</c> without <c>for</c>.
    /// </summary>
    [JsonPropertyName("until")] public double? Until { get; init; }

    /// <summary>
    /// The scenario's word for it: <c>loss</c>, <c>delay</c>, … (the first impairment key an impair
    /// event sets, in the order of <c>network:</c>), <c>partition</c>, <c>blackhole</c>, <c>clog</c>,
    /// <c>crash</c>, <c>drop</c>, <c>rst</c>.
    /// </summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }

    /// <summary>The hosts it acts on, as written: the two groups of <c>between</c>, or the crashed hosts.</summary>
    [JsonPropertyName("targets")] public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>Its other keys and their values in the scenario's syntax (<c>loss: 0.3</c>, <c>direction: server_to_client</c>).</summary>
    [JsonPropertyName("parameters")] public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary><see cref="Schedule"/> or <see cref="Api"/>.</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }

    /// <summary>Its position in <c>chaos:</c> (from 0) for the schedule, the live chaos id for the API.</summary>
    [JsonPropertyName("id")] public required int Id { get; init; }

    /// <summary>A short text for charts and logs: <c>loss 0.3</c>, <c>crash server-0</c>, <c>partition</c>.</summary>
    [JsonPropertyName("label")] public required string Label { get; init; }

    /// <summary>True for an instant event (no <see cref="Until"/>).</summary>
    [JsonIgnore] public bool IsInstant => Until is null;

    /// <summary>The order of the report: by time, then the schedule before the API (live changes land after what is due at the same time), then id.</summary>
    public static int Compare(ChaosWindow a, ChaosWindow b)
    {
        int c = a.At.CompareTo(b.At);
        if (c != 0) return c;
        c = SourceRank(a.Source).CompareTo(SourceRank(b.Source));
        return c != 0 ? c : a.Id.CompareTo(b.Id);
    }

    private static int SourceRank(string source) => source == Schedule ? 0 : 1;

    /// <summary>True when both describe the same window (one applied in several shards is one record).</summary>
    public bool SameWindowAs(ChaosWindow other) => Source == other.Source && Id == other.Id;
}

/// <summary>Builds the report's <c>chaos</c> list (<see cref="ChaosWindow"/>).</summary>
public static class ChaosRecord
{
    /// <summary>
    /// Every window of <paramref name="scheduled"/> (the scenario's <c>chaos:</c> list) and of
    /// <paramref name="live"/> (the live changes applied) that began by <paramref name="end"/>, the
    /// virtual time the run reached; in report order. O(n log n) in the number of windows.
    /// </summary>
    public static IReadOnlyList<ChaosWindow> Of(IReadOnlyList<ChaosEvent> scheduled, IReadOnlyList<LiveChange> live, TimeSpan end)
    {
        ArgumentNullException.ThrowIfNull(scheduled);
        ArgumentNullException.ThrowIfNull(live);
        var windows = new List<ChaosWindow>(scheduled.Count);
        for (int i = 0; i < scheduled.Count; i++)
        {
            if (scheduled[i].At <= end) windows.Add(Scheduled(scheduled[i], i, end));
        }
        var removedAt = new Dictionary<int, TimeSpan>();
        foreach (LiveChange change in live)
        {
            if (!change.Apply && change.At <= end) removedAt[change.Id] = change.At;
        }
        foreach (LiveChange change in live)
        {
            if (change.Apply && change.At <= end)
                windows.Add(Applied(change, removedAt.TryGetValue(change.Id, out TimeSpan removed) ? removed : end));
        }
        windows.Sort(ChaosWindow.Compare);
        return windows;
    }

    /// <summary>
    /// The windows of several shards' reports as one list: a window applied in several shards is
    /// one record (the one that lasted longest, when an interrupted shard saw less of it).
    /// </summary>
    public static IReadOnlyList<ChaosWindow> Merge(IEnumerable<IReadOnlyList<ChaosWindow>> lists)
    {
        var byKey = new Dictionary<(string, int), ChaosWindow>();
        foreach (var list in lists)
        {
            foreach (ChaosWindow w in list)
            {
                var key = (w.Source, w.Id);
                if (!byKey.TryGetValue(key, out ChaosWindow? known) || (w.Until ?? double.MinValue) > (known.Until ?? double.MinValue))
                    byKey[key] = w;
            }
        }
        var merged = new List<ChaosWindow>(byKey.Values);
        merged.Sort(ChaosWindow.Compare);
        return merged;
    }

    /// <summary>The window of scheduled event <paramref name="e"/> (position <paramref name="index"/>) in a run that reached <paramref name="end"/>.</summary>
    public static ChaosWindow Scheduled(ChaosEvent e, int index, TimeSpan end)
    {
        ArgumentNullException.ThrowIfNull(e);
        var parameters = new List<(string Key, string Value)>();
        string kind;
        IReadOnlyList<string> targets = [e.Between.A.ToString(), e.Between.B.ToString()];
        TimeSpan? until = e.End is { } windowEnd ? Min(windowEnd, end) : end;
        switch (e.Kind)
        {
            case ChaosKind.Impair:
                var pairs = ScenarioWriter.ImpairmentPairs(e.Impairments);
                kind = pairs.Count > 0 ? pairs[0].Key : "impair";
                parameters.AddRange(pairs);
                break;
            case ChaosKind.Partition:
                kind = "partition";
                if (e.OneWay) parameters.Add(("one_way", "true"));
                break;
            case ChaosKind.Blackhole:
                kind = "blackhole";
                break;
            case ChaosKind.Clog:
                kind = "clog";
                break;
            case ChaosKind.Crash:
                kind = "crash";
                targets = [e.Crash?.ToString() ?? ""];
                if (e.RestartAfter is { } restart) parameters.Add(("restart_after", UnitSyntax.FormatDuration(restart)));
                until = e.RestartAfter is { } r ? Min(e.At + r, end) : end;
                break;
            case ChaosKind.Drop:
                kind = "drop";
                var flags = new List<string>();
                foreach (var (name, flag) in ScenarioReader.FlagNames) if ((e.DropFlags & flag) != 0) flags.Add(name);
                parameters.Add(("flags", string.Join(",", flags)));
                parameters.Add(("count", e.DropCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                until = null;
                break;
            default:
                kind = "rst";
                parameters.Add(("fraction", UnitSyntax.FormatNumber(e.RstFraction)));
                parameters.Add(("sequence", ScenarioWriter.Name(ScenarioReader.RstSequenceNames, e.RstSequence)));
                // The forged RSTs are spread over `for`; without it they are one burst.
                until = e.End is { } spreadEnd ? Min(spreadEnd, end) : null;
                break;
        }
        if (e.For is { } span && e.Kind != ChaosKind.Rst) parameters.Insert(0, ("for", UnitSyntax.FormatDuration(span)));
        if (e.Kind != ChaosKind.Crash && e.Direction != DirectionSelector.Both) parameters.Add(("direction", e.Direction.ToName()));
        if (e.Kind == ChaosKind.Rst && e.For is { } spread) parameters.Add(("for", UnitSyntax.FormatDuration(spread)));
        return Window(e.At, until, kind, targets, parameters, ChaosWindow.Schedule, index);
    }

    /// <summary>The window of live change <paramref name="change"/>, removed (or still on) at <paramref name="until"/>.</summary>
    public static ChaosWindow Applied(LiveChange change, TimeSpan until)
    {
        ArgumentNullException.ThrowIfNull(change);
        LiveChaos chaos = change.Chaos;
        var parameters = new List<(string Key, string Value)>();
        IReadOnlyList<string> targets = ["clients", "servers"];
        switch (chaos.Kind)
        {
            case LiveChaosKind.Loss: parameters.Add(("loss", UnitSyntax.FormatNumber(chaos.Loss ?? 0))); break;
            case LiveChaosKind.Delay: parameters.Add(("delay", UnitSyntax.FormatDuration(TimeSpan.FromMilliseconds(chaos.DelayMs ?? 0)))); break;
            case LiveChaosKind.Crash: targets = [HostSelector.One(HostRole.Server, chaos.Host ?? 0).ToString()]; break;
        }
        string kind = chaos.Kind switch
        {
            LiveChaosKind.Loss => "loss",
            LiveChaosKind.Delay => "delay",
            LiveChaosKind.Partition => "partition",
            _ => "crash",
        };
        return Window(change.At, until, kind, targets, parameters, ChaosWindow.Api, change.Id);
    }

    private static ChaosWindow Window(TimeSpan at, TimeSpan? until, string kind, IReadOnlyList<string> targets,
        List<(string Key, string Value)> parameters, string source, int id)
    {
        var map = new Dictionary<string, string>(parameters.Count, StringComparer.Ordinal);
        foreach (var (key, value) in parameters) map.TryAdd(key, value);
        return new ChaosWindow
        {
            At = at.TotalSeconds, Until = until?.TotalSeconds, Kind = kind, Targets = targets,
            Parameters = map, Source = source, Id = id, Label = Label(kind, targets, parameters),
        };
    }

    /// <summary><c>loss 0.3</c>, <c>delay 200ms loss 0.1</c>, <c>crash server-0</c>, <c>drop ACK</c>, <c>partition</c>.</summary>
    private static string Label(string kind, IReadOnlyList<string> targets, List<(string Key, string Value)> parameters)
    {
        var label = new System.Text.StringBuilder(kind);
        foreach (var (key, value) in parameters)
        {
            if (key == kind) label.Append(' ').Append(value);
        }
        switch (kind)
        {
            case "crash": label.Append(' ').Append(targets[0]); break;
            case "drop": label.Append(' ').Append(parameters.Find(p => p.Key == "flags").Value); break;
        }
        // An impair event that sets several keys names them all.
        foreach (var (key, value) in parameters)
        {
            if (key != kind && Array.IndexOf(ScenarioKeys.Impairments, key) >= 0) label.Append(' ').Append(key).Append(' ').Append(value);
        }
        return label.ToString();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
