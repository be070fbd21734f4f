using TcpActors.Simulation.Reporting;

namespace TcpActors.Simulation.Swarm;

/// <summary>The result of a swarm: every seed that ran, in seed order, and the table of outcomes per seed class.</summary>
public sealed record SwarmReport
{
    /// <summary>What every seed shared.</summary>
    public required SwarmSettings Settings { get; init; }

    /// <summary>The first seed.</summary>
    public required ulong From { get; init; }

    /// <summary>How many seeds were asked for (more than <see cref="Seeds"/> holds if cancelled).</summary>
    public required int Requested { get; init; }

    /// <summary>The seeds that ran, in seed order.</summary>
    public required IReadOnlyList<SeedResult> Seeds { get; init; }

    /// <summary>Wall-clock seconds the swarm took.</summary>
    public required double WallSeconds { get; init; }

    /// <summary>The seeds that failed an invariant or a liveness check.</summary>
    public IReadOnlyList<SeedResult> Failed
    {
        get
        {
            var failed = new List<SeedResult>();
            foreach (var s in Seeds) if (!s.Passed) failed.Add(s);
            return failed;
        }
    }

    /// <summary>True when every requested seed ran and passed.</summary>
    public bool Passed => Seeds.Count == Requested && Failed.Count == 0;

    /// <summary>One row per seed class (ordinal order of its name): seeds, failures and summed couple outcomes.</summary>
    public IReadOnlyList<SeedClassRow> Classes
    {
        get
        {
            var rows = new SortedDictionary<string, SeedClassRow>(StringComparer.Ordinal);
            foreach (var s in Seeds)
            {
                string name = s.Swarm.Class.ToString();
                rows.TryGetValue(name, out SeedClassRow? row);
                row ??= new SeedClassRow { Class = s.Swarm.Class, Outcomes = new OutcomeCounts() };
                rows[name] = row with
                {
                    Seeds = row.Seeds + 1,
                    Failed = row.Failed + (s.Passed ? 0 : 1),
                    Outcomes = s.Report is { } r ? row.Outcomes + r.Outcomes : row.Outcomes,
                    VirtualSeconds = row.VirtualSeconds + (s.Report?.VirtualSeconds ?? 0),
                };
            }
            return [.. rows.Values];
        }
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
