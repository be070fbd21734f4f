namespace TcpActors.Runtime;

/// <summary>Where an actor object is in its life. A byte, to keep the per-actor footprint small.</summary>
internal enum ActorStatus : byte
{
    /// <summary>Created but not yet spawned into a system.</summary>
    Unborn = 0,
    /// <summary>Spawned and receiving messages.</summary>
    Alive = 1,
    /// <summary>Stopped; messages to it are dead letters.</summary>
    Stopped = 2,
    /// <summary>Replaced by a fresh instance after a restart; messages follow the successor.</summary>
    Superseded = 3,
}
