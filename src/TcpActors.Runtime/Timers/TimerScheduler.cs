namespace TcpActors.Runtime;

/// <summary>
/// The timers of one actor (Akka.NET's <c>ITimerScheduler</c>), obtained from
/// <see cref="Actor.Timers"/>. A timer delivers its message to the owner after a delay of
/// virtual time, exactly once, unless cancelled or re-armed first; re-arming replaces the
/// pending expiry (an RTO timer moved on every ACK costs one queue insert and no allocation).
/// Timers are cancelled when the actor stops.
/// </summary>
public readonly struct TimerScheduler
{
    private readonly Actor _owner;

    internal TimerScheduler(Actor owner) => _owner = owner;

    private ActorSystem System => _owner._system ?? throw new InvalidOperationException("The actor has not been spawned.");

    /// <summary>Starts <paramref name="timer"/>, or re-arms it if it is already running: only the
    /// latest start fires. Allocates the timer on first use.</summary>
    public void StartSingleTimer<T>(ref TimerId timer, T message, TimeSpan delay)
    {
        ActorSystem system = System;
        if (timer.IsNone) timer = system.TimerTable.Allocate(_owner);
        system.StartTimer(_owner, timer, message, delay);
    }

    /// <summary>Cancels the timer if it is running; its message will not be delivered.</summary>
    public void Cancel(TimerId timer) => System.CancelTimer(_owner, timer);

    /// <summary>True while the timer is armed and has not fired.</summary>
    public bool IsTimerActive(TimerId timer) => System.TimerTable.IsArmed(timer, _owner);

    /// <summary>The virtual time at which an active timer will fire, or null.</summary>
    public TimeSpan? DueAt(TimerId timer) =>
        IsTimerActive(timer) ? TimeSpan.FromTicks(System.TimerTable.DueTicks(timer, _owner)) : null;
}
