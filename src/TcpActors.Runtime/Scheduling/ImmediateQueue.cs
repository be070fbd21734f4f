using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// A FIFO ring of entries for events sent with no delay. They carry the current time and rising
/// sequence numbers, so a plain queue keeps them in key order and the loop merges its head with
/// the current bucket's minimum: O(1) for the common "reply now" message.
/// </summary>
internal sealed class ImmediateQueue<TEntry> where TEntry : struct, IScheduled
{
    private const int InitialCapacity = 16;

    /// <summary>Capacity beyond which a drained ring is shrunk back to <see cref="InitialCapacity"/>.</summary>
    private const int ShrinkAbove = 4096;

    private TEntry[] _keys = new TEntry[InitialCapacity];
    private int _head;
    private int _count;

    public int Count => _count;

    /// <summary>The oldest key; only valid when <see cref="Count"/> &gt; 0.</summary>
    public ref readonly TEntry Head => ref _keys[_head];

    /// <summary>The newest entry; only valid when <see cref="Count"/> &gt; 0.</summary>
    public ref readonly TEntry Tail => ref _keys[(_head + _count - 1) & (_keys.Length - 1)];

    public void Enqueue(in TEntry key)
    {
        if (_count == _keys.Length) Grow();
        Debug.Assert(_count == 0 || Scheduled.Before(_keys[(_head + _count - 1) & (_keys.Length - 1)], key), "immediate keys must rise");
        _keys[(_head + _count) & (_keys.Length - 1)] = key;
        _count++;
    }

    public TEntry Dequeue()
    {
        Debug.Assert(_count > 0);
        TEntry key = _keys[_head];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TEntry>()) _keys[_head] = default;
        _head = (_head + 1) & (_keys.Length - 1);
        _count--;
        // A burst of same-instant sends (every client's FIN at a storm's close) grows the ring to
        // the burst's size; once drained, it goes back to its initial size instead of staying.
        if (_count == 0 && _keys.Length > ShrinkAbove)
        {
            _keys = new TEntry[InitialCapacity];
            _head = 0;
        }
        return key;
    }

    /// <summary>Drops keys for which <paramref name="remove"/> is true, keeping the order of the rest.</summary>
    public void RemoveWhere<TState>(TState state, Func<TState, TEntry, bool> remove)
    {
        var kept = new TEntry[_keys.Length];
        int n = 0;
        for (int i = 0; i < _count; i++)
        {
            TEntry key = _keys[(_head + i) & (_keys.Length - 1)];
            if (!remove(state, key)) kept[n++] = key;
        }
        _keys = kept;
        _head = 0;
        _count = n;
    }

    private void Grow()
    {
        // Capacity stays a power of two so that wrapping is a mask.
        var bigger = new TEntry[_keys.Length * 2];
        for (int i = 0; i < _count; i++) bigger[i] = _keys[(_head + i) & (_keys.Length - 1)];
        _keys = bigger;
        _head = 0;
    }
}
