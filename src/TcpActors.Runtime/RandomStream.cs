using System.Runtime.CompilerServices;

namespace TcpActors.Runtime;

/// <summary>
/// A deterministic pseudo-random stream (xoshiro256**, Blackman and Vigna 2018) for one entity:
/// a link, a couple, a host. Each stream is seeded from <c>(seed, streamId)</c> through
/// SplitMix64, so streams are independent of one another and adding an entity never reshuffles
/// the draws of the others (DESIGN.md §3). A mutable struct: keep it in a field and pass it by
/// <c>ref</c>; copying it forks the sequence.
/// </summary>
public struct RandomStream
{
    private ulong _s0, _s1, _s2, _s3;

    public RandomStream(ulong seed, ulong streamId)
    {
        // Mix the stream id in with a different odd constant than SplitMix64's own increment, so
        // that (seed, id) and (seed + 1, id - 1) do not collide.
        ulong x = seed ^ (streamId * 0xD1B54A32D192ED03UL);
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, maxExclusive), without modulo bias (Lemire's method).</summary>
    public uint NextUInt32(uint maxExclusive)
    {
        if (maxExclusive == 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), "must be positive");
        ulong m = (NextUInt64() >> 32) * maxExclusive;
        uint low = (uint)m;
        if (low < maxExclusive)
        {
            uint threshold = (uint)(-(int)maxExclusive) % maxExclusive;
            while (low < threshold)
            {
                m = (NextUInt64() >> 32) * maxExclusive;
                low = (uint)m;
            }
        }
        return (uint)(m >> 32);
    }

    /// <summary>True with probability <paramref name="p"/>; never draws when p is 0 or 1, so a
    /// disabled impairment does not consume the stream.</summary>
    public bool Chance(double p) => p > 0 && (p >= 1 || NextDouble() < p);

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
