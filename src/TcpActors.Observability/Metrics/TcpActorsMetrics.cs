namespace TcpActors.Observability.Metrics;

/// <summary>
/// The OpenTelemetry names of DESIGN.md §7: one meter, its instruments and their attributes.
/// These are a contract (dashboards and alerts are written against them); extend, never rename.
/// </summary>
public static class TcpActorsMetrics
{
    /// <summary>The meter every instrument belongs to.</summary>
    public const string MeterName = "TcpActors";

    /// <summary>Endpoints per TCP state (gauge, attribute <see cref="TcpStateAttribute"/>).</summary>
    public const string Connections = "tcpactors.connections";
    /// <summary>Segments by outcome (counter, attribute <see cref="OutcomeAttribute"/>).</summary>
    public const string Segments = "tcpactors.segments";
    /// <summary>RST segments (counter, attribute <see cref="DirectionAttribute"/>: sent, received).</summary>
    public const string Resets = "tcpactors.resets";
    /// <summary>How connect() calls ended (counter, attribute <see cref="OutcomeAttribute"/>).</summary>
    public const string ConnectOutcomes = "tcpactors.connect.outcomes";
    /// <summary>New TIME_WAIT sockets not created because the table was full (counter).</summary>
    public const string TimeWaitOverflow = "tcpactors.time_wait.overflow";
    /// <summary>Client connect() → ESTABLISHED in seconds (histogram).</summary>
    public const string HandshakeDuration = "tcpactors.handshake.duration";
    /// <summary>Client ESTABLISHED → CLOSED in seconds (histogram).</summary>
    public const string ConnectionDuration = "tcpactors.connection.duration";
    /// <summary>1 while a chaos window of a kind is on, else 0 (gauge, attribute <see cref="KindAttribute"/>).</summary>
    public const string ChaosActive = "tcpactors.chaos.active";

    /// <summary>The lowercase state name (<c>time_wait</c>).</summary>
    public const string TcpStateAttribute = "tcp.state";
    /// <summary>What happened (segments, connect outcomes).</summary>
    public const string OutcomeAttribute = "outcome";
    /// <summary>sent or received (resets).</summary>
    public const string DirectionAttribute = "direction";
    /// <summary>The chaos kind in the scenario's words (loss, delay, partition, crash, …): the report's <c>chaos[].kind</c>.</summary>
    public const string KindAttribute = "kind";
    /// <summary>The scenario's name; on every series.</summary>
    public const string ScenarioAttribute = "scenario";
    /// <summary>The shard the series covers; on every series.</summary>
    public const string ShardAttribute = "shard";
}
