using System.Diagnostics;

namespace TcpActors.Simulation.Live;

/// <summary>
/// The seam through which chaos changes enter a running simulation from outside (the dashboard's
/// control API): give one to <see cref="SimulationOptions.LiveControl"/>, then call
/// <see cref="Apply"/> and <see cref="Remove"/> from any thread while the run goes.
/// </summary>
/// <remarks>
/// Determinism: a change never lands "now" on some thread's whim. It is placed at the next sample
/// boundary that no shard has reached yet, and every shard applies it at exactly that virtual
/// time, before running on. The changes are recorded in the report (<c>live_changes</c>, part of
/// the digest), and <see cref="Replay"/> feeds them to a new run at the same boundaries, so a run
/// steered by hand can be reproduced bit for bit.
/// </remarks>
public sealed class LiveControl
{
    /// <summary>Guards everything below: the API's threads and the shards' threads meet here.</summary>
    private readonly Lock _gate = new();
    /// <summary>Every change so far (replayed ones first), in order of virtual time.</summary>
    private readonly List<LiveChange> _changes = [];
    /// <summary>Applied chaos not removed, by id.</summary>
    private readonly SortedDictionary<int, LiveChange> _active = [];
    /// <summary>Per shard slot: the last boundary it took changes at; <see cref="NotYet"/> before the first.</summary>
    private TimeSpan[] _polled = [];
    /// <summary>Per shard slot: how many of <see cref="_changes"/> it has taken.</summary>
    private int[] _cursor = [];
    private TimeSpan _step;
    private TimeSpan _duration;
    private int _serverHosts;
    private int _nextId = 1;
    private bool _started;
    private bool _ended;

    private static readonly TimeSpan NotYet = TimeSpan.MinValue;

    /// <summary>An empty control: nothing changes until <see cref="Apply"/> is called.</summary>
    public LiveControl() { }

    /// <summary>
    /// A control that replays <paramref name="changes"/> (a report's <c>live_changes</c>) at their
    /// recorded virtual times; further live changes may still be made after the last of them.
    /// </summary>
    public static LiveControl Replay(IEnumerable<LiveChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var control = new LiveControl();
        foreach (LiveChange change in changes)
        {
            if (control._changes.Count > 0 && change.At < control._changes[^1].At)
                throw new ArgumentException("live changes must be in order of time", nameof(changes));
            control._changes.Add(change);
            control._nextId = Math.Max(control._nextId, change.Id + 1);
            if (change.Apply) control._active[change.Id] = change;
            else control._active.Remove(change.Id);
        }
        return control;
    }

    /// <summary>True from the start of the run to its end: changes are accepted.</summary>
    public bool IsRunning
    {
        get { lock (_gate) return _started && !_ended; }
    }

    /// <summary>The chaos applied (or about to be, at the next boundary) and not removed, by id.</summary>
    public IReadOnlyList<LiveChange> Active
    {
        get { lock (_gate) return [.. _active.Values]; }
    }

    /// <summary>Every change so far, in order.</summary>
    public IReadOnlyList<LiveChange> Changes
    {
        get { lock (_gate) return [.. _changes]; }
    }

    /// <summary>Applies <paramref name="chaos"/> at the next sample boundary no shard has reached.</summary>
    /// <exception cref="LiveControlException">The chaos is malformed, or the run is not going.</exception>
    public LiveChange Apply(LiveChaos chaos)
    {
        ArgumentNullException.ThrowIfNull(chaos);
        lock (_gate)
        {
            if (chaos.Problem(_started ? _serverHosts : int.MaxValue) is { } problem) throw new LiveControlException(problem);
            TimeSpan at = NextBoundary();
            var change = new LiveChange { TSeconds = at.TotalSeconds, Id = _nextId++, Apply = true, Chaos = chaos };
            _changes.Add(change);
            _active[change.Id] = change;
            return change;
        }
    }

    /// <summary>Removes the live chaos <paramref name="id"/> at the next sample boundary.</summary>
    /// <exception cref="KeyNotFoundException">No such chaos is active.</exception>
    /// <exception cref="LiveControlException">The run is not going.</exception>
    public LiveChange Remove(int id)
    {
        lock (_gate)
        {
            // Whether the run is going comes first: after the end, every change is refused alike.
            TimeSpan at = NextBoundary();
            if (!_active.TryGetValue(id, out LiveChange? applied)) throw new KeyNotFoundException($"no live chaos {id}");
            var change = applied with { TSeconds = at.TotalSeconds, Apply = false };
            _changes.Add(change);
            _active.Remove(id);
            return change;
        }
    }

    /// <summary>Removes every live chaos at the next sample boundary (the dashboard's "heal").</summary>
    /// <exception cref="LiveControlException">The run is not going.</exception>
    public IReadOnlyList<LiveChange> RemoveAll()
    {
        lock (_gate)
        {
            // Refused when the run is not going, even with nothing to remove, as Apply and Remove are.
            NextBoundary();
            var removed = new List<LiveChange>();
            foreach (int id in (int[])[.. _active.Keys]) removed.Add(Remove(id));
            return removed;
        }
    }

    private TimeSpan NextBoundary()
    {
        if (!_started) throw new LiveControlException("the run has not started yet");
        if (_ended) throw new LiveControlException("the run has ended");
        TimeSpan reached = NotYet;
        foreach (TimeSpan t in _polled) if (t > reached) reached = t;
        TimeSpan at = reached == NotYet ? TimeSpan.Zero : reached + _step;
        if (_changes.Count > 0 && _changes[^1].At > at) at = _changes[^1].At;
        if (at >= _duration) throw new LiveControlException("the run is at its last sample");
        return at;
    }

    // ------------------------------------------------------------------ the engine's side

    /// <summary>The run begins with <paramref name="slots"/> shards sampling every <paramref name="step"/>.</summary>
    internal void Start(int slots, TimeSpan step, TimeSpan duration, int serverHosts)
    {
        lock (_gate)
        {
            if (_started) throw new InvalidOperationException("a live control serves one run");
            _polled = new TimeSpan[slots];
            Array.Fill(_polled, NotYet);
            _cursor = new int[slots];
            _step = step;
            _duration = duration;
            _serverHosts = serverHosts;
            _started = true;
        }
    }

    /// <summary>Shard <paramref name="slot"/> is at boundary <paramref name="t"/>: the changes due there, in order.</summary>
    internal void TakeDue(int slot, TimeSpan t, List<LiveChange> due)
    {
        due.Clear();
        lock (_gate)
        {
            Debug.Assert(t > _polled[slot], "boundaries only move forward");
            _polled[slot] = t;
            int i = _cursor[slot];
            while (i < _changes.Count && _changes[i].At <= t) due.Add(_changes[i++]);
            _cursor[slot] = i;
        }
    }

    /// <summary>The changes shard <paramref name="slot"/> has applied (what its report records).</summary>
    internal LiveChange[] TakenBy(int slot)
    {
        lock (_gate) return [.. _changes.GetRange(0, _cursor[slot])];
    }

    /// <summary>The run is over: no more changes.</summary>
    internal void End()
    {
        lock (_gate) _ended = true;
    }
}

/// <summary>A live change was refused: malformed, or the run is not going. The message says why.</summary>
public sealed class LiveControlException(string message) : Exception(message);
