namespace TcpActors.Tcp.Host;

/// <summary>
/// Ephemeral port order for connect(), after Linux __inet_hash_connect()
/// (net/ipv4/inet_hashtables.c), which implements RFC 6056 §3.3.4 "Double-Hash Port Selection":
/// the scan starts at offset = (table_perturb[i] + hash(saddr, daddr, dport)) mod range, rounded
/// down to the parity of the range's first port; it first tries every port of that parity
/// (even ports for 32768-60999), then the others. After a success the perturbation advances by
/// the ports scanned plus two, so the next connect to the same destination starts right after
/// the port just taken. Linux adds a random 0-7 ports to that advance when the scan was short;
/// the simulator leaves it out so that one seed gives one port sequence.
/// </summary>
internal static class EphemeralPorts
{
    /// <summary>
    /// The keyed hash of (local address, remote address, remote port): the simulator's
    /// secure_ipv4_port_ephemeral(). Deterministic for a given <paramref name="secret"/>.
    /// </summary>
    public static uint Offset(ulong secret, uint localAddr, uint remoteAddr, ushort remotePort)
    {
        ulong x = ((ulong)localAddr << 32 | remoteAddr) ^ secret;
        x = Mix(x);
        x ^= remotePort * 0x9E37_79B9_7F4A_7C15UL;
        return (uint)(Mix(x) >> 32);
    }

    /// <summary>
    /// The range position of the <paramref name="step"/>-th port tried, where positions are
    /// offsets from the range's first port: first the <c>(count + 1) / 2</c> positions of the
    /// start's parity beginning at <paramref name="start"/>, then the others.
    /// </summary>
    public static int Position(int count, uint start, int step)
    {
        var sameParity = (count + 1) / 2;
        var startIndex = (int)(start % (uint)count) / 2;
        if (step < sameParity)
        {
            var index = startIndex + step;
            if (index >= sameParity)
            {
                index -= sameParity;
            }
            return 2 * index;
        }
        var otherParity = count / 2;
        var other = startIndex % otherParity + (step - sameParity);
        if (other >= otherParity)
        {
            other -= otherParity;
        }
        return 2 * other + 1;
    }

    /// <summary>
    /// The port key of the next boot, drawn deterministically from the last one (the kernel draws
    /// it at random once per boot), so that one seed still gives one port sequence.
    /// </summary>
    public static ulong NextBootSecret(ulong secret) => Mix(secret + 0x9E37_79B9_7F4A_7C15UL);

    /// <summary>SplitMix64's finalizer: every input bit flips about half the output bits.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
