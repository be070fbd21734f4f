namespace TcpActors.Simulation.Scenarios;

/// <summary>
/// One problem in a scenario file, with its position (1-based line and column) so that editors
/// and people can jump to it: <c>scenarios/x.yaml:12:7: unknown key 'lossy' in network ...</c>.
/// </summary>
public sealed record ScenarioError(string File, int Line, int Column, string Message)
{
    /// <summary><c>file:line:column: message</c>, the form compilers use.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>What loading a scenario gave: the scenario when there were no errors, and every error found.</summary>
public sealed record ScenarioLoadResult(Scenario? Scenario, IReadOnlyList<ScenarioError> Errors)
{
    /// <summary>True when the file loaded without errors.</summary>
    public bool Succeeded => Scenario is not null && Errors.Count == 0;

    /// <summary>The scenario, or an exception listing every error.</summary>
    public Scenario GetOrThrow() =>
        Succeeded ? Scenario! : throw new InvalidDataException(string.Join(Environment.NewLine, Errors));
}
