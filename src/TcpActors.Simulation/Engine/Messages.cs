using TcpActors.Simulation.Model;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Engine;

// The messages of a shard's actors. All are small structs: the runtime keeps one typed queue
// per message type, so none of them is boxed or allocated per send. Actors share nothing else:
// no actor calls another's methods or reads its tables.

/// <summary>An endpoint or a host hands a segment to the network actor (at the send time).</summary>
/// <param name="Segment">The segment.</param>
/// <param name="Couple">The couple it belongs to (global index), or -1 (spoofed, unknown).</param>
/// <param name="Forged">True for a RST forged by the <c>rst</c> chaos event.</param>
internal readonly record struct Transmission(Segment Segment, int Couple, bool Forged);

/// <summary>A segment arrives at a host (from the network) or at an endpoint (handed off by its host).</summary>
internal readonly record struct Arrival(Segment Segment, int Couple);

/// <summary>An endpoint's TCP timer is due.</summary>
internal readonly record struct EndpointTick;

/// <summary>An application call on an endpoint, delivered by the endpoint's own app timer.</summary>
internal readonly record struct AppCommand(AppAction Action);

/// <summary>How a new endpoint opens.</summary>
internal enum OpenKind : byte
{
    /// <summary>connect() on <see cref="EndpointOpen.Tuple"/>.</summary>
    Connect,
    /// <summary>A SYN its host admitted (<see cref="EndpointOpen.Segment"/>).</summary>
    AcceptSyn,
    /// <summary>The ACK of a valid SYN cookie (<see cref="EndpointOpen.Segment"/>).</summary>
    AcceptCookieAck,
}

/// <summary>A host's first message to an endpoint it spawned.</summary>
internal readonly record struct EndpointOpen(OpenKind Kind, Segment Segment, FourTuple Tuple, SeqNum Iss);

/// <summary>What a host tells one of its endpoints.</summary>
internal enum EndpointOrder : byte
{
    /// <summary>The host crashed: vanish without a word.</summary>
    Lose,
    /// <summary>The host let the tuple go (tw_reuse, abort_on_overflow): vanish.</summary>
    Destroy,
    /// <summary>max_tw_buckets refused the TIME_WAIT: vanish, counted as an overflow.</summary>
    DestroyOverflow,
}

internal readonly record struct EndpointCommand(EndpointOrder Order);

/// <summary>An endpoint tells its host what it needs (<see cref="HostEffects"/>) for its tuple and handle;
/// with <see cref="HostEffects.TimeWait"/>, its RCV.NXT for the TIME_WAIT entry.</summary>
internal readonly record struct EndpointNews(HostEffects Effects, FourTuple Tuple, int Handle, SeqNum RcvNxt);

/// <summary>What happens to a host.</summary>
internal enum HostAction : byte
{
    /// <summary>Lose every endpoint without sending anything.</summary>
    Crash = 0,
    /// <summary>Come back up with the listeners and empty tables.</summary>
    Restart = 1,
}

/// <summary>A crash or restart for a host actor.</summary>
internal readonly record struct HostCommand(HostAction Action);

/// <summary>The workload asks a client host to open couple <paramref name="Couple"/> (global index).</summary>
internal readonly record struct OpenCouple(int Couple);

/// <summary>The workload actor's own wake-up: open every couple now due.</summary>
internal readonly record struct WorkloadDue;

/// <summary>The chaos actor's wake-up at a chaos boundary (index into its boundary list).</summary>
internal readonly record struct ChaosDue(int Boundary);

/// <summary>The network actor brings its links up to the chaos windows that begin or end by now.</summary>
internal readonly record struct RecomputeLinks;

/// <summary>A live chaos window (event <paramref name="Event"/>) begins, or ends when <paramref name="IsEnd"/>.</summary>
internal readonly record struct LiveWindow(int Event, bool IsEnd);

/// <summary>The SYN flood actor's wake-up.</summary>
internal readonly record struct FloodDue;

/// <summary>The <c>rst</c> chaos event <paramref name="Event"/> begins: a client host asks each of its endpoints.</summary>
internal readonly record struct RstSweep(int Event);

/// <summary>A client endpoint is asked whether its couple takes event <paramref name="Event"/>'s forged RST.</summary>
internal readonly record struct RstProbe(int Event);

/// <summary>A client endpoint's couple was chosen, the server side to receive: the server host finds that endpoint.</summary>
internal readonly record struct RstAtPeer(int Event, FourTuple ServerTuple, TimeSpan Delay);

/// <summary>The receiving endpoint forges event <paramref name="Event"/>'s RST at itself (it knows its RCV.NXT), sent after <paramref name="Delay"/>.</summary>
internal readonly record struct ForgeRst(int Event, TimeSpan Delay);
