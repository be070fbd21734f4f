namespace TcpActors.Simulation.Tracing;

/// <summary>Which endpoint of a couple an event belongs to (trace field <c>side</c>).</summary>
public enum TraceSide : byte
{
    /// <summary>The endpoint that called connect().</summary>
    Client = 0,
    /// <summary>The endpoint the server host accepted.</summary>
    Server = 1,
}
