using TcpActors.Tcp.Host;

namespace TcpActors.Tcp.Tests.Host;

/// <summary>Addresses and small builders shared by the host tests.</summary>
internal static class HostFixtures
{
    public static readonly uint ClientAddr = Address.Of(10, 0, 0, 1);
    public static readonly uint OtherClientAddr = Address.Of(10, 0, 0, 2);
    public static readonly uint ServerAddr = Address.Of(10, 0, 1, 1);
    public static readonly uint OtherServerAddr = Address.Of(10, 0, 1, 2);
    public const ushort Http = 80;

    public static TcpHostOptions Linux => TcpHostOptions.FromProfile(TcpProfile.Linux);

    public static TcpHost LinuxClient() => new(ClientAddr, TcpProfile.Linux);

    public static TcpHost LinuxServer() => new(ServerAddr, TcpProfile.Linux);

    public static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(s);

    /// <summary>The server's view of a connection the client sees as <paramref name="client"/>.</summary>
    public static FourTuple Mirror(FourTuple client) =>
        new(client.RemoteAddr, client.RemotePort, client.LocalAddr, client.LocalPort);

    /// <summary>A segment sent from the remote end of <paramref name="receiver"/> to its local end.</summary>
    public static Segment Arriving(FourTuple receiver, TcpFlags flags) => new()
    {
        SrcAddr = receiver.RemoteAddr, SrcPort = receiver.RemotePort,
        DstAddr = receiver.LocalAddr, DstPort = receiver.LocalPort,
        Seq = new SeqNum(1000), Ack = new SeqNum(2000), Flags = flags,
    };

    /// <summary>The client-side tuple of a connection from <paramref name="clientPort"/>.</summary>
    public static FourTuple ClientTuple(ushort clientPort) => new(ClientAddr, clientPort, ServerAddr, Http);

    /// <summary>The server-side tuple of a connection from the client's <paramref name="clientPort"/>.</summary>
    public static FourTuple ServerTuple(ushort clientPort) => new(ServerAddr, Http, ClientAddr, clientPort);
}
