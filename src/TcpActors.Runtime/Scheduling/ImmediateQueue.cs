using System.Diagnostics;

namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// A FIFO ring of keys for events sent with no delay. They carry the current time and rising
/// sequence numbers, so a plain queue keeps them in key order and the loop merges its head with
/// the heap's minimum: O(1) instead of O(log n) for the common "reply now" message.
/// </summary>
internal sealed class ImmediateQueue
{
    private EventKey[] _keys = new EventKey[64];
    private int _head;
    private int _count;

    public int Count => _count;

    /// <summary>The oldest key; only valid when <see cref="Count"/> &gt; 0.</summary>
    public ref readonly EventKey Head => ref _keys[_head];

    public void Enqueue(in EventKey key)
    {
        if (_count == _keys.Length) Grow();
        Debug.Assert(_count == 0 || EventKey.Before(_keys[(_head + _count - 1) & (_keys.Length - 1)], key), "immediate keys must rise");
        _keys[(_head + _count) & (_keys.Length - 1)] = key;
        _count++;
    }

    public EventKey Dequeue()
    {
        Debug.Assert(_count > 0);
        EventKey key = _keys[_head];
        _head = (_head + 1) & (_keys.Length - 1);
        _count--;
        return key;
    }

    /// <summary>Drops keys for which <paramref name="remove"/> is true, keeping the order of the rest.</summary>
    public void RemoveWhere<TState>(TState state, Func<TState, EventKey, bool> remove)
    {
        var kept = new EventKey[_keys.Length];
        int n = 0;
        for (int i = 0; i < _count; i++)
        {
            EventKey key = _keys[(_head + i) & (_keys.Length - 1)];
            if (!remove(state, key)) kept[n++] = key;
        }
        _keys = kept;
        _head = 0;
        _count = n;
    }

    private void Grow()
    {
        // Capacity stays a power of two so that wrapping is a mask.
        var bigger = new EventKey[_keys.Length * 2];
        for (int i = 0; i < _count; i++) bigger[i] = _keys[(_head + i) & (_keys.Length - 1)];
        _keys = bigger;
        _head = 0;
    }
}
