using System.Globalization;
using TcpActors.Simulation.Scenarios;

namespace TcpActors.Cli.Scenarios;

/// <summary>
/// The memory a run will need at its peak, estimated before it starts from everything that grows
/// with the input — couples, hosts, samples, chaos entries — so that a run the machine cannot
/// hold is refused with a clear message (exit 2) instead of being killed by the kernel's OOM
/// killer half way through, with nothing written.
/// </summary>
/// <remarks>
/// Each figure is a measured peak resident set size (<c>/usr/bin/time -v</c>, docs/performance.md,
/// "Memory estimate"): the difference between two runs that differ in one input only, divided by
/// the difference in that input, rounded up. The trace costs nothing per event (the trace and the
/// pcap are streamed to their files; report.html's ladders are bounded to 10 couples × 400
/// events), so it is part of the fixed figure.
/// </remarks>
internal sealed record MemoryEstimate(long Couples, long ClientHosts, long ServerHosts, long Samples, int Shards, long ChaosEntries)
{
    /// <summary>Bytes per couple the run needs at its peak (client and server endpoint, actors,
    /// tables, the close burst's queues). Measured 2026-11-22: the built-in 1M-couple storm (two
    /// shards) peaks at 1,258–1,299 MiB of RSS with no heap limit, ≈ 1,190–1,230 B per couple
    /// after the fixed part (before the runtime recycled its burst arrays: ≈ 1,650 B per couple of
    /// RSS, and ≈ 1,200 B under a 1.25 GiB GC heap hard limit).</summary>
    public const long BytesPerCouple = 1_250;

    /// <summary>Bytes per client host that opens couples (its actor, TcpHost, options and tables
    /// before any connection). Measured 2026-12-02: 10 couples over 1,000,000 client hosts, all
    /// created then, peaked 610 MiB above 10 couples over one host: ≈ 640 B each. Hosts that open
    /// no couple are not created at all.</summary>
    public const long BytesPerClientHost = 640;

    /// <summary>Bytes per server host, in every shard (each shard has a replica of every server,
    /// with its listener). Measured 2026-12-02: 65,536 servers peaked 71 MiB above one: ≈ 1,110 B.</summary>
    public const long BytesPerServerHost = 1_152;

    /// <summary>Bytes per sample (a row of <c>timeseries.csv</c>) in the first shard: its row of
    /// the time series, the merged series, the CSV and report.html's charts built from them.
    /// Measured 2026-12-02: 10 couples for 100 h and 300 h sampled every second (360,001 and
    /// 1,080,001 samples) peaked at 213 and 536 MiB: ≈ 470 B per sample.</summary>
    public const long BytesPerSample = 512;

    /// <summary>Bytes per sample in each further shard: its own series' row (12 longs, 96 B) with
    /// the slack of a list that grows by doubling.</summary>
    public const long BytesPerSamplePerExtraShard = 192;

    /// <summary>Bytes per chaos entry (parsed, scheduled, reported). Measured 2026-12-02: 10,000
    /// one-window entries peaked 17 MiB above 1,000 (after the samples' share): ≈ 1.9 KB each.</summary>
    public const long BytesPerChaosEntry = 2_048;

    /// <summary>Process start, JIT, the scenario, per-shard tables and report.html's bounded
    /// ladders (measured ≈ 60–100 MB at 1,000 couples).</summary>
    public const long FixedBytes = 128L * 1024 * 1024;

    /// <summary>The default limit is this share of what the GC sees as the machine's memory
    /// (physical memory, or the container's limit): room for the GC's own headroom and for
    /// whatever else the machine runs.</summary>
    public const double DefaultShareOfMachine = 0.5;

    /// <summary>Estimated peak bytes, saturated at <see cref="long.MaxValue"/>.</summary>
    public long Bytes => Saturate(FixedBytes + CoupleBytes + ClientHostBytes + ServerHostBytes + SampleBytes + ChaosBytes);

    private double CoupleBytes => (double)Couples * BytesPerCouple;

    private double ClientHostBytes => (double)ClientHosts * BytesPerClientHost;

    private double ServerHostBytes => (double)ServerHosts * BytesPerServerHost;

    private double SampleBytes => (double)Samples * (BytesPerSample + (Shards - 1) * BytesPerSamplePerExtraShard);

    private double ChaosBytes => (double)ChaosEntries * BytesPerChaosEntry;

