using System.Text.Json.Serialization;

namespace TcpActors.Simulation.Reporting;

/// <summary>
/// How far a paced run fell behind the wall clock (DESIGN.md §3: lag is shown, never hidden).
/// An event due at virtual time v should be delivered at wall time v / <see cref="TimeScale"/>
/// after the start; its lag is how much later it was. A run whose worst lag stays under the
/// dashboard's resolution (about 100 ms) is as good as real; more, and the machine could not keep
/// up with the scenario at that scale — the result is still exact, only late.
/// </summary>
public sealed record RealTimeLag
{
    /// <summary>The lag a run may have and still count as keeping up with the wall clock: 100 ms,
    /// a tenth of the dashboard's one-second refresh.</summary>
    public const double KeptUpSeconds = 0.1;

    /// <summary>Virtual seconds per wall second the run was paced at.</summary>
    [JsonPropertyName("time_scale")] public required double TimeScale { get; init; }

    /// <summary>The worst lag of any event (or sample boundary), in wall seconds; over all shards.</summary>
    [JsonPropertyName("max_lag_seconds")] public required double MaxLagSeconds { get; init; }

    /// <summary>The virtual time of that worst lag, in seconds.</summary>
    [JsonPropertyName("max_lag_at_seconds")] public required double MaxLagAtSeconds { get; init; }

    /// <summary>The worse of two shards' lags (shards are paced independently, in parallel).</summary>
    public static RealTimeLag? Worst(RealTimeLag? a, RealTimeLag? b) =>
        a is null ? b : b is null ? a : b.MaxLagSeconds > a.MaxLagSeconds ? b : a;
}
