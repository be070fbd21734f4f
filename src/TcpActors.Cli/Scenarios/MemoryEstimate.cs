using System.Globalization;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Cli.Scenarios;

/// <summary>
/// The memory a run will need at its peak, estimated before it starts, so that a run the machine
/// cannot hold is refused with a clear message (exit 2) instead of being killed by the kernel's
/// OOM killer half way through — with nothing written.
/// </summary>
/// <remarks>
/// The figures are measured peaks (docs/performance.md, "Memory: one machine, one million
/// couples"): peak resident set size divided by couples at the peak of the teardown storm, when
/// both endpoints of every couple are alive and the close burst's arrays are allocated, rounded up.
/// A shard holds its share of the couples; the fixed part is the runtime, JIT and the tables every
/// shard has.
/// </remarks>
internal static class MemoryEstimate
{
    /// <summary>Bytes per couple the run needs at its peak (client and server endpoint, actors,
    /// tables, the close burst's queues). Measured 2026-11-22: the built-in 1M-couple storm (two
    /// shards) peaks at 1,258–1,299 MiB of RSS with no heap limit, ≈ 1,190–1,230 B per couple
    /// after the fixed part (before the runtime recycled its burst arrays: ≈ 1,650 B per couple of
    /// RSS, and ≈ 1,200 B under a 1.25 GiB GC heap hard limit).</summary>
    public const long BytesPerCouple = 1_250;

    /// <summary>Process start, JIT, the scenario and per-shard tables (measured ≈ 60–100 MB at 1,000 couples).</summary>
    public const long FixedBytes = 128L * 1024 * 1024;

    /// <summary>Estimated peak bytes of running <paramref name="couplesHere"/> couples in this process.</summary>
    public static long PeakBytes(long couplesHere) => FixedBytes + couplesHere * BytesPerCouple;

    /// <summary>The couples this process simulates: all of them, or one shard's share with <c>--shard i/N</c>.</summary>
    public static long CouplesHere(Scenario scenario, bool oneShardOnly) =>
        oneShardOnly ? (scenario.Workload.Couples + scenario.Run.Shards - 1) / scenario.Run.Shards : scenario.Workload.Couples;

    /// <summary>
    /// Why the run must be refused, or null when it fits in <paramref name="availableBytes"/> (by
    /// default what the GC sees: physical memory or the container's limit).
    /// </summary>
    public static string? Refusal(Scenario scenario, bool oneShardOnly, long? availableBytes = null)
    {
        long available = availableBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long couples = CouplesHere(scenario, oneShardOnly);
        long needed = PeakBytes(couples);
        if (needed <= available) return null;
        long fitting = Math.Max(0, (available - FixedBytes) / BytesPerCouple);
        return string.Create(CultureInfo.InvariantCulture,
            $"{scenario.Name} with {couples:N0} couples needs about {Gib(needed)} of memory " +
            $"({BytesPerCouple:N0} bytes per couple + {Gib(FixedBytes)}), but this machine has {Gib(available)}; " +
            $"run at most about {fitting:N0} couples here, or split the run with --shard i/N over several machines");
    }

    /// <summary>Tells the user why the run is refused; returns the exit code (2: bad input).</summary>
    public static int Refuse(TextWriter error, string reason)
    {
        error.WriteLine($"tcpactors: {reason}");
        return ExitCode.BadInput;
    }

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.0} GiB");
}