    /// <summary>What this process will hold of <paramref name="scenario"/>: all of it, or one shard's share with <c>--shard i/N</c>.</summary>
    public static MemoryEstimate Of(Scenario scenario, bool oneShardOnly)
    {
        int shards = scenario.Run.Shards;
        int shardsHere = oneShardOnly ? 1 : shards;
        long activeClientHosts = Math.Min(scenario.Hosts.Clients.Count, scenario.Workload.Couples);
        long samples = scenario.Run.SampleEvery > TimeSpan.Zero ? scenario.Run.Duration.Ticks / scenario.Run.SampleEvery.Ticks + 1 : 1;
        return new MemoryEstimate(
            Couples: CouplesHere(scenario, oneShardOnly),
            ClientHosts: oneShardOnly ? (activeClientHosts + shards - 1) / shards : activeClientHosts,
            ServerHosts: (long)scenario.Hosts.Servers.Count * shardsHere,
            Samples: samples,
            Shards: shardsHere,
            ChaosEntries: scenario.Chaos.Count);
    }

    /// <summary>Estimated peak bytes of running <paramref name="couplesHere"/> couples (and nothing else that grows) in this process.</summary>
    public static long PeakBytes(long couplesHere) => FixedBytes + couplesHere * BytesPerCouple;

    /// <summary>The couples this process simulates: all of them, or one shard's share with <c>--shard i/N</c>.</summary>
    public static long CouplesHere(Scenario scenario, bool oneShardOnly) =>
        oneShardOnly ? (scenario.Workload.Couples + scenario.Run.Shards - 1) / scenario.Run.Shards : scenario.Workload.Couples;

    /// <summary>What the GC sees as the machine's memory: physical memory, or the container's limit.</summary>
    public static long MachineBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The limit when <c>--max-memory</c> is not given: <see cref="DefaultShareOfMachine"/> of <paramref name="machineBytes"/>.</summary>
    public static long DefaultLimit(long machineBytes) => (long)(machineBytes * DefaultShareOfMachine);

    /// <summary>
    /// Why the run must be refused, or null when it fits in <paramref name="limitBytes"/>:
    /// <c>--max-memory</c> when <paramref name="limitGiven"/>, else the default share of
    /// <paramref name="machineBytes"/>. One sentence: the estimate and its largest part, the
    /// limit, and the knobs to turn.
    /// </summary>
    public string? Refusal(string scenarioName, long limitBytes, bool limitGiven, long machineBytes)
    {
        long needed = Bytes;
        if (needed <= limitBytes) return null;
        string limit = limitGiven
            ? $"the limit of {Size(limitBytes)} (--max-memory)"
            : $"the limit of {Size(limitBytes)} (half of this machine's {Size(machineBytes)})";
        var (part, advice) = LargestPart(limitBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{scenarioName} needs about {Size(needed)} of memory, mostly for {part}, more than {limit}; " +
            $"{advice}, or raise the limit with --max-memory SIZE");
    }

    /// <summary>The largest part of the estimate in words, and how to make it smaller.</summary>
    private (string Part, string Advice) LargestPart(long limitBytes)
    {
        double[] parts = [CoupleBytes, ClientHostBytes, ServerHostBytes, SampleBytes, ChaosBytes];
        int largest = 0;
        for (int i = 1; i < parts.Length; i++) if (parts[i] > parts[largest]) largest = i;
        var c = CultureInfo.InvariantCulture;
        switch (largest)
        {
            case 0:
                long fitting = Math.Max(0, (limitBytes - (Bytes - (long)CoupleBytes)) / BytesPerCouple);
                return (string.Create(c, $"{Couples:N0} couples ({BytesPerCouple:N0} B each)"),
                    string.Create(c, $"run at most about {fitting:N0} couples here, or split the run with --shard i/N over several machines"));
            case 1:
                return (string.Create(c, $"{ClientHosts:N0} client hosts with couples ({BytesPerClientHost:N0} B each)"),
                    "spread the couples over fewer client hosts (hosts.clients.count)");
            case 2:
                return (string.Create(c, $"{ServerHosts / Shards:N0} server hosts in each of {Shards:N0} shards ({BytesPerServerHost:N0} B each)"),
                    "use fewer server hosts (hosts.servers.count) or fewer shards");
            case 3:
                return (string.Create(c, $"{Samples:N0} samples ({BytesPerSample + (Shards - 1) * BytesPerSamplePerExtraShard:N0} B each)"),
                    "sample less often (run.sample_every) or shorten the run (run.duration, --duration)");
            default:
                return (string.Create(c, $"{ChaosEntries:N0} chaos entries ({BytesPerChaosEntry:N0} B each)"),
                    "use fewer chaos entries");
        }
    }

    /// <summary>Tells the user why the run is refused; returns the exit code (2: bad input).</summary>
    public static int Refuse(TextWriter error, string reason)
    {
        error.WriteLine($"tcpactors: {reason}");
        return ExitCode.BadInput;
    }

    private static long Saturate(double bytes) => bytes >= long.MaxValue ? long.MaxValue : (long)bytes;

    /// <summary>A size in the largest binary unit that keeps it at or above 1 (MiB, GiB, TiB…).</summary>
    public static string Size(long bytes)
    {
        string[] units = ["MiB", "GiB", "TiB", "PiB", "EiB"];
        double value = bytes / (1024.0 * 1024);
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
