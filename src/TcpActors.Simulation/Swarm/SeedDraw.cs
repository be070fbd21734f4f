using TcpActors.Runtime;

namespace TcpActors.Simulation.Swarm;

/// <summary>
/// The random choices that turn a swarm seed into a scenario. Each part of the scenario (profile,
/// hosts, network, workload, chaos) draws from its own stream of the seed, so a change to how one
/// part is drawn does not reshuffle the others.
/// </summary>
internal struct SeedDraw
{
    private RandomStream _stream;

    public SeedDraw(ulong seed, ulong part) => _stream = new RandomStream(seed, Model.RandomStreams.Swarm(part));

    public bool Chance(double p) => _stream.Chance(p);

    /// <summary>An integer in [min, max].</summary>
    public int Int(int min, int max) => min + (int)_stream.NextUInt32((uint)(max - min + 1));

    /// <summary>A number in [min, max), rounded to <paramref name="step"/> so that it writes back exactly.</summary>
    public double Number(double min, double max, double step)
    {
        double raw = min + _stream.NextDouble() * (max - min);
        return Math.Round(raw / step) * step;
    }

    /// <summary>A duration in [min, max], whole milliseconds.</summary>
    public TimeSpan Millis(int min, int max) => TimeSpan.FromMilliseconds(Int(min, max));

    /// <summary>A duration in [min, max], whole seconds.</summary>
    public TimeSpan Seconds(int min, int max) => TimeSpan.FromSeconds(Int(min, max));

    public T Pick<T>(ReadOnlySpan<T> items) => items[Int(0, items.Length - 1)];
}
