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
/// thread, which only files them (a lock, one small object): turning them into JSON and writing
/// them to each browser's own unbounded queue is the job of a pump thread of its own, so neither a slow
/// browser nor the JSON slows the run, and with no browser connected no JSON is made at all.
/// </summary>
/// <remarks>
/// The pump flushes at most <see cref="FlushInterval"/> apart: a paced run's one sample per wall
/// second goes out at once, a virtual-time run's hundreds per second go out in batches a browser
/// can draw (every sample is sent, none is dropped but by the history's thinning).
/// </remarks>
internal sealed class DashboardFeed
{
    /// <summary>Samples kept for a page that connects late: two hours at the default one per second.</summary>
    private const int HistoryMax = 7200;

    /// <summary>The shortest time between two flushes to the browsers: ten redraws a second is all a chart needs.</summary>
    internal static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private readonly List<Sample> _history = [];
    private readonly List<Subscriber> _subscribers = [];
    private readonly Scenario _scenario;
    private readonly LiveControl? _control;
    private readonly double? _timeScale;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _pump;
    private int _wakePending;
    private long _published;
    private LiveSnapshot? _latest;
    private RunReport? _report;

    public DashboardFeed(Scenario scenario, LiveControl? control, double? timeScale)
    {
        _scenario = scenario;
        _control = control;
        _chaos = new ChaosProgress(scenario, control);
        _timeScale = timeScale;
        _pump = Task.Factory.StartNew(Pump, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public int Subscribers
    {
        get { lock (_gate) return _subscribers.Count; }
    }

    public LiveSnapshot? Latest
    {
        get { lock (_gate) return _latest; }
    }

    /// <summary>Files a sample (the run's thread): no JSON here, that is the pump's work.</summary>
    public void Publish(LiveSnapshot snapshot)
    {
        // The chaos in force belongs to the sample's moment, so it is taken now, not when rendered.
        IReadOnlyList<LiveChange> chaos = _control?.Active ?? [];
        ChaosTransition[] transitions = [.. _chaos.AdvanceTo(snapshot.Now)];
        lock (_gate)
        {
            foreach (ChaosTransition t in transitions) _windows[WindowKey(t.Window)] = t;
            var sample = new Sample(++_published, snapshot, chaos) { Transitions = transitions };
            _latest = snapshot;
            // Thin the history by half when full: the chart keeps its whole span at half the detail.
            if (_history.Count == HistoryMax)
            {
                int kept = 0;
                for (int i = 0; i < _history.Count; i += 2) _history[kept++] = _history[i];
                _history.RemoveRange(kept, _history.Count - kept);
            }
            _history.Add(sample);
            if (_subscribers.Count == 0) return;
        }
        Wake();
    }

    public void Complete(RunReport report)
    {
        lock (_gate) _report = report;
        Wake();
    }

    /// <summary>A browser's queue, primed with the history (and the end, when the run is over).</summary>
    public Channel<string> Subscribe()
    {
        var subscriber = new Subscriber(Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true }));
        lock (_gate)
        {
            // A browser connects rarely: rendering what is missing of the history here, under the
            // lock, keeps "history, then every later sample" exact without a second lock dance.
            var rows = new string[_history.Count];
            for (int i = 0; i < rows.Length; i++) rows[i] = Render(_history[i]);
            subscriber.Queue.Writer.TryWrite("event: history\ndata: [" + string.Join(",", rows) + "]\n\n");
            // The chaos windows so far, whole: the history's samples may have been thinned of the changes they carried.
            subscriber.Queue.Writer.TryWrite("event: chaos\ndata: " + WindowsJson(_windows.Values).ToJsonString() + "\n\n");
            subscriber.SentUpTo = _history.Count == 0 ? 0 : _history[^1].Number;
            if (_report is { } report)
            {
                subscriber.Queue.Writer.TryWrite(EndEvent(report));
                subscriber.Ended = true;
            }
            _subscribers.Add(subscriber);
        }
        return subscriber.Queue;
    }

    public void Unsubscribe(Channel<string> channel)
    {
        lock (_gate) _subscribers.RemoveAll(s => s.Queue == channel);
        channel.Writer.TryComplete();
    }

