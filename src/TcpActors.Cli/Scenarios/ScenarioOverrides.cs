using TcpActors.Simulation.Network;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Cli.Scenarios;

/// <summary>
/// The scenario keys <c>tcpactors run</c> can override from the command line (DESIGN.md §8); null
/// leaves the scenario's value. <see cref="ApplyTo"/> makes a modified <see cref="Scenario"/> with
/// <c>with { }</c> and checks it again by the loader's own rules, so an override can never produce
/// a scenario that a file could not express.
/// </summary>
internal sealed record ScenarioOverrides
{
    /// <summary><c>--couples</c>: <c>workload.couples</c>.</summary>
    public int? Couples { get; init; }

    /// <summary><c>--seed</c>: the seed every random stream derives from.</summary>
    public ulong? Seed { get; init; }

    /// <summary><c>--profile</c>: the named TCP profile; the scenario's own <c>tcp:</c> knobs stay on top of it.</summary>
    public TcpProfile? Profile { get; init; }

    /// <summary><c>--loss</c>: Bernoulli loss of the baseline network (replaces any baseline loss model).</summary>
    public double? Loss { get; init; }

    /// <summary><c>--delay</c>: constant one-way delay of the baseline network.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary><c>--duration</c>: <c>run.duration</c>, the virtual time the run lasts.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary><c>--shards</c>: <c>run.shards</c>.</summary>
    public int? Shards { get; init; }

    /// <summary>True when no override is set.</summary>
    public bool IsEmpty => this == new ScenarioOverrides();

    /// <summary>
    /// The scenario with these overrides, or the problems that make it invalid (for example a
    /// <c>--duration</c> that ends the run before a chaos event starts), in the loader's words.
    /// </summary>
    public (Scenario? Scenario, IReadOnlyList<string> Problems) ApplyTo(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (IsEmpty) return (scenario, []);

        var baseline = scenario.Network.Baseline;
        var modified = scenario with
        {
            Seed = Seed ?? scenario.Seed,
            Tcp = Profile is { } profile ? Rebase(scenario.Tcp, profile) : scenario.Tcp,
            Network = scenario.Network with
            {
                Baseline = baseline with
                {
                    Loss = Loss is { } loss ? LossSpec.Bernoulli(loss) : baseline.Loss,
                    Delay = Delay ?? baseline.Delay,
                },
            },
            Workload = scenario.Workload with { Couples = Couples ?? scenario.Workload.Couples },
            Run = scenario.Run with
            {
                Duration = Duration ?? scenario.Run.Duration,
                Shards = Shards ?? scenario.Run.Shards,
            },
        };

        // The loader owns every rule about a valid scenario (ranges, chaos windows inside the run,
        // shards against client hosts); writing the modified scenario and reading it back applies
        // all of them, instead of a second, drifting copy of the rules here.
        var reread = ScenarioLoader.LoadText(ScenarioWriter.Write(modified), scenario.Name);
        if (!reread.Succeeded)
        {
            var problems = new List<string>(reread.Errors.Count);
            foreach (var error in reread.Errors) problems.Add(error.Message);
            return (null, problems);
        }
        return (modified, []);
    }

    /// <summary>
    /// <paramref name="current"/>'s knobs that differ from its named profile, applied on top of
    /// <paramref name="profile"/>: <c>--profile bsd</c> on a file with <c>tcp: { time_wait: 30s }</c>
    /// keeps the 30 s, as if the file had said <c>profile: bsd</c>.
    /// </summary>
    internal static TcpProfile Rebase(TcpProfile current, TcpProfile profile)
    {
        if (!TcpProfile.TryGet(current.Name, out var named)) return profile;
        var rebased = profile with { };
        foreach (var property in typeof(TcpProfile).GetProperties())
        {
            // Only settable knobs; Name stays the new profile's, computed ones follow from the rest.
            if (property.SetMethod is null || property.Name == nameof(TcpProfile.Name)) continue;
            object? value = property.GetValue(current);
            if (!Equals(value, property.GetValue(named))) property.SetValue(rebased, value);
        }
        return rebased;
    }
}
