namespace TcpActors.Simulation.Swarm;

/// <summary>How a swarm seed's couples open and close.</summary>
public enum WorkloadShape : byte
{
    /// <summary>Everyone connects within a few seconds and closes at one instant: a teardown storm.</summary>
    Storm = 0,

    /// <summary>Connects and closes spread over the active phase.</summary>
    Spread = 1,

    /// <summary>Steady open-and-close (<c>churn:</c>): each couple lives a drawn lifetime.</summary>
    Churn = 2,
}
