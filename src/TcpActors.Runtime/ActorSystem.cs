using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using TcpActors.Runtime.Scheduling;
using TcpActors.Runtime.Timers;

namespace TcpActors.Runtime;

/// <summary>
/// A deterministic, single-threaded actor system driven by virtual time: one discrete-event loop
/// that delivers every message in the total order (virtual time, send sequence number).
/// </summary>
/// <remarks>
/// <para>Four kinds of members, in the order a driver uses them:</para>
/// <list type="bullet">
/// <item>setup: <see cref="Spawn(Actor)"/>, <see cref="Spawn(Props)"/>, <see cref="SupervisorStrategy"/>,
/// <see cref="ActorFailed"/>, <see cref="CreateRandomStream"/>;</item>
/// <item>inputs: <see cref="Tell{T}(ActorRef, T, ActorRef)"/> and its delayed overload, <see cref="Stop"/>;</item>
/// <item>driving: <see cref="Step"/>, <see cref="RunUntil"/>, <see cref="RunUntilIdle"/>, with
/// <see cref="NextEventTime"/> telling a driver how far it may jump;</item>
/// <item>getters: <see cref="Now"/> and the counters (<see cref="EventsProcessed"/>, <see cref="DeadLetters"/>, ...).</item>
/// </list>
/// <para>Not thread-safe: one thread drives a system (use <see cref="RealTimeDriver.Post"/> to inject
/// from other threads, and <see cref="ShardRunner"/> to run independent systems in parallel).
/// A run is a pure function of the seed and of what was sent: no hash order, wall clock or thread
/// timing takes part in the event order.</para>
/// </remarks>
[DebuggerDisplay("now={Now} queued={QueuedEntries} actors={LiveActors}")]
public sealed class ActorSystem
{
    /// <summary>Below this many stale timer entries, compaction is not worth a pass over the queues.</summary>
    private const long CompactionFloor = 1024;

    /// <summary>Pending messages per message type, indexed by <see cref="MessageTypeId{T}"/>.</summary>
    private MessageQueue?[] _queues = new MessageQueue?[8];

    /// <summary>The same queues, densely, in creation order, for the loop to scan.</summary>
    private MessageQueue[] _active = new MessageQueue[4];

    private int _activeCount;

    /// <summary>Current virtual time in ticks; never goes backwards.</summary>
    private long _nowTicks;

    /// <summary>Next send sequence number, shared by all queues so that the order is total.</summary>
    private long _nextSeq;

    /// <summary>Next actor id, in spawn order.</summary>
    private int _nextActorId;

    /// <summary>Actor whose handler is running, or null between deliveries.</summary>
    private Actor? _current;

    /// <summary>Sender of the message being handled.</summary>
    private Actor? _currentSender;

    /// <summary>Guards against driving the loop from inside a handler.</summary>
    private bool _running;

    /// <summary>Props of actors spawned from props (for restart and per-actor strategy).</summary>
    private Dictionary<Actor, Props>? _props;

    /// <summary>Restarted actor → the instance that replaced it.</summary>
    private Dictionary<Actor, Actor>? _successors;

    /// <summary>All timers of this system.</summary>
    internal readonly TimerTable TimerTable = new();

    /// <summary>Creates a system at virtual time zero.</summary>
    /// <param name="seed">Root of every random stream drawn through <see cref="CreateRandomStream"/>.</param>
    public ActorSystem(ulong seed = 0) => Seed = seed;

    /// <summary>The seed this system was created with.</summary>
    public ulong Seed { get; }

    /// <summary>Current virtual time.</summary>
    public TimeSpan Now => new(_nowTicks);

    /// <summary>Messages delivered (dead letters at delivery time included; skipped stale timer
    /// entries excluded).</summary>
    public long EventsProcessed { get; private set; }

    /// <summary>Messages that reached a stopped actor.</summary>
    public long DeadLetters { get; private set; }

    /// <summary>Messages whose target implements neither <see cref="IReceive{TMessage}"/> for
    /// their type nor <see cref="IReceiveAny"/>; dropped.</summary>
    public long UnhandledMessages { get; private set; }

    /// <summary>Exceptions thrown by actors (handlers, <see cref="Actor.PreStart"/>, <see cref="Actor.PostStop"/>).</summary>
    public long Failures { get; private set; }

    /// <summary>Actors re-created by a <see cref="Directive.Restart"/>.</summary>
    public long Restarts { get; private set; }

    /// <summary>Actors spawned and not stopped.</summary>
    public int LiveActors { get; private set; }

