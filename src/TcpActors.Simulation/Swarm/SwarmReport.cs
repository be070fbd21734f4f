using TcpActors.Simulation.Reporting;

namespace TcpActors.Simulation.Swarm;

/// <summary>
/// The result of a swarm: how many seeds ran, the ones that failed, and the table of outcomes per
/// seed class. A seed that passes leaves nothing behind but its share of its class's row, so a
/// swarm's memory does not grow with its seeds (issue 19: it used to keep every seed's report,
/// about 68 KB each, 2.7 GB for 40,000 seeds).
/// </summary>
public sealed record SwarmReport
{
    /// <summary>What every seed shared.</summary>
    public required SwarmSettings Settings { get; init; }

    /// <summary>The first seed.</summary>
    public required ulong From { get; init; }

    /// <summary>How many seeds were asked for (more than <see cref="SeedsRun"/> if cancelled).</summary>
    public required int Requested { get; init; }

    /// <summary>How many seeds ran to the end.</summary>
    public required int SeedsRun { get; init; }

    /// <summary>The seeds that failed an invariant or a liveness check, in seed order, with their scenario and report.</summary>
    public required IReadOnlyList<SeedResult> Failed { get; init; }

    /// <summary>One row per seed class (ordinal order of its name): seeds, failures and summed couple outcomes.</summary>
    public required IReadOnlyList<SeedClassRow> Classes { get; init; }

    /// <summary>Wall-clock seconds the swarm took.</summary>
    public required double WallSeconds { get; init; }

    /// <summary>True when every requested seed ran and passed.</summary>
    public bool Passed => SeedsRun == Requested && Failed.Count == 0;
}

/// <summary>
/// Folds finished seeds into a <see cref="SwarmReport"/> as they come: the class rows are summed at
/// once and only failing seeds are kept. Not thread-safe; the runner calls it under its lock.
/// </summary>
internal sealed class SwarmTally
{
    private readonly SortedDictionary<string, SeedClassRow> _rows = new(StringComparer.Ordinal);
    private readonly List<SeedResult> _failed = [];
    private int _seedsRun;

    public void Add(SeedResult seed)
    {
        _seedsRun++;
        if (!seed.Passed) _failed.Add(seed);
        string name = seed.Swarm.Class.ToString();
        _rows.TryGetValue(name, out SeedClassRow? row);
        row ??= new SeedClassRow { Class = seed.Swarm.Class, Outcomes = new OutcomeCounts() };
        _rows[name] = row with
        {
            Seeds = row.Seeds + 1,
            Failed = row.Failed + (seed.Passed ? 0 : 1),
            Outcomes = seed.Report is { } r ? row.Outcomes + r.Outcomes : row.Outcomes,
            VirtualSeconds = row.VirtualSeconds + (seed.Report?.VirtualSeconds ?? 0),
        };
    }

    public SwarmReport ToReport(SwarmSettings settings, ulong from, int requested, double wallSeconds)
    {
        _failed.Sort((a, b) => a.Seed.CompareTo(b.Seed));
        return new SwarmReport
        {
            Settings = settings, From = from, Requested = requested, SeedsRun = _seedsRun,
            Failed = [.. _failed], Classes = [.. _rows.Values], WallSeconds = wallSeconds,
        };
    }
}

/// <summary>A row of the swarm's table: one seed class, how many seeds fell in it, how many failed, and their couples' outcomes.</summary>
public sealed record SeedClassRow
{
    /// <summary>The class.</summary>
    public required SeedClass Class { get; init; }

    /// <summary>Seeds in the class.</summary>
    public int Seeds { get; init; }

    /// <summary>Seeds of the class that failed.</summary>
    public int Failed { get; init; }

    /// <summary>The outcomes of all their couples, summed.</summary>
    public required OutcomeCounts Outcomes { get; init; }

    /// <summary>Virtual seconds simulated, summed.</summary>
    public double VirtualSeconds { get; init; }
}
