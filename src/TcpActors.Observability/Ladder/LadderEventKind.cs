namespace TcpActors.Observability.Ladder;

/// <summary>What a row of a ladder diagram shows (the three events of a trace, DESIGN.md §7).</summary>
public enum LadderEventKind : byte
{
    /// <summary>An endpoint changed state.</summary>
    State = 0,
    /// <summary>A segment was sent: an arrow across.</summary>
    Segment = 1,
    /// <summary>The couple ended, as seen from one side.</summary>
    Outcome = 2,
}