    /// <summary>Entries in the event queues, including stale timer entries not yet compacted away
    /// (bounded by about twice the live entries).</summary>
    public int QueuedEntries
    {
        get
        {
            int count = 0;
            for (int i = 0; i < _activeCount; i++) count += _active[i].Count;
            return count;
        }
    }

    /// <summary>Timers currently allocated to live actors.</summary>
    public int AllocatedTimers => TimerTable.Allocated;

    /// <summary>Strategy for actors whose <see cref="Props"/> name none; <see cref="SupervisorStrategy.StoppingStrategy"/> by default.</summary>
    public SupervisorStrategy SupervisorStrategy { get; set; } = SupervisorStrategy.StoppingStrategy;

    /// <summary>Raised on the loop thread for every exception caught inside an actor, after
    /// supervision has decided; the host logs it. The loop continues afterwards.</summary>
    public event Action<ActorFailure>? ActorFailed;

    /// <summary>Sender of the message being handled (for <see cref="Actor.Sender"/>).</summary>
    internal ActorRef CurrentSender => new(_currentSender);

    /// <summary>A deterministic random stream for one entity, seeded by (<see cref="Seed"/>, <paramref name="streamId"/>).</summary>
    public RandomStream CreateRandomStream(ulong streamId) => new(Seed, streamId);

