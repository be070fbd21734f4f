using BenchmarkDotNet.Running;
using TcpActors.Tcp;
using TcpActors.Tcp.Bench;

// `--segments` prints how many segments one lifecycle handles, to turn the benchmark's time into a
// per-segment cost; everything else goes to BenchmarkDotNet (e.g. `--filter '*'`).
if (args.Length == 1 && args[0] == "--segments")
{
    var wire = new Wire(64);
    int segments = LifecycleRunner.Run(TcpProfile.Linux, wire);
    Console.WriteLine($"segments handled per lifecycle: {segments}; state changes reported: {wire.StateChanges}");
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(EndpointBenchmarks).Assembly).Run(args);
return 0;
