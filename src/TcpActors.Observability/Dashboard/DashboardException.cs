namespace TcpActors.Observability.Dashboard;

/// <summary>The dashboard could not start: its port is in use, or it was asked to bind beyond loopback without a token (a usage error: exit 2).</summary>
public sealed class DashboardException(string message, Exception? inner = null) : Exception(message, inner);
