using TcpActors.Tcp;

namespace TcpActors.Simulation.Model;

/// <summary>The run's counters that the model adds to (DESIGN.md §7); each is an exact count, never sampled.</summary>
internal enum RunCounter
{
    Sent, Delivered, Duplicated, Corrupted, Retransmitted, Reordered,
    /// <summary>Segments handed to the network and not yet delivered (a balance: added and taken away).</summary>
    InFlight,
    Unroutable,
    DropLoss, DropPartition, DropBlackhole, DropQueueFull, DropTargeted,
    ResetsSent, ResetsReceived, ResetsInjected, ChallengeAcks,
    ConnectEstablished, ConnectRefused, ConnectTimedOut, ConnectReset, ConnectPortExhausted,
    TimeWaitOverflow,
    /// <summary>Endpoints with a TCP timer pending other than keepalive (a balance): the run has drained when it is 0 and nothing is in flight.</summary>
    PendingTimers,
}

/// <summary>
/// Where the model reports what happens: endpoints per state (each change as it happens), the
/// counters, the durations, and the checks that failed. One implementation keeps plain fields for
/// an engine that runs a shard on one thread (<see cref="Telemetry.ShardTelemetry"/>); an engine
/// whose actors run on several threads gives one that is safe there. Every call carries the
/// virtual time, so a sink needs no clock of its own.
/// </summary>
internal interface ITelemetrySink
{
    /// <summary>A new endpoint or listener in <paramref name="state"/>.</summary>
    void Enter(TimeSpan now, TcpState state);

    /// <summary>An endpoint or listener in <paramref name="state"/> is gone; <paramref name="passed"/>:
    /// it entered that state within this same instant (it held it for no virtual time).</summary>
    void Leave(TimeSpan now, TcpState state, bool passed = false);

    /// <summary>An endpoint moves from <paramref name="from"/> to <paramref name="to"/>; <paramref name="passed"/>:
    /// it entered <paramref name="from"/> within this same instant.</summary>
    void Move(TimeSpan now, TcpState from, TcpState to, bool passed = false);

    /// <summary>Adds <paramref name="delta"/> to <paramref name="counter"/>.</summary>
    void Add(RunCounter counter, long delta = 1);

    /// <summary>A client's handshake took <paramref name="duration"/> (connect to ESTABLISHED).</summary>
    void Handshake(TimeSpan duration);

    /// <summary>A client's connection lasted <paramref name="duration"/> (ESTABLISHED to gone).</summary>
    void Connection(TimeSpan duration);

    /// <summary>SND.UNA was beyond SND.NXT (a bug: DESIGN.md §9); <paramref name="describe"/> says where, asked for the first only.</summary>
    void SequenceViolation(Func<string> describe);
}
