using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;
using TcpActors.Tcp;

namespace TcpActors.Observability.Dashboard;

/// <summary>
/// What the dashboard knows of the run: the newest sample, the state counts over time (for a page
/// that connects late), the end, and the browsers following along. Samples arrive on the run's
/// thread and are handed to each browser's own unbounded queue, so a slow browser never slows the run.
/// </summary>
internal sealed class DashboardFeed
{
    /// <summary>Samples kept for a page that connects late: two hours at the default one per second.</summary>
    private const int HistoryMax = 7200;

    private readonly Lock _gate = new();
    private readonly List<string> _history = [];
    private readonly List<Channel<string>> _subscribers = [];
    private readonly Scenario _scenario;
    private readonly LiveControl? _control;
    private readonly double? _timeScale;
    private LiveSnapshot? _latest;
    private RunReport? _report;

    public DashboardFeed(Scenario scenario, LiveControl? control, double? timeScale)
    {
        _scenario = scenario;
        _control = control;
        _timeScale = timeScale;
    }

    public int Subscribers
    {
        get { lock (_gate) return _subscribers.Count; }
    }

    public LiveSnapshot? Latest
    {
        get { lock (_gate) return _latest; }
    }

    public void Publish(LiveSnapshot snapshot)
    {
        string row = SampleJson(snapshot);
        lock (_gate)
        {
            _latest = snapshot;
            // Thin the history by half when full: the chart keeps its whole span at half the detail.
            if (_history.Count == HistoryMax)
            {
                int kept = 0;
                for (int i = 0; i < _history.Count; i += 2) _history[kept++] = _history[i];
                _history.RemoveRange(kept, _history.Count - kept);
            }
            _history.Add(row);
            foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite("event: sample\ndata: " + row + "\n\n");
        }
    }

    public void Complete(RunReport report)
    {
        lock (_gate)
        {
            _report = report;
            string end = "event: end\ndata: " + JsonSerializer.Serialize(new { digest = report.Digest, interrupted = report.Interrupted, invariants_ok = report.Invariants.Ok }) + "\n\n";
            foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(end);
        }
    }

    /// <summary>A browser's queue, primed with the history (and the end, when the run is over).</summary>
    public Channel<string> Subscribe()
    {
        var channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            channel.Writer.TryWrite("event: history\ndata: [" + string.Join(",", _history) + "]\n\n");
            if (_report is { } report)
                channel.Writer.TryWrite("event: end\ndata: " + JsonSerializer.Serialize(new { digest = report.Digest, interrupted = report.Interrupted, invariants_ok = report.Invariants.Ok }) + "\n\n");
            _subscribers.Add(channel);
        }
        return channel;
    }

    public void Unsubscribe(Channel<string> channel)
    {
        lock (_gate) _subscribers.Remove(channel);
        channel.Writer.TryComplete();
    }

    /// <summary>Tells every browser that the server is going away.</summary>
    public void Close()
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers) subscriber.Writer.TryComplete();
            _subscribers.Clear();
        }
    }

    /// <summary>The body of <c>GET /api/state</c>.</summary>
    public string StateJson()
    {
        LiveSnapshot? s;
        RunReport? report;
        lock (_gate)
        {
            s = _latest;
            report = _report;
        }
        var state = new JsonObject
        {
            ["scenario"] = _scenario.Name,
            ["seed"] = _scenario.Seed,
            ["running"] = report is null,
            ["realtime"] = _timeScale is not null,
            ["time_scale"] = _timeScale,
            ["t"] = s?.Now.TotalSeconds,
            ["duration"] = _scenario.Run.Duration.TotalSeconds,
            ["lag_seconds"] = s is null ? null : Lag(s),
            ["states"] = s is null ? null : States(s.StateCounts),
            ["segments"] = s is null ? null : JsonSerializer.SerializeToNode(s.Segments),
            ["resets"] = s is null ? null : JsonSerializer.SerializeToNode(s.Resets),
            ["connect_outcomes"] = s is null ? null : JsonSerializer.SerializeToNode(s.ConnectOutcomes),
            ["outcomes"] = s is null ? null : JsonSerializer.SerializeToNode(s.Outcomes),
            ["time_wait_overflow"] = s?.TimeWaitOverflow,
            ["events"] = s?.Events,
            ["scheduled_chaos"] = ScheduledChaos(s?.Now ?? TimeSpan.Zero),
            ["chaos"] = ChaosJson(),
            ["digest"] = report?.Digest,
        };
        return state.ToJsonString();
    }

    /// <summary>The body of <c>GET /api/chaos</c>: the live chaos in force, by id.</summary>
    public JsonArray ChaosJson()
    {
        var list = new JsonArray();
        if (_control is null) return list;
        foreach (LiveChange change in _control.Active) list.Add(JsonSerializer.SerializeToNode(change));
        return list;
    }

    private JsonArray ScheduledChaos(TimeSpan now)
    {
        var list = new JsonArray();
        foreach (ChaosEvent e in _scenario.Chaos)
        {
            bool inForce = e.Kind switch
            {
                ChaosKind.Crash => e.At <= now && (e.RestartAfter is not { } restart || now < e.At + restart),
                ChaosKind.Drop => false,
                _ => e.IsActiveAt(now),
            };
            if (inForce)
                list.Add(new JsonObject { ["kind"] = e.Kind.ToString().ToLowerInvariant(), ["at"] = e.At.TotalSeconds, ["end"] = e.End?.TotalSeconds });
        }
        return list;
    }

    private double? Lag(LiveSnapshot s) =>
        _timeScale is { } scale ? Math.Max(0, s.Wall.TotalSeconds - s.Now.TotalSeconds / scale) : null;

    private static JsonObject States(long[] counts)
    {
        var states = new JsonObject();
        foreach (TcpState state in TcpStateNames.All) states[state.ToMetricName()] = counts[(int)state];
        return states;
    }

    /// <summary>One sample for the page: compact, the states in <see cref="TcpState"/> order.</summary>
    private string SampleJson(LiveSnapshot s)
    {
        var sample = new JsonObject
        {
            ["t"] = s.Now.TotalSeconds,
            ["duration"] = s.Duration.TotalSeconds,
            ["states"] = new JsonArray([.. Array.ConvertAll(s.StateCounts, c => (JsonNode?)c)]),
            ["segments"] = JsonSerializer.SerializeToNode(s.Segments),
            ["resets"] = JsonSerializer.SerializeToNode(s.Resets),
            ["connect_outcomes"] = JsonSerializer.SerializeToNode(s.ConnectOutcomes),
            ["outcomes"] = JsonSerializer.SerializeToNode(s.Outcomes),
            ["time_wait_overflow"] = s.TimeWaitOverflow,
            ["events"] = s.Events,
            ["lag_seconds"] = Lag(s),
            ["chaos"] = ChaosJson(),
            ["scheduled_chaos"] = ScheduledChaos(s.Now),
        };
        return sample.ToJsonString();
    }
}
