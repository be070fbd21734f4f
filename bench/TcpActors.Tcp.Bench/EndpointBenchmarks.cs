using BenchmarkDotNet.Attributes;
using TcpActors.Tcp;

namespace TcpActors.Tcp.Bench;

/// <summary>
/// The cost of the TCP endpoint alone (no actors, no network model): one couple from SYN to the end of
/// TIME_WAIT, with a request and a response. Allocations are the two endpoint objects and nothing else.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EndpointBenchmarks
{
    private readonly Wire _wire = new(64);
    private readonly TcpProfile _profile = TcpProfile.Linux;

    /// <summary>Segments handled per lifecycle (for the per-segment figure in docs/performance.md).</summary>
    public int SegmentsPerLifecycle { get; private set; }

    [GlobalSetup]
    public void Setup() => SegmentsPerLifecycle = LifecycleRunner.Run(_profile, _wire);

    [Benchmark(Description = "couple lifecycle: handshake, request/response, four-way close, TIME_WAIT")]
    public int CoupleLifecycle() => LifecycleRunner.Run(_profile, _wire);
}