    /// <summary>Spawns <paramref name="actor"/> (a fresh instance) and calls its <see cref="Actor.PreStart"/>.
    /// The lean path: no bookkeeping beyond the actor's own fields; a <see cref="Directive.Restart"/>
    /// stops such an actor since there is no factory to re-create it.</summary>
    public ActorRef Spawn(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor._status != ActorStatus.Unborn) throw new InvalidOperationException($"{actor} has already been spawned.");
        actor._system = this;
        actor._id = _nextActorId++;
        actor._status = ActorStatus.Alive;
        LiveActors++;
        Start(actor);
        return new ActorRef(actor);
    }

    /// <summary>Spawns an actor from <paramref name="props"/>; it can be restarted by supervision.</summary>
    public ActorRef Spawn(Props props)
    {
        ArgumentNullException.ThrowIfNull(props);
        Actor actor = props.Factory();
        if (actor._status != ActorStatus.Unborn) throw new InvalidOperationException("Props.Factory must return a new actor instance.");
        (_props ??= new Dictionary<Actor, Props>(ReferenceEqualityComparer.Instance))[actor] = props;
        return Spawn(actor);
    }

    /// <summary>Stops the actor: calls <see cref="Actor.PostStop"/>, cancels its timers; messages
    /// still queued for it, and later ones, become dead letters. Stopping twice does nothing.</summary>
    public void Stop(ActorRef actor)
    {
        Actor? target = Resolve(actor.Actor);
        if (target is null || !ReferenceEquals(target._system, this)) return;
        target._status = ActorStatus.Stopped;
        LiveActors--;
        TimerTable.ReleaseAll(target);
        _props?.Remove(target);
        CallPostStop(target);
        MaybeCompact();
    }

    /// <summary>Sends <paramref name="message"/> to be delivered at the current virtual time, after
    /// everything already sent for this time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Tell<T>(ActorRef target, T message, ActorRef sender = default)
    {
        if (target.IsNobody) return;
        CheckOwnership(target);
        Send(target.Actor!, message, _nowTicks, sender);
    }

    /// <summary>Sends <paramref name="message"/> to be delivered <paramref name="delay"/> from now.</summary>
    public void Tell<T>(ActorRef target, T message, TimeSpan delay, ActorRef sender = default)
    {
        if (target.IsNobody) return;
        CheckOwnership(target);
        Send(target.Actor!, message, DueTicks(delay), sender);
    }

    /// <summary>
    /// Hands <paramref name="message"/> to <paramref name="target"/> at once: it is delivered as
    /// soon as the running handler returns, before any other event (hand-offs among themselves in
    /// the order they were made). A kernel hands a packet to its socket this way, in the same
    /// softirq: no other event of the instant can come between, so the event order is that of a
    /// direct call, while the two actors still share nothing but the message. An engine on
    /// Akka.NET sends the same message with a plain <c>Tell</c>.
    /// </summary>
    public void Handoff<T>(ActorRef target, T message)
    {
        if (target.IsNobody) return;
        CheckOwnership(target);
        HandoffLane<T> lane = LaneOf<T>(MessageTypeId<T>.Value);
        lane.Add(target.Actor!, _current, message);
        _handoffOrder.Enqueue(lane);
    }

    /// <summary>Hand-offs waiting for the running handler to return, by lane, in the order made.</summary>
    private readonly Queue<HandoffLane> _handoffOrder = new();

    /// <summary>Pending hand-offs per message type, indexed by <see cref="MessageTypeId{T}"/>.</summary>
    private HandoffLane?[] _lanes = new HandoffLane?[8];

    private HandoffLane<T> LaneOf<T>(int id)
    {
        if ((uint)id < (uint)_lanes.Length && _lanes[id] is { } lane) return Unsafe.As<HandoffLane<T>>(lane);
        if (id >= _lanes.Length) Array.Resize(ref _lanes, Math.Max(id + 1, _lanes.Length * 2));
        var created = new HandoffLane<T>();
        _lanes[id] = created;
        return created;
    }

    /// <summary>Delivers the pending hand-offs, and those they make, in order.</summary>
    private long DrainHandoffs()
    {
        long delivered = 0;
        while (_handoffOrder.TryDequeue(out HandoffLane? lane))
        {
            lane.DeliverNext(this);
            delivered++;
        }
        return delivered;
    }

    internal long NowTicks => _nowTicks;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal long DueTicks(TimeSpan delay)
    {
        if (delay.Ticks < 0) ThrowNegativeDelay(delay);
        return checked(_nowTicks + delay.Ticks);
    }

    private static void ThrowNegativeDelay(TimeSpan delay) =>
        throw new ArgumentOutOfRangeException(nameof(delay), delay, "A message cannot arrive in the past.");

    private void CheckOwnership(ActorRef target)
    {
        if (!ReferenceEquals(target.System, this)) throw new InvalidOperationException($"{target} belongs to another actor system.");
    }

    /// <summary>Virtual time of the next live event, or null when nothing is pending. Stale timer
    /// entries at the head are discarded first, so a driver never wakes for nothing.</summary>
    public TimeSpan? NextEventTime
    {
        get
        {
            if (_handoffOrder.Count != 0) return Now;
            while (NextQueue() is { } queue)
            {
                if (queue.HeadTimer == 0 || !TimerTable.IsStale(queue.HeadTimer, queue.HeadGeneration)) return new TimeSpan(queue.HeadTime);
                queue.DropHead();
                OnStaleEntryDropped();
            }
            return null;
        }
    }

    /// <summary>Delivers the next event, advancing <see cref="Now"/> to its time. False when idle.</summary>
    // Not inlined into callers: the loop gets its own fully optimized (tier-1) code.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool Step()
    {
        EnterLoop();
        try
        {
            if (DrainHandoffs() != 0) return true;
            while (TryPop(long.MaxValue) is { } queue)
            {
                if (queue.DeliverHead(this))
                {
                    DrainHandoffs();
                    return true;
                }
            }
            return false;
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Delivers every event due at or before <paramref name="time"/> (including those sent
    /// meanwhile), then sets <see cref="Now"/> to <paramref name="time"/> if it is later.</summary>
    /// <returns>The number of events delivered.</returns>
    // Not inlined into callers: the loop gets its own fully optimized (tier-1) code.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public long RunUntil(TimeSpan time)
    {
        EnterLoop();
        try
        {
            long delivered = RunTo(time.Ticks);
            AdvanceTo(time.Ticks);
            return delivered;
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>
    /// <see cref="RunUntil(TimeSpan)"/> in slices: delivers at most <paramref name="maxEvents"/>
    /// events due by <paramref name="time"/> (each with the hand-offs it makes). True when nothing
    /// due by then is left (and <see cref="Now"/> is <paramref name="time"/>); false when it stopped
    /// at the limit, so that a driver can check for cancellation between slices at no cost per event.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool RunUntil(TimeSpan time, long maxEvents)
    {
        EnterLoop();
        try
        {
            long limit = time.Ticks;
            if (RunTo(limit, maxEvents) >= maxEvents && NextQueue() is { } queue && queue.HeadTime <= limit) return false;
            AdvanceTo(limit);
            return true;
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Sets <see cref="Now"/> to <paramref name="limitTicks"/> if it is later (every queue follows).</summary>
    private void AdvanceTo(long limitTicks)
    {
        if (_nowTicks >= limitTicks) return;
        _nowTicks = limitTicks;
        for (int i = 0; i < _activeCount; i++) _active[i].Follow(limitTicks);
    }

    /// <summary>
    /// Delivers every event due strictly before <paramref name="time"/> (including those sent
    /// meanwhile); <see cref="Now"/> stays at the last event delivered. What a conservative
    /// window needs: a message from another shard due at the window's end may still arrive and
    /// must find the events of that instant not yet run.
    /// </summary>
    /// <returns>The number of events delivered.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public long RunBefore(TimeSpan time)
    {
        EnterLoop();
        try
        {
            return time.Ticks == long.MinValue ? DrainHandoffs() : RunTo(time.Ticks - 1);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>The loop: pending hand-offs, then every event due by <paramref name="limitTicks"/>,
    /// each followed by the hand-offs its handler made, until <paramref name="maxEvents"/> are delivered.</summary>
    private long RunTo(long limitTicks, long maxEvents = long.MaxValue)
    {
        long delivered = DrainHandoffs();
        while (delivered < maxEvents && TryPop(limitTicks) is { } queue)
        {
            if (queue.DeliverHead(this)) delivered += 1 + DrainHandoffs();
        }
        return delivered;
    }

    /// <summary>Delivers events until none is pending or <paramref name="maxEvents"/> have been delivered.</summary>
    /// <returns>The number of events delivered.</returns>
    // Not inlined into callers: the loop gets its own fully optimized (tier-1) code.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public long RunUntilIdle(long maxEvents = long.MaxValue)
    {
        EnterLoop();
        try
        {
            return RunTo(long.MaxValue, maxEvents);
        }
        finally
        {
            _running = false;
        }
    }

    internal void StartTimer<T>(Actor owner, TimerId timer, T message, TimeSpan delay)
    {
        if (delay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delay), delay, "A timer cannot fire in the past.");
        if (owner._status != ActorStatus.Alive) return;
        long due = checked(_nowTicks + delay.Ticks);
        uint generation = TimerTable.Arm(timer, owner, due);
        Enqueue(owner, owner, message, due, timer.Value, generation);
        MaybeCompact();
    }

    internal void CancelTimer(Actor owner, TimerId timer)
    {
        TimerTable.Cancel(timer, owner);
        MaybeCompact();
    }

    internal void OnStaleEntryDropped()
    {
        TimerTable.StaleEntries--;
        Debug.Assert(TimerTable.StaleEntries >= 0);
    }

    /// <summary>Asks the CPU to start fetching an actor that will soon receive a message: called as
    /// a bucket of events becomes current, well before they are delivered one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Prefetch(Actor target)
    {
        if (!Sse.IsSupported) return;
        byte* address = *(byte**)Unsafe.AsPointer(ref target);
        Sse.Prefetch0(address);
        // The runtime's fields and a subclass's first fields usually spill into the next line.
        Sse.Prefetch0(address + 64);
    }

    /// <summary>Hands one message to its actor; called by <see cref="MessageQueue{T}.DeliverHead"/>.</summary>
    internal void Deliver<T>(Actor target, Actor? sender, T message)
    {
        EventsProcessed++;
        if (target._status != ActorStatus.Alive)
        {
            Actor? current = Resolve(target);
            if (current is null)
            {
                DeadLetters++;
                return;
            }
            target = current;
        }
        _current = target;
        _currentSender = sender;
        try
        {
            if (target is IReceive<T> receiver) receiver.Receive(message);
            else if (target is IReceiveAny any) any.Receive(message);
            else UnhandledMessages++;
        }
        catch (Exception exception)
        {
            Fail(target, exception, typeof(T));
        }
        _current = null;
        _currentSender = null;
    }

    /// <summary>Queues a message. The target's status is not read here but on delivery, so a send
    /// does not pull the target actor into cache twice (see docs/performance.md).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Send<T>(Actor target, T message, long dueTicks, ActorRef sender)
    {
        Debug.Assert(ReferenceEquals(target._system, this));
        // As in Akka.NET, a Tell from inside a handler carries the handling actor as its sender.
        Enqueue(target, sender.Actor ?? _current, message, dueTicks, 0, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enqueue<T>(Actor target, Actor? sender, T message, long dueTicks, int timer, uint generation)
    {
        MessageQueue<T> queue = QueueOf<T>(MessageTypeId<T>.Value);
        queue.Add(new MessageQueue<T>.Entry(dueTicks, _nextSeq++, target, sender, message, timer, generation), _nowTicks);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MessageQueue<T> QueueOf<T>(int queueId)
    {
        MessageQueue?[] queues = _queues;
        if ((uint)queueId < (uint)queues.Length && queues[queueId] is { } queue) return Unsafe.As<MessageQueue<T>>(queue);
        return CreateQueue<T>(queueId);
    }

    private MessageQueue<T> CreateQueue<T>(int queueId)
    {
        if (queueId >= _queues.Length) Array.Resize(ref _queues, Math.Max(queueId + 1, _queues.Length * 2));
        var queue = new MessageQueue<T>(this);
        _queues[queueId] = queue;
        if (_activeCount == _active.Length) Array.Resize(ref _active, _active.Length * 2);
        _active[_activeCount++] = queue;
        return queue;
    }

    /// <summary>The queue whose head comes first in (time, seq) order, or null when all are empty.
    /// A scan of a few cached fields per message type: there are only a handful of types.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MessageQueue? NextQueue()
    {
        MessageQueue? best = null;
        MessageQueue[] active = _active;
        int count = Math.Min(_activeCount, active.Length);
        for (int i = 0; i < count; i++)
        {
            MessageQueue queue = active[i];
            if (queue.HasHead && (best is null || Scheduled.Before(queue.HeadTime, queue.HeadSeq, best.HeadTime, best.HeadSeq))) best = queue;
        }
        return best;
    }

    /// <summary>The queue holding the next event if it is due by <paramref name="limitTicks"/>;
    /// advances <see cref="Now"/> to that event's time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MessageQueue? TryPop(long limitTicks)
    {
        MessageQueue? queue = NextQueue();
        if (queue is null || queue.HeadTime > limitTicks) return null;
        Debug.Assert(queue.HeadTime >= _nowTicks, "virtual time went backwards");
        _nowTicks = queue.HeadTime;
        return queue;
    }

    private void EnterLoop()
    {
        if (_running) throw new InvalidOperationException("The event loop is already running; an actor cannot drive its own system.");
        _running = true;
    }

    /// <summary>The live instance behind <paramref name="actor"/>, following restarts; null if stopped.</summary>
    private Actor? Resolve(Actor? actor)
    {
        while (actor is not null && actor._status == ActorStatus.Superseded) actor = _successors![actor];
        return actor is not null && actor._status == ActorStatus.Alive ? actor : null;
    }

    private void Start(Actor actor)
    {
        Actor? previous = _current;
        _current = actor;
        try
        {
            actor.PreStart();
        }
        catch (Exception exception)
        {
            // An actor that cannot start is stopped whatever the strategy says: restarting it
            // would fail the same way (Akka.NET's ActorInitializationException).
            Failures++;
            ActorFailed?.Invoke(new ActorFailure(new ActorRef(actor), exception, Directive.Stop, Now, null));
            Stop(new ActorRef(actor));
        }
        _current = previous;
    }

    private void CallPostStop(Actor actor)
    {
        try
        {
            actor.PostStop();
        }
        catch (Exception exception)
        {
            Failures++;
            ActorFailed?.Invoke(new ActorFailure(new ActorRef(actor), exception, Directive.Stop, Now, null));
        }
    }

    private void Fail(Actor actor, Exception exception, Type messageType)
    {
        Failures++;
        Props? props = null;
        _props?.TryGetValue(actor, out props);
        Directive directive = (props?.SupervisorStrategy ?? SupervisorStrategy).Decide(exception);
        if (directive == Directive.Restart && props is null) directive = Directive.Stop;
        ActorFailed?.Invoke(new ActorFailure(new ActorRef(actor), exception, directive, Now, messageType));
        if (actor._status != ActorStatus.Alive) return; // the handler stopped itself before throwing
        switch (directive)
        {
            case Directive.Stop:
                Stop(new ActorRef(actor));
                break;
            case Directive.Restart:
                Restart(actor, props!);
                break;
        }
    }

    private void Restart(Actor actor, Props props)
    {
        Actor fresh = props.Factory();
        if (fresh._status != ActorStatus.Unborn) throw new InvalidOperationException("Props.Factory must return a new actor instance.");
        actor._status = ActorStatus.Superseded;
        TimerTable.ReleaseAll(actor);
        _props!.Remove(actor);
        CallPostStop(actor);
        (_successors ??= new Dictionary<Actor, Actor>(ReferenceEqualityComparer.Instance))[actor] = fresh;
        fresh._system = this;
        fresh._id = actor._id;
        fresh._status = ActorStatus.Alive;
        _props[fresh] = props;
        Restarts++;
        Start(fresh);
        MaybeCompact();
    }

    /// <summary>Drops stale timer entries once they are at least half of all queued entries, so an
    /// RTO re-armed on every ACK cannot grow the queues without bound; amortized O(1) per re-arm.</summary>
    private void MaybeCompact()
    {
        long stale = TimerTable.StaleEntries;
        if (stale < CompactionFloor || stale * 2 < QueuedEntries) return;
        for (int i = 0; i < _activeCount; i++) _active[i].RemoveStale(this);
        Debug.Assert(TimerTable.StaleEntries == 0, "stale entry count drifted");
    }

}
