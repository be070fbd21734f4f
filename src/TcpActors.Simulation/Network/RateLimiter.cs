using System.Diagnostics;

namespace TcpActors.Simulation.Network;

/// <summary>
/// Serialization delay with a bounded FIFO queue: a segment starts on the wire when the one
/// before it has left, and takes 1/rate seconds (per packet) or size/rate (per byte). If
/// <see cref="RateLimit.QueueLimit"/> segments are already queued or on the wire, the new one is
/// tail-dropped. Departure times are exact to the tick and need no randomness. The queue is a
/// ring of departure times allocated once; <see cref="TryEnqueue"/> never allocates.
/// </summary>
public sealed class RateLimiter
{
    private readonly long[] _departures;
    private int _head;
    private int _count;
    private long _lastDepartureTicks;

    /// <summary>The limit this limiter enforces.</summary>
    public RateLimit Limit { get; }

    /// <summary>Segments waiting or on the wire as of the last call.</summary>
    public int QueueLength => _count;

    /// <summary>A limiter with an empty queue.</summary>
    public RateLimiter(RateLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if ((limit.PacketsPerSecond > 0) == (limit.BytesPerSecond > 0))
            throw new ArgumentException("exactly one of packets/s and bytes/s must be positive", nameof(limit));
        if (limit.QueueLimit < 1)
            throw new ArgumentOutOfRangeException(nameof(limit), limit.QueueLimit, "queue limit must be at least 1");
        Limit = limit;
        _departures = new long[limit.QueueLimit];
    }

    /// <summary>
    /// Queues a segment of <paramref name="payloadBytes"/> sent at <paramref name="now"/>; returns
    /// false (queue full) or true with the time its last bit leaves the link.
    /// </summary>
    public bool TryEnqueue(TimeSpan now, int payloadBytes, out TimeSpan departure)
    {
        long nowTicks = now.Ticks;
        // Segments whose last bit has left by now no longer occupy the queue.
        while (_count > 0 && _departures[_head] <= nowTicks)
        {
            _head = (_head + 1) % _departures.Length;
            _count--;
        }
        if (_count == _departures.Length)
        {
            departure = default;
            return false;
        }

        long start = Math.Max(nowTicks, _lastDepartureTicks);
        long end = start + TransmissionTicks(payloadBytes);
        _departures[(_head + _count) % _departures.Length] = end;
        _count++;
        _lastDepartureTicks = end;
        AssertInvariants();
        departure = new TimeSpan(end);
        return true;
    }

    /// <summary>Time one segment occupies the wire, rounded to the nearest tick (100 ns).</summary>
    public long TransmissionTicks(int payloadBytes)
    {
        double seconds = Limit.PacketsPerSecond > 0
            ? 1.0 / Limit.PacketsPerSecond
            : (payloadBytes + RateLimit.HeaderBytes) / Limit.BytesPerSecond;
        return Math.Max(1, (long)Math.Round(seconds * TimeSpan.TicksPerSecond));
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_count >= 0 && _count <= _departures.Length);
        Debug.Assert(_count == 0 || _departures[(_head + _count - 1) % _departures.Length] == _lastDepartureTicks);
    }
}
