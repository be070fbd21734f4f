using TcpActors.Tcp;

namespace TcpActors.Simulation.Engine;

// The messages of a shard's actors. All are small structs: the runtime keeps one typed queue
// per message type, so none of them is boxed or allocated per send.

/// <summary>An endpoint or a host hands a segment to the network actor (at the send time).</summary>
/// <param name="Segment">The segment.</param>
/// <param name="Couple">The couple it belongs to (shard-local index), or -1 (spoofed, unknown).</param>
/// <param name="Forged">True for a RST forged by the <c>rst</c> chaos event.</param>
internal readonly record struct Transmission(Segment Segment, int Couple, bool Forged);

/// <summary>A segment arrives at a host (from the network) or at an endpoint (from its host).</summary>
internal readonly record struct Arrival(Segment Segment, int Couple);

/// <summary>An endpoint's TCP timer is due: call <see cref="TcpEndpoint.OnTimer{TSink}"/>.</summary>
internal readonly record struct EndpointTick;

/// <summary>What the application on an endpoint does now.</summary>
internal enum AppAction : byte
{
    /// <summary>The scheduled close of the side that closes first (close(), or abort for the aborting fraction).</summary>
    ActiveClose = 0,
    /// <summary>The passive side closes after reading end-of-file (after <c>passive_delay</c>).</summary>
    PassiveClose = 1,
}

/// <summary>An application call on an endpoint, delivered by the endpoint's own app timer.</summary>
internal readonly record struct AppCommand(AppAction Action);

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

/// <summary>The workload actor's own wake-up: open (or close) every couple now due.</summary>
internal readonly record struct WorkloadDue;

/// <summary>The chaos actor's wake-up at a chaos boundary (index into its boundary list).</summary>
internal readonly record struct ChaosDue(int Boundary);

/// <summary>The network actor brings its links up to the chaos windows that begin or end by now (the chaos actor's boundaries).</summary>
internal readonly record struct RecomputeLinks;

/// <summary>A live chaos window (event <paramref name="Event"/>) begins, or ends when <paramref name="IsEnd"/>.</summary>
internal readonly record struct LiveWindow(int Event, bool IsEnd);

/// <summary>The SYN flood actor's wake-up.</summary>
internal readonly record struct FloodDue;
