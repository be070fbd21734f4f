using System.Diagnostics;
using System.Runtime.CompilerServices;
using TcpActors.Tcp.Host;
using Xunit.Abstractions;
using static TcpActors.Tcp.Tests.Host.HostFixtures;

namespace TcpActors.Tcp.Tests.Host;

public class ScaleTests(ITestOutputHelper output)
{
    private const int Couples = 1_000_000;
    private const int ClientAddresses = 40; // 25,000 each, under the 28,232 ports of one destination

    [Fact]
    public void A_million_connects_from_40_client_addresses_to_one_server_port_all_get_a_port_and_an_accept()
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        // Held through an array, so that dropping the client for the measurement really drops it.
        var hosts = new TcpHost?[2];
        var (failures, elapsed) = OpenMillionCouples(hosts);
        var client = hosts[0]!;
        var server = hosts[1]!;

        Assert.Equal(0, failures);
        Assert.Equal(0, client.Counters.PortExhausted);
        Assert.Equal(Couples, client.ConnectionCount);
        Assert.Equal(Couples, server.ConnectionCount);
        Assert.True(server.TryGetListener(Http, out var listener));
        Assert.Equal((0, 0), (listener.SynQueueLength, listener.AcceptQueueLength));
        var probesPerConnect = (double)client.Counters.EphemeralPortProbes / Couples;
        Assert.True(probesPerConnect < 1.01, $"{probesPerConnect:F3} probes per connect");

        client = null;
        server = null;
        listener = null;
        var bothHosts = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        hosts[0] = null;
        var serverOnly = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        var clientOnly = bothHosts - serverOnly;
        GC.KeepAlive(hosts);

        output.WriteLine($"{Couples:N0} couples in {elapsed.TotalSeconds:F2} s wall ({elapsed.TotalNanoseconds / Couples:F0} ns per connect+SYN+ACK+accept), {probesPerConnect:F4} port probes per connect");
        output.WriteLine($"server host: {serverOnly:N0} bytes, {(double)serverOnly / Couples:F1} bytes per tuple");
        output.WriteLine($"client host: {clientOnly:N0} bytes, {(double)clientOnly / Couples:F1} bytes per tuple");
        // Not a tight bound: the table grows by doubling, so 44 bytes per entry can show as ~120.
        Assert.InRange((double)serverOnly / Couples, 20, 200);
        Assert.InRange((double)clientOnly / Couples, 20, 200);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (int Failures, TimeSpan Elapsed) OpenMillionCouples(TcpHost?[] hosts)
    {
        var addresses = new uint[ClientAddresses];
        for (var i = 0; i < ClientAddresses; i++)
        {
            addresses[i] = Address.Of(10, 1, 0, (byte)(i + 1));
        }
        var client = new TcpHost(addresses, Linux);
        var server = new TcpHost(ServerAddr, Linux);
        var listener = server.Listen(Http, 4096);
        hosts[0] = client;
        hosts[1] = server;

        var failures = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Couples; i++)
        {
            var now = TimeSpan.FromTicks(i * 100L); // 100,000 connects per virtual second
            var connect = client.Connect(addresses[i % ClientAddresses], ServerAddr, Http, i, now);
            if (!connect.IsBound)
            {
                failures++;
                continue;
            }
            var serverSide = Mirror(connect.Tuple);
            if (server.Demux(Arriving(serverSide, TcpFlags.Syn)).Outcome != DemuxOutcome.Listener
                || server.OfferSyn(serverSide, i) != SynDecision.Admit
                || server.CompleteHandshake(serverSide) != AckDecision.Accept
                || !listener.TryAccept(out var accepted) || accepted != i)
            {
                failures++;
            }
        }
        return (failures, clock.Elapsed);
    }

    [Fact]
    public void A_host_sized_for_a_million_tuples_up_front_spends_about_44_bytes_on_each()
    {
        const int tuples = 1_000_000;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var server = new TcpHost([ServerAddr], Linux, expectedConnections: tuples);
        for (var i = 0; i < tuples; i++)
        {
            var remote = Address.Of(10, 2, 0, 0) + (uint)(i / 50_000);
            Assert.True(server.Register(new FourTuple(ServerAddr, Http, remote, (ushort)(10_000 + i % 50_000)), i));
        }
        var bytes = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        GC.KeepAlive(server);

        output.WriteLine($"pre-sized server host: {server.ConnectionCount:N0} tuples, {bytes:N0} bytes, {(double)bytes / tuples:F1} bytes per tuple");
        Assert.InRange((double)bytes / tuples, 40, 60);
    }
}
