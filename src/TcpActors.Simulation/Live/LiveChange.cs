using System.Text.Json.Serialization;

namespace TcpActors.Simulation.Live;

/// <summary>
/// One entry of the report's <c>live_changes</c>: a live chaos change applied (or removed) at a
/// sample boundary of virtual time. Replaying the list through
/// <see cref="LiveControl.Replay"/> reproduces the run, digest and all.
/// </summary>
public sealed record LiveChange
{
    /// <summary>The virtual time, in seconds, at which the change took effect (a sample boundary).</summary>
    [JsonPropertyName("t")] public required double TSeconds { get; init; }

    /// <summary>The chaos it concerns (1, 2, … in order of application).</summary>
    [JsonPropertyName("id")] public required int Id { get; init; }

    /// <summary>True when the chaos is applied, false when it is removed.</summary>
    [JsonPropertyName("apply")] public required bool Apply { get; init; }

    /// <summary>What the chaos does.</summary>
    [JsonPropertyName("chaos")] public required LiveChaos Chaos { get; init; }

    /// <summary>The virtual time as ticks (what the engine compares).</summary>
    [JsonIgnore] public TimeSpan At => TimeSpan.FromTicks((long)Math.Round(TSeconds * TimeSpan.TicksPerSecond));
}
