namespace TcpActors.Observability.Tests.Metrics;

/// <summary>
/// Tests that build a meter provider: it listens to every meter named <c>TcpActors</c> in the
/// process, so two such tests at once would see each other's series. They run one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeterCollection
{
    public const string Name = "TcpActors meter";
}
