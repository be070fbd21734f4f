using System.Text;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Ladder;

/// <summary>
/// Draws a <see cref="CoupleLadder"/> as plain text for a terminal (<c>tcpactors trace</c>): a time
/// column, the client's states, the arrows, the server's states — one line per trace event, in
/// the trace's order and with its time spelled as the trace spells it, so each line can be laid
/// beside its JSON line:
/// <code>
/// couple 0: 9 segments (6 client->server, 3 server->client), 0 dropped/corrupted/duplicated; outcome completed (server)
/// t (s)       client                 |                                                            | server
///             CLOSED                 |                                                            | LISTEN
/// 0.000       SYN_SENT               |                                                            |
/// 0.000                              |--- SYN seq=3564271138 ack=0 ------------------------------>|
/// 0.0101054                          |                                                            | SYN_RECEIVED
/// 0.0101054                          |&lt;------------------ SYN,ACK seq=803958421 ack=3564271139 ---|
/// </code>
/// A dropped segment's arrow stops short with <c>X</c>; corrupted and duplicated ones say so.
/// Plain ASCII, so it survives any terminal, log or e-mail.
/// </summary>
public static class LadderText
{
    private const int TimeWidth = 11;
    private const int StateWidth = 22; // fits "outcome port_exhausted"
    private const int ArrowWidth = 60; // fits a SYN,ACK label with ten-digit seq and ack

    /// <summary>The ladder as text, lines ending in <c>\n</c>.</summary>
    public static string Render(CoupleLadder ladder)
    {
        ArgumentNullException.ThrowIfNull(ladder);
        var text = new StringBuilder(128 * (ladder.Events.Count + 4));
        text.Append(Summary(ladder)).Append('\n');
        Line(text, "t (s)", "client", new string(' ', ArrowWidth), "server");
        Line(text, "", ladder.InitialState(TraceSide.Client).ToTraceName(), new string(' ', ArrowWidth), ladder.InitialState(TraceSide.Server).ToTraceName());
        foreach (var e in ladder.Events)
        {
            string t = JsonLinesTraceWriter.FormatSeconds(e.T);
            switch (e.Kind)
            {
                case LadderEventKind.State:
                    Line(text, t, e.Side == TraceSide.Client ? e.To.ToTraceName() : "", new string(' ', ArrowWidth), e.Side == TraceSide.Server ? e.To.ToTraceName() : "");
                    break;
                case LadderEventKind.Segment:
                    Line(text, t, "", Arrow(e), "");
                    break;
                default:
                    string outcome = $"outcome {e.Outcome.ToName()}";
                    Line(text, t, e.Side == TraceSide.Client ? outcome : "", new string(' ', ArrowWidth), e.Side == TraceSide.Server ? outcome : "");
                    break;
            }
        }
        if (ladder.Omitted > 0) text.Append($"... {ladder.Omitted} more events not recorded\n");
        return text.ToString();
    }

    /// <summary>One line about the couple: segments each way, how many the network hurt, the outcome.</summary>
    public static string Summary(CoupleLadder ladder)
    {
        string outcome = "no outcome yet (still open when the run ended)";
        foreach (var e in ladder.Events)
        {
            if (e.Kind == LadderEventKind.Outcome) { outcome = $"outcome {e.Outcome.ToName()} ({e.Side.ToName()})"; break; }
        }
        int c2s = ladder.SegmentsIn(LinkDirection.ClientToServer);
        int s2c = ladder.SegmentsIn(LinkDirection.ServerToClient);
        return $"couple {ladder.Couple}: {c2s + s2c} segments ({c2s} client->server, {s2c} server->client), " +
               $"{ladder.SegmentsHurt} dropped/corrupted/duplicated; {outcome}";
    }

    /// <summary>The arrow of a segment, <see cref="ArrowWidth"/> characters or more.</summary>
    public static string Arrow(in LadderEvent e)
    {
        string label = e.SegmentLabel;
        bool right = e.Direction == LinkDirection.ClientToServer;
        string note = e.Fate switch
        {
            TraceFate.Dropped => " (dropped)",
            TraceFate.Corrupted => " (corrupted)",
            TraceFate.Duplicated => " (duplicated)",
            _ => "",
        };
        if (e.Fate is TraceFate.Dropped or TraceFate.Corrupted)
        {
            // The arrow stops half-way: the segment never reaches (or is discarded by) the other side.
            string cut = right ? $"--- {label} -X{note}" : $"{note.TrimStart()} X- {label} ---";
            return right ? cut.PadRight(ArrowWidth) : cut.PadLeft(ArrowWidth);
        }
        string head = right ? ">" : "<";
        if (e.Fate == TraceFate.Duplicated) head += head;
        int dashes = Math.Max(3, ArrowWidth - label.Length - note.Length - head.Length - 5);
        return right
            ? $"--- {label}{note} {new string('-', dashes)}{head}"
            : $"{head}{new string('-', dashes)} {label}{note} ---";
    }

    private static void Line(StringBuilder text, string t, string client, string arrow, string server)
    {
        text.Append(t.PadRight(TimeWidth)).Append(' ').Append(client.PadRight(StateWidth)).Append(" |").Append(arrow).Append('|');
        if (server.Length > 0) text.Append(' ').Append(server);
        text.Append('\n');
    }
}
