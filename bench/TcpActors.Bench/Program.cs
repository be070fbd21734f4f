using TcpActors.Bench;

// Usage: dotnet run -c Release --project bench/TcpActors.Bench -- <benchmark> [options]
// Each benchmark prints one JSON object on stdout; progress goes to stderr.
var benchmarks = new SortedDictionary<string, Func<string[], int>>(StringComparer.Ordinal)
{
    ["allocations"] = AllocationBenchmark.Run,
    ["realtime-capacity"] = RealTimeCapacityBenchmark.Run,
    ["runtime"] = RuntimeBenchmark.Run,
    ["side-by-side"] = SideBySideBenchmark.Run,
    ["storm"] = StormBenchmark.Run,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out Func<string[], int>? benchmark))
{
    Console.Error.WriteLine($"usage: TcpActors.Bench <{string.Join("|", benchmarks.Keys)}> [options]");
    return 2;
}
return benchmark(args[1..]);
