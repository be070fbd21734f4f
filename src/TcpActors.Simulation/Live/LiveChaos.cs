using System.Text.Json.Serialization;

namespace TcpActors.Simulation.Live;

/// <summary>
/// What a live chaos change does, in the manner of a Toxiproxy toxic: more loss, more delay, a
/// partition between clients and servers, or a crashed server host. Exactly one per change.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<LiveChaosKind>))]
public enum LiveChaosKind : byte
{
    /// <summary>Bernoulli loss <see cref="LiveChaos.Loss"/> on every client–server link, both ways.</summary>
    [JsonStringEnumMemberName("loss")] Loss = 0,
    /// <summary>One-way delay <see cref="LiveChaos.DelayMs"/> on every client–server link, both ways.</summary>
    [JsonStringEnumMemberName("delay")] Delay = 1,
    /// <summary>Cut every link between clients and servers, both ways.</summary>
    [JsonStringEnumMemberName("partition")] Partition = 2,
    /// <summary>Crash server host <see cref="LiveChaos.Host"/> (every shard's replica); it restarts when removed.</summary>
    [JsonStringEnumMemberName("crash")] Crash = 3,
}

/// <summary>One live chaos change as the control API and the report spell it.</summary>
public sealed record LiveChaos
{
    /// <summary>What it does.</summary>
    [JsonPropertyName("kind")] public LiveChaosKind Kind { get; init; }

    /// <summary>For <see cref="LiveChaosKind.Loss"/>: the loss probability, 0 … 1.</summary>
    [JsonPropertyName("loss")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Loss { get; init; }

    /// <summary>For <see cref="LiveChaosKind.Delay"/>: the one-way delay in milliseconds, 0 … 60,000.</summary>
    [JsonPropertyName("delay_ms")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? DelayMs { get; init; }

    /// <summary>For <see cref="LiveChaosKind.Crash"/>: the server host's index.</summary>
    [JsonPropertyName("host")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Host { get; init; }

    /// <summary>Null when the change is well formed for <paramref name="serverHosts"/> servers, else the reason it is not.</summary>
    public string? Problem(int serverHosts) => Kind switch
    {
        LiveChaosKind.Loss when Loss is not { } p || !(p >= 0 && p <= 1) => "loss needs \"loss\": a probability from 0 to 1",
        LiveChaosKind.Delay when DelayMs is not { } d || !(d >= 0 && d <= 60_000) => "delay needs \"delay_ms\": 0 to 60000",
        LiveChaosKind.Crash when Host is not { } h || h < 0 || h >= serverHosts => $"crash needs \"host\": a server index from 0 to {serverHosts - 1}",
        LiveChaosKind.Loss or LiveChaosKind.Delay or LiveChaosKind.Partition or LiveChaosKind.Crash => null,
        _ => $"unknown kind {Kind}",
    };

    /// <summary>A short description for people: <c>loss 30%</c>, <c>delay 200ms</c>, <c>partition</c>, <c>crash server 0</c>.</summary>
    public override string ToString() => Kind switch
    {
        LiveChaosKind.Loss => FormattableString.Invariant($"loss {Loss * 100:0.##}%"),
        LiveChaosKind.Delay => FormattableString.Invariant($"delay {DelayMs:0.###}ms"),
        LiveChaosKind.Partition => "partition",
        _ => FormattableString.Invariant($"crash server {Host}"),
    };
}
