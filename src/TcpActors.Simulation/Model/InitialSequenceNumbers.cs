using TcpActors.Tcp;

namespace TcpActors.Simulation.Model;

/// <summary>
/// Initial sequence numbers as RFC 6528 §3 asks: ISN = M + F(local address, local port, remote
/// address, remote port, secret), where M is a clock and F a keyed hash. Linux's
/// <c>secure_tcp_seq()</c> takes a SipHash of the 4-tuple with a per-boot secret plus
/// <c>ktime_get_real_ns() &gt;&gt; 6</c>, a clock of 64 ns; this takes any keyed hash of the tuple
/// (the run's seed is the secret, so a run repeats) plus the same clock in virtual time. Because
/// of the clock, a new connection on a tuple starts beyond an old one's sequence space — which is
/// what lets a SYN reopen the tuple's TIME_WAIT (<see cref="TcpActors.Tcp.Host.TcpHost.TryReopenTimeWait"/>).
/// </summary>
internal static class InitialSequenceNumbers
{
    public static SeqNum Of(ulong secret, in FourTuple tuple, TimeSpan now)
    {
        ulong x = secret ^ ((ulong)tuple.LocalAddr << 32 | tuple.RemoteAddr) * 0x9E3779B97F4A7C15UL;
        x ^= ((ulong)tuple.LocalPort << 16 | tuple.RemotePort) * 0xD1B54A32D192ED03UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        uint hash = (uint)(x ^ (x >> 31));
        // 100 ns ticks → ns, then Linux's 64 ns steps.
        uint clock = (uint)((ulong)now.Ticks * 100 >> 6);
        return new SeqNum(hash + clock);
    }
}
