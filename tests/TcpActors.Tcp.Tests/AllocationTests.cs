namespace TcpActors.Tcp.Tests;

/// <summary>
/// The endpoint's memory budget: one small object per endpoint and no allocation per segment handled.
/// Measured with the runtime's exact per-thread allocation counter after a warm-up lifecycle.
/// </summary>
public class AllocationTests
{
    [Fact]
    public void An_endpoint_takes_at_most_200_bytes()
    {
        var profile = TcpProfile.Linux;
        _ = new TcpEndpoint(profile); // warm-up: type loading and profile validation
        long before = GC.GetAllocatedBytesForCurrentThread();
        var endpoint = new TcpEndpoint(profile);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(bytes, 1, 200);
        GC.KeepAlive(endpoint);
    }

    [Fact]
    public void A_whole_couple_lifecycle_allocates_nothing_but_the_two_endpoints()
    {
        var profile = TcpProfile.Linux;
        var wire = new Wire(64);
        LifecycleRunner.Run(profile, wire); // warm-up: JIT and generic instantiation
        long endpointBytes;
        {
            long b = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(new TcpEndpoint(profile));
            endpointBytes = GC.GetAllocatedBytesForCurrentThread() - b;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int segments = LifecycleRunner.Run(profile, wire);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(9, segments); // SYN, SYN-ACK, ACK, request, response, FIN, ACK, FIN, ACK
        Assert.Equal(2 * endpointBytes, allocated);
    }
}
