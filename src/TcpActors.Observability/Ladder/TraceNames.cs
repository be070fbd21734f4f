using TcpActors.Simulation.Network;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Ladder;

/// <summary>
/// Reads back the spellings the JSON-lines trace uses (DESIGN.md §7): state names
/// (<c>SYN_SENT</c>), Wireshark flag lists (<c>FIN,ACK</c>), fates, outcomes, directions and sides.
/// Each parser is the inverse of the writer's own name function, so the two cannot drift apart.
/// </summary>
public static class TraceNames
{
    private static readonly TraceFate[] s_fates = [TraceFate.Delivered, TraceFate.Dropped, TraceFate.Corrupted, TraceFate.Duplicated];

    /// <summary>Parses a state name such as <c>TIME_WAIT</c>.</summary>
    public static bool TryParseState(string text, out TcpState state)
    {
        foreach (TcpState s in TcpStateNames.All)
        {
            if (s.ToTraceName() == text) { state = s; return true; }
        }
        state = default;
        return false;
    }

    /// <summary>Parses a comma-separated flag list such as <c>SYN,ACK</c> (empty for none).</summary>
    public static bool TryParseFlags(string text, out TcpFlags flags)
    {
        flags = TcpFlags.None;
        if (text.Length == 0) return true;
        foreach (string part in text.Split(','))
        {
            TcpFlags flag = part switch
            {
                "FIN" => TcpFlags.Fin,
                "SYN" => TcpFlags.Syn,
                "RST" => TcpFlags.Rst,
                "PSH" => TcpFlags.Psh,
                "ACK" => TcpFlags.Ack,
                _ => TcpFlags.None,
            };
            if (flag == TcpFlags.None) return false;
            flags |= flag;
        }
        return true;
    }

    /// <summary>The trace spelling of a fate: delivered, dropped, corrupted, duplicated.</summary>
    public static string ToName(this TraceFate fate) => fate switch
    {
        TraceFate.Delivered => "delivered",
        TraceFate.Dropped => "dropped",
        TraceFate.Corrupted => "corrupted",
        _ => "duplicated",
    };

    /// <summary>Parses a fate.</summary>
    public static bool TryParseFate(string text, out TraceFate fate)
    {
        foreach (var f in s_fates)
        {
            if (f.ToName() == text) { fate = f; return true; }
        }
        fate = default;
        return false;
    }

    /// <summary>Parses an outcome such as <c>timed_out</c>.</summary>
    public static bool TryParseOutcome(string text, out CoupleOutcome outcome)
    {
        for (int i = 0; i < CoupleOutcomeNames.Count; i++)
        {
            if (((CoupleOutcome)i).ToName() == text) { outcome = (CoupleOutcome)i; return true; }
        }
        outcome = default;
        return false;
    }

    /// <summary>Parses <c>client_to_server</c> or <c>server_to_client</c>.</summary>
    public static bool TryParseDirection(string text, out LinkDirection direction)
    {
        direction = text == LinkDirection.ServerToClient.ToName() ? LinkDirection.ServerToClient : LinkDirection.ClientToServer;
        return text == LinkDirection.ClientToServer.ToName() || text == LinkDirection.ServerToClient.ToName();
    }

    /// <summary>The trace spelling of a side: client, server.</summary>
    public static string ToName(this TraceSide side) => side == TraceSide.Client ? "client" : "server";

    /// <summary>Parses <c>client</c> or <c>server</c>.</summary>
    public static bool TryParseSide(string text, out TraceSide side)
    {
        side = text == "server" ? TraceSide.Server : TraceSide.Client;
        return text is "client" or "server";
    }
}
