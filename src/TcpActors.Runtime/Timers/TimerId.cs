using System.Diagnostics;

namespace TcpActors.Runtime;

/// <summary>
/// Names one timer of one actor (the role of Akka.NET's timer key). Keep it in a field of the
/// actor, <c>default</c> until first use: <see cref="TimerScheduler.StartSingleTimer{T}"/>
/// allocates the slot on first start and re-arms it afterwards. Four bytes, no allocation.
/// </summary>
[DebuggerDisplay("timer {Value}")]
public readonly struct TimerId : IEquatable<TimerId>
{
    /// <summary>Slot index + 1 in the system's timer table; 0 = not yet allocated.</summary>
    internal readonly int Value;

    internal TimerId(int value) => Value = value;

    /// <summary>True until the timer has been started once.</summary>
    public bool IsNone => Value == 0;

    /// <inheritdoc />
    public bool Equals(TimerId other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TimerId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value;

    /// <summary>Same timer.</summary>
    public static bool operator ==(TimerId left, TimerId right) => left.Equals(right);

    /// <summary>Different timers.</summary>
    public static bool operator !=(TimerId left, TimerId right) => !left.Equals(right);
}
