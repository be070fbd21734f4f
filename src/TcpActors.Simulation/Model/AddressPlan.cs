using TcpActors.Simulation.Scenarios;

namespace TcpActors.Simulation.Model;

/// <summary>
/// IPv4 addresses of the simulated hosts: <c>client-N</c> is 10.0.0.1 + N, <c>server-N</c> is
/// 172.16.0.1 + N (RFC 1918 space), and SYN-flood sources are spoofed from 198.18.0.0/15
/// (RFC 2544 benchmarking space), which no simulated host owns.
/// </summary>
internal readonly struct AddressPlan
{
    public const uint ClientBase = 0x0A000001; // 10.0.0.1
    public const uint ServerBase = 0xAC100001; // 172.16.0.1
    public const uint SpoofedBase = 0xC6120001; // 198.18.0.1
    public const int SpoofedCount = 1 << 17;

    private readonly int _clients;
    private readonly int _servers;

    public AddressPlan(int clients, int servers)
    {
        _clients = clients;
        _servers = servers;
    }

    public static uint Client(int index) => ClientBase + (uint)index;

    public static uint Server(int index) => ServerBase + (uint)index;

    public static uint Spoofed(long index) => SpoofedBase + (uint)(index % SpoofedCount);

    /// <summary>The host owning <paramref name="address"/>; false for addresses nobody owns.</summary>
    public bool TryResolve(uint address, out HostRole role, out int index)
    {
        uint c = address - ClientBase;
        if (c < (uint)_clients)
        {
            role = HostRole.Client;
            index = (int)c;
            return true;
        }
        uint s = address - ServerBase;
        if (s < (uint)_servers)
        {
            role = HostRole.Server;
            index = (int)s;
            return true;
        }
        role = default;
        index = -1;
        return false;
    }
}
