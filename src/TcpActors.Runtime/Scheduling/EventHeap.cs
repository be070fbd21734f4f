using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// A 4-ary min-heap of scheduled entries in a growable array. Four children per node halve the
/// depth of a binary heap and keep siblings in one or two cache lines. Ordering is by
/// <see cref="Scheduled.Before{T}"/> only, never by insertion accident: (time, seq) keys are unique.
/// </summary>
internal sealed class EventHeap<TEntry> where TEntry : struct, IScheduled
{
    private const int InitialCapacity = 64;

    /// <summary>Capacity beyond which an emptied heap is shrunk back to <see cref="InitialCapacity"/>.</summary>
    private const int ShrinkAbove = 4096;

    private TEntry[] _keys = new TEntry[InitialCapacity];
    private int _count;

    /// <summary>Number of keys held (stale timer entries included).</summary>
    public int Count => _count;

    /// <summary>The smallest key; only valid when <see cref="Count"/> &gt; 0.</summary>
    public ref readonly TEntry Min => ref _keys[0];

    /// <summary>The keys held, in heap order (not sorted).</summary>
    public ReadOnlySpan<TEntry> Keys => _keys.AsSpan(0, _count);

    public void Push(in TEntry key)
    {
        if (_count == _keys.Length) Array.Resize(ref _keys, _keys.Length * 2);
        ref TEntry root = ref MemoryMarshal.GetArrayDataReference(_keys);
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 2;
            ref TEntry p = ref Unsafe.Add(ref root, parent);
            if (!Scheduled.Before(key, p)) break;
            Unsafe.Add(ref root, i) = p;
            i = parent;
        }
        Unsafe.Add(ref root, i) = key;
    }

    public TEntry Pop()
    {
        Debug.Assert(_count > 0);
        ref TEntry root = ref MemoryMarshal.GetArrayDataReference(_keys);
        TEntry min = root;
        int n = --_count;
        if (n > 0) SiftDown(ref root, 0, Unsafe.Add(ref root, n), n);
        // Do not let the vacated cell keep actors or messages alive.
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TEntry>()) Unsafe.Add(ref root, n) = default;
        // A heap that held a burst (a million close commands, a million TIME_WAIT timers) gives
        // its array back once the burst is over rather than keeping it for the rest of the run.
        if (n == 0 && _keys.Length > ShrinkAbove) _keys = new TEntry[InitialCapacity];
        return min;
    }

    /// <summary>Drops the entries for which <paramref name="remove"/> is true, then restores heap
    /// order in O(n) (Floyd). Used to drop stale timer entries in bulk.</summary>
    public void RemoveWhere<TState>(TState state, Func<TState, TEntry, bool> remove)
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (!remove(state, _keys[i])) _keys[kept++] = _keys[i];
        }
        Array.Clear(_keys, kept, _count - kept);
        _count = kept;
        ref TEntry root = ref MemoryMarshal.GetArrayDataReference(_keys);
        for (int i = (_count - 2) >> 2; i >= 0; i--) SiftDown(ref root, i, Unsafe.Add(ref root, i), _count);
        AssertInvariants();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SiftDown(ref TEntry root, int i, TEntry key, int n)
    {
        while (true)
        {
            int first = (i << 2) + 1;
            if (first >= n) break;
            int best = first;
            ref TEntry bestKey = ref Unsafe.Add(ref root, first);
            int last = Math.Min(first + 4, n);
            for (int c = first + 1; c < last; c++)
            {
                ref TEntry candidate = ref Unsafe.Add(ref root, c);
                if (Scheduled.Before(candidate, bestKey))
                {
                    best = c;
                    bestKey = ref candidate;
                }
            }
            if (!Scheduled.Before(bestKey, key)) break;
            Unsafe.Add(ref root, i) = bestKey;
            i = best;
        }
        Unsafe.Add(ref root, i) = key;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        for (int i = 1; i < _count; i++)
        {
            Debug.Assert(!Scheduled.Before(_keys[i], _keys[(i - 1) >> 2]), "heap order violated");
        }
    }
}
