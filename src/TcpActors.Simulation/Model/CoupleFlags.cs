namespace TcpActors.Simulation.Model;

/// <summary>Per-couple decisions of the workload, drawn once from the couple's own random stream.</summary>
[Flags]
internal enum CoupleFlags : byte
{
    None = 0,
    /// <summary>The client closes first (or at the same time, with <see cref="ServerCloses"/>).</summary>
    ClientCloses = 1,
    /// <summary>The server closes first (both flags: a simultaneous close).</summary>
    ServerCloses = 2,
    /// <summary>The closer aborts (SO_LINGER 0) instead of closing.</summary>
    Aborts = 4,
    /// <summary>The passive side never closes (CLOSE_WAIT leak).</summary>
    Leaks = 8,
    /// <summary>The couple stays open and silent (idle), with keepalive if the workload says so.</summary>
    Idle = 16,
}
