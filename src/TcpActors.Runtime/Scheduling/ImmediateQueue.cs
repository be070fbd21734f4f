using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// A FIFO of entries for events sent with no delay. They carry the current time and rising
/// sequence numbers, so a plain queue keeps them in key order and the loop merges its head with
/// the current bucket's minimum: O(1) for the common "reply now" message.
/// </summary>
/// <remarks>
/// The entries live in a chain of fixed-size segments rather than one ring that doubles: a storm
/// sends a million FINs at the same instant, and a doubling ring would copy them twenty times and
/// leave a chain of large-object-heap arrays behind (each of which costs a gen2 collection and
/// stays in the peak RSS). A segment is small enough for the small-object heap; a few drained
/// segments are kept for reuse, the rest are let go.
/// </remarks>
internal sealed class ImmediateQueue<TEntry> where TEntry : struct, IScheduled
{
    /// <summary>Entries per segment: 256 entries of up to ≈ 100 bytes stay under the
    /// large-object-heap threshold (85,000 bytes).</summary>
    private const int SegmentSize = 256;

    /// <summary>Drained segments kept for reuse (the queue of a steady workload fits in one).</summary>
    private const int MaxSpareSegments = 4;

    private sealed class Segment
    {
        public readonly TEntry[] Items = new TEntry[SegmentSize];

        public Segment? Next;
    }

    /// <summary>Segment holding the oldest entry (also the newest when there is one segment).</summary>
    private Segment _head = new();

    /// <summary>Index in <see cref="_head"/> of the oldest entry.</summary>
    private int _headIndex;

    /// <summary>Segment the next entry is written to.</summary>
    private Segment _tail;

    /// <summary>Entries written to <see cref="_tail"/> (its next free index).</summary>
    private int _tailCount;

    private int _count;

    private readonly Stack<Segment> _spare = new();

    public ImmediateQueue() => _tail = _head;

    public int Count => _count;

    /// <summary>The oldest key; only valid when <see cref="Count"/> &gt; 0.</summary>
    public ref readonly TEntry Head => ref _head.Items[_headIndex];

    /// <summary>The newest entry; only valid when <see cref="Count"/> &gt; 0.</summary>
    public ref readonly TEntry Tail => ref _tail.Items[_tailCount - 1];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue(in TEntry key)
    {
        Debug.Assert(_count == 0 || Scheduled.Before(Tail, key), "immediate keys must rise");
        if (_tailCount == SegmentSize) AppendSegment();
        _tail.Items[_tailCount++] = key;
        _count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TEntry Dequeue()
    {
        Debug.Assert(_count > 0);
        TEntry[] items = _head.Items;
        TEntry key = items[_headIndex];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TEntry>()) items[_headIndex] = default;
        _headIndex++;
        _count--;
        if (_count == 0)
        {
            // Empty: start again at the beginning of the head segment (the only one left), so a
            // queue that is filled and drained one entry at a time never leaves its first segment.
            Debug.Assert(ReferenceEquals(_head, _tail) && _headIndex == _tailCount);
            _headIndex = 0;
            _tailCount = 0;
        }
        else if (_headIndex == SegmentSize)
        {
            AdvanceHead();
        }
        return key;
    }

    public void RemoveWhere<TState>(TState state, Func<TState, TEntry, bool> remove)
    {
        int n = _count;
        for (int i = 0; i < n; i++)
        {
            // Re-appending the kept entries behind the rest keeps their order.
            TEntry key = Dequeue();
            if (!remove(state, key)) EnqueueUnchecked(key);
        }
    }

    private void EnqueueUnchecked(in TEntry key)
    {
        if (_tailCount == SegmentSize) AppendSegment();
        _tail.Items[_tailCount++] = key;
        _count++;
    }

    private void AppendSegment()
    {
        Segment next = _spare.Count > 0 ? _spare.Pop() : new Segment();
        next.Next = null;
        _tail.Next = next;
        _tail = next;
        _tailCount = 0;
    }

    private void AdvanceHead()
    {
        Segment drained = _head;
        _head = drained.Next!;
        _headIndex = 0;
        drained.Next = null;
        if (_spare.Count < MaxSpareSegments) _spare.Push(drained);
    }
}
