using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// The queue of delayed events: a calendar queue (Brown 1988) in front of a heap. Virtual time is
/// cut into buckets of <see cref="BucketTicks"/>; an event within <see cref="SpanTicks"/> of the
/// current bucket is appended to its bucket's array (O(1), sequential writes), a farther one
/// (a TIME_WAIT or keepalive timer) goes to an overflow heap. Only the current bucket is kept in
/// (time, seq) order, in a small heap that stays in L1/L2 cache, so popping does not walk a
/// million-entry heap. The order delivered is exactly the (time, seq) order.
/// </summary>
internal sealed class TimeWheel
{
    /// <summary>log2 of the bucket width in ticks: 2^10 ticks = 102.4 µs.</summary>
    private const int BucketShift = 8;

    /// <summary>log2 of the number of buckets: 2^14 buckets span 1.68 s of virtual time, which
    /// covers network delays, delayed ACKs and most retransmission timeouts.</summary>
    private const int WheelBits = 16;

    private const int WheelSize = 1 << WheelBits;
    private const int WheelMask = WheelSize - 1;

    public const long BucketTicks = 1L << BucketShift;
    public const long SpanTicks = (long)WheelSize << BucketShift;

    /// <summary>Events of the current bucket (and any earlier time), in (time, seq) order.</summary>
    private readonly EventHeap _current = new();

    /// <summary>Events beyond the wheel's span.</summary>
    private readonly EventHeap _overflow = new();

    /// <summary>Unordered events per bucket; slot = absolute bucket number mod <see cref="WheelSize"/>.</summary>
    private readonly EventKey[]?[] _buckets = new EventKey[]?[WheelSize];

    private readonly int[] _bucketCounts = new int[WheelSize];

    /// <summary>One bit per non-empty bucket, to skip empty ones 64 at a time.</summary>
    private readonly ulong[] _occupied = new ulong[WheelSize / 64];

    /// <summary>Events held in bucket arrays.</summary>
    private int _inBuckets;

    /// <summary>Absolute number (time >> shift) of the current bucket; the wheel holds buckets
    /// (_currentBucket, _currentBucket + WheelSize).</summary>
    private long _currentBucket;

    /// <summary>Called for each event as its bucket becomes current, long before it is delivered,
    /// so that its payload and target can be prefetched while the bucket is loaded.</summary>
    private readonly Action<EventKey>? _onLoad;

    public TimeWheel(Action<EventKey>? onLoad = null) => _onLoad = onLoad;

    public int Count => _current.Count + _overflow.Count + _inBuckets;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(in EventKey key)
    {
        long bucket = key.TimeTicks >> BucketShift;
        long ahead = bucket - _currentBucket;
        if (ahead <= 0) _current.Push(key);
        else if (ahead < WheelSize) Append((int)(bucket & WheelMask), key);
        else _overflow.Push(key);
    }

    /// <summary>The earliest event, loading the next non-empty bucket if needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPeek(out EventKey key)
    {
        if (_current.Count == 0 && !Advance())
        {
            key = default;
            return false;
        }
        key = _current.Min;
        return true;
    }

    /// <summary>Removes the key returned by the last successful <see cref="TryPeek"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PopPeeked() => _current.Pop();

    /// <summary>Lets the wheel follow a jump of virtual time when it holds nothing, so that later
    /// events land in buckets rather than in the overflow heap.</summary>
    public void Follow(long nowTicks)
    {
        if (Count == 0) _currentBucket = Math.Max(_currentBucket, nowTicks >> BucketShift);
    }

    public void RemoveWhere<TState>(TState state, Func<TState, EventKey, bool> remove)
    {
        _current.RemoveWhere(state, remove);
        _overflow.RemoveWhere(state, remove);
        for (int word = 0; word < _occupied.Length; word++)
        {
            ulong bits = _occupied[word];
            while (bits != 0)
            {
                int slot = word * 64 + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                EventKey[] keys = _buckets[slot]!;
                int count = _bucketCounts[slot];
                int kept = 0;
                for (int i = 0; i < count; i++)
                {
                    if (!remove(state, keys[i])) keys[kept++] = keys[i];
                }
                _inBuckets -= count - kept;
                _bucketCounts[slot] = kept;
                if (kept == 0) _occupied[word] &= ~(1UL << (slot & 63));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(int slot, in EventKey key)
    {
        EventKey[]? keys = _buckets[slot];
        int count = _bucketCounts[slot];
        if (keys is null || count == keys.Length) keys = GrowBucket(slot);
        keys[count] = key;
        _bucketCounts[slot] = count + 1;
        if (count == 0) _occupied[slot >> 6] |= 1UL << (slot & 63);
        _inBuckets++;
    }

    private EventKey[] GrowBucket(int slot)
    {
        EventKey[]? keys = _buckets[slot];
        var bigger = new EventKey[keys is null ? 16 : keys.Length * 2];
        if (keys is not null) Array.Copy(keys, bigger, _bucketCounts[slot]);
        _buckets[slot] = bigger;
        return bigger;
    }

    /// <summary>Makes the next non-empty bucket current: moves its events, and the overflow's
    /// events of the same bucket, into the current heap. False when nothing is pending.</summary>
    private bool Advance()
    {
        Debug.Assert(_current.Count == 0);
        long next = long.MaxValue;
        if (_inBuckets > 0) next = _currentBucket + DistanceToNextOccupied();
        if (_overflow.Count > 0) next = Math.Min(next, _overflow.Min.TimeTicks >> BucketShift);
        if (next == long.MaxValue) return false;

        _currentBucket = next;
        int slot = (int)(next & WheelMask);
        int count = _bucketCounts[slot];
        if (count > 0)
        {
            EventKey[] keys = _buckets[slot]!;
            for (int i = 0; i < count; i++)
            {
                Debug.Assert(keys[i].TimeTicks >> BucketShift == next, "a bucket held an event of another lap");
                _current.Push(keys[i]);
            }
            if (_onLoad is { } onLoad)
            {
                for (int i = 0; i < count; i++) onLoad(keys[i]);
            }
            _bucketCounts[slot] = 0;
            _occupied[slot >> 6] &= ~(1UL << (slot & 63));
            _inBuckets -= count;
        }
        while (_overflow.Count > 0 && _overflow.Min.TimeTicks >> BucketShift == next) _current.Push(_overflow.Pop());
        return true;
    }

    /// <summary>Distance in buckets from the current bucket to the next occupied one (1 … WheelSize − 1).</summary>
    private long DistanceToNextOccupied()
    {
        int start = (int)((_currentBucket + 1) & WheelMask);
        int word = start >> 6;
        ulong bits = _occupied[word] & (ulong.MaxValue << (start & 63));
        for (int scanned = 0; scanned <= _occupied.Length; scanned++)
        {
            if (bits != 0)
            {
                int slot = (word << 6) + BitOperations.TrailingZeroCount(bits);
                long distance = (slot - _currentBucket) & WheelMask;
                // The current bucket's own slot is always empty: its events are in the heap.
                Debug.Assert(distance != 0);
                return distance;
            }
            word = (word + 1) & (_occupied.Length - 1);
            bits = _occupied[word];
        }
        throw new UnreachableException("occupied bitmap and bucket count disagree");
    }
}