    /// <summary>Tells every browser that the server is going away, and stops the pump.</summary>
    public void Close()
    {
        if (_closing.IsCancellationRequested) return;
        _closing.Cancel();
        lock (_gate)
        {
            foreach (var subscriber in _subscribers) subscriber.Queue.Writer.TryComplete();
            _subscribers.Clear();
        }
        // The pump ends at once on cancellation (it catches it). The semaphore is left to the GC:
        // a late Complete may still release it, and without a wait handle it holds nothing native.
        _pump.Wait(TimeSpan.FromSeconds(5));
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0) _wake.Release();
    }

    /// <summary>Flushes new samples (and the end) to the browsers, at most once per <see cref="FlushInterval"/>, until <see cref="Close"/>.</summary>
    private void Pump()
    {
        var pending = new List<Sample>();
        try
        {
            while (true)
            {
                _wake.Wait(_closing.Token);
                Volatile.Write(ref _wakePending, 0);
                Flush(pending);
                // The rate limit; Close() cuts it short.
                if (_closing.Token.WaitHandle.WaitOne(FlushInterval)) return;
            }
        }
        catch (OperationCanceledException)
        {
            // Close(): the server is stopping.
        }
    }

    private void Flush(List<Sample> pending)
    {
        pending.Clear();
        lock (_gate)
        {
            if (_subscribers.Count == 0) return;
            long oldest = long.MaxValue;
            foreach (var subscriber in _subscribers) oldest = Math.Min(oldest, subscriber.SentUpTo);
            for (int i = _history.Count - 1; i >= 0 && _history[i].Number > oldest; i--) pending.Add(_history[i]);
        }
        pending.Reverse();
        // The JSON is made outside the lock, so the run's Publish never waits for it.
        foreach (var sample in pending) Render(sample);
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                foreach (var sample in pending)
                {
                    if (sample.Number <= subscriber.SentUpTo) continue;
                    subscriber.Queue.Writer.TryWrite("event: sample\ndata: " + sample.Json + "\n\n");
                    subscriber.SentUpTo = sample.Number;
                }
                // The end goes out only after the last sample: Complete comes after the last Publish.
                if (_report is { } report && !subscriber.Ended && subscriber.SentUpTo == _published)
                {
                    subscriber.Queue.Writer.TryWrite(EndEvent(report));
                    subscriber.Ended = true;
                }
            }
        }
    }

    private static string EndEvent(RunReport report) =>
        "event: end\ndata: " + JsonSerializer.Serialize(new { digest = report.Digest, interrupted = report.Interrupted, invariants_ok = report.Invariants.Ok, chaos = report.Chaos,
            handshake_seconds = report.HandshakeSeconds, connection_seconds = report.ConnectionSeconds }) + "\n\n";

    private string Render(Sample sample)
    {
        if (sample.Json is { } json) return json;
        Interlocked.Increment(ref _rendered);
        return sample.Json = SampleJson(sample.Snapshot, sample.Chaos, sample.Transitions);
    }

    private long _rendered;

    /// <summary>How many samples have been turned into JSON so far: none while no browser follows the run.</summary>
    internal long RenderedSamples => Interlocked.Read(ref _rendered);

    /// <summary>One filed sample: its number (from 1, in publishing order), the chaos then in force, and its JSON once made.</summary>
    private sealed class Sample(long number, LiveSnapshot snapshot, IReadOnlyList<LiveChange> chaos)
    {
        public long Number { get; } = number;
        public LiveSnapshot Snapshot { get; } = snapshot;
        public IReadOnlyList<LiveChange> Chaos { get; } = chaos;
        /// <summary>The chaos windows that began or ended since the previous sample.</summary>
        public ChaosTransition[] Transitions { get; init; } = [];
        /// <summary>Made once, by whichever of the pump and a connecting browser needs it first (both make the same text).</summary>
        public string? Json;
    }

    /// <summary>A browser following the stream: its queue and the newest sample it has been sent.</summary>
    private sealed class Subscriber(Channel<string> queue)
    {
        public Channel<string> Queue { get; } = queue;
        public long SentUpTo;
        public bool Ended;
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
    public JsonArray ChaosJson() => ChaosJson(_control?.Active ?? []);

    private static JsonArray ChaosJson(IReadOnlyList<LiveChange> active)
    {
        var list = new JsonArray();
        foreach (LiveChange change in active) list.Add(JsonSerializer.SerializeToNode(change));
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
    private string SampleJson(LiveSnapshot s, IReadOnlyList<LiveChange> chaos, ChaosTransition[] transitions)
    {
        var sample = new JsonObject
        {
            ["t"] = s.Now.TotalSeconds,
            ["duration"] = s.Duration.TotalSeconds,
            ["states"] = Counts(s.StateCounts),
            // Each state's exact fewest and most endpoints within the interval this sample ends (the band under the line).
            ["states_min"] = s.StateMin is { } min ? Counts(min) : null,
            ["states_max"] = s.StateMax is { } max ? Counts(max) : null,
            ["segments"] = JsonSerializer.SerializeToNode(s.Segments),
            ["resets"] = JsonSerializer.SerializeToNode(s.Resets),
            ["connect_outcomes"] = JsonSerializer.SerializeToNode(s.ConnectOutcomes),
            ["outcomes"] = JsonSerializer.SerializeToNode(s.Outcomes),
            ["time_wait_overflow"] = s.TimeWaitOverflow,
            ["events"] = s.Events,
            ["lag_seconds"] = Lag(s),
            ["chaos"] = ChaosJson(chaos),
            ["scheduled_chaos"] = ScheduledChaos(s.Now),
            ["chaos_windows"] = WindowsJson(transitions),
        };
        return sample.ToJsonString();
    }

    private static JsonArray Counts(long[] counts) => new([.. Array.ConvertAll(counts, c => (JsonNode?)c)]);

    // ------------------------------------------------------------------ chaos windows for the charts' bands

    /// <summary>Follows the chaos windows on the run's thread (<see cref="Publish"/>).</summary>
    private readonly ChaosProgress _chaos;
    /// <summary>Every window so far, as of its latest transition, by <see cref="WindowKey"/> (under <see cref="_gate"/>): what a page connecting late is sent first.</summary>
    private readonly Dictionary<string, ChaosTransition> _windows = new(StringComparer.Ordinal);

    private static string WindowKey(ChaosWindow w) => w.Source + ":" + w.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The windows for the page: <c>until</c> is null while a window is on (the page draws it to
    /// the newest sample) and for an instant event (<c>instant</c>: a line, not a band).
    /// </summary>
    private static JsonArray WindowsJson(IEnumerable<ChaosTransition> transitions)
    {
        var list = new JsonArray();
        foreach (ChaosTransition t in transitions)
        {
            ChaosWindow w = t.Window;
            list.Add(new JsonObject
            {
                ["key"] = WindowKey(w), ["at"] = w.At, ["until"] = t.Started ? null : w.Until, ["instant"] = w.IsInstant,
                ["kind"] = w.Kind, ["label"] = w.Label, ["source"] = w.Source,
            });
        }
        return list;
    }
}
