using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using TcpActors.Runtime.Timers;

namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// Untyped face of a <see cref="MessageQueue{T}"/>, so the event loop can deliver the payload a
/// key points at with one virtual call and no boxing.
/// </summary>
internal abstract class MessageQueue
{
    /// <summary>Takes the payload out of <paramref name="slot"/> and delivers it; false when it
    /// was a stale timer entry (cancelled or re-armed), which is dropped without counting.</summary>
    public abstract bool Deliver(ActorSystem system, int slot);

    /// <summary>True when the slot holds a timer entry that will never fire.</summary>
    public abstract bool IsStale(TimerTable timers, int slot);

    /// <summary>Frees a slot without delivering it.</summary>
    public abstract void Release(int slot);

    /// <summary>Slots in use.</summary>
    public abstract int Count { get; }

    /// <summary>Asks the CPU to start fetching the slot's target actor into cache.</summary>
    public abstract void Prefetch(int slot);
}

/// <summary>
/// Payloads of pending messages of one type, in a growable array of structs with a free list:
/// a send writes one slot, a delivery frees it, and no object is allocated per message once the
/// arrays have grown to the workload's high-water mark.
/// </summary>
internal sealed class MessageQueue<T> : MessageQueue
{
    private struct Entry
    {
        public Actor Target;
        public Actor? Sender;
        public T Message;
        /// <summary>Timer slot index + 1, or 0 for a plain message.</summary>
        public int Timer;
        /// <summary>Generation the timer slot had when this entry was armed.</summary>
        public uint Generation;
    }

    private Entry[] _entries = new Entry[16];
    private int[] _free = new int[16];
    private int _freeCount;
    private int _used;

    public override int Count => _used - _freeCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Add(Actor target, Actor? sender, T message, int timer, uint generation)
    {
        int slot;
        if (_freeCount > 0)
        {
            slot = _free[--_freeCount];
        }
        else
        {
            if (_used == _entries.Length) Grow();
            slot = _used++;
        }
        ref Entry e = ref _entries[slot];
        e.Target = target;
        e.Sender = sender;
        e.Message = message;
        e.Timer = timer;
        e.Generation = generation;
        return slot;
    }

    public override bool Deliver(ActorSystem system, int slot)
    {
        ref Entry e = ref _entries[slot];
        Actor target = e.Target;
        Actor? sender = e.Sender;
        T message = e.Message;
        int timer = e.Timer;
        uint generation = e.Generation;
        Release(slot);
        if (timer != 0 && !system.TimerTable.TryFire(timer, generation))
        {
            system.OnStaleEntryDropped();
            return false;
        }
        system.Deliver(target, sender, message);
        return true;
    }

    public override unsafe void Prefetch(int slot)
    {
        // Reading the entry misses cache too, but loads of different slots are independent, so the
        // CPU overlaps them across the loop that loads a bucket; by delivery time both the entry
        // and the actor's first cache line are close at hand.
        Actor target = _entries[slot].Target;
        if (Sse.IsSupported && target is not null)
        {
            byte* address = *(byte**)Unsafe.AsPointer(ref target);
            Sse.Prefetch0(address);
            // Actor fields and a subclass's first fields usually spill into the next line.
            Sse.Prefetch0(address + 64);
        }
    }

    public override bool IsStale(TimerTable timers, int slot)
    {
        ref Entry e = ref _entries[slot];
        return e.Timer != 0 && timers.IsStale(e.Timer, e.Generation);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Release(int slot)
    {
        ref Entry e = ref _entries[slot];
        // Drop references so that a freed slot does not keep actors or messages alive.
        e.Target = null!;
        e.Sender = null;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>()) e.Message = default!;
        _free[_freeCount++] = slot;
    }

    private void Grow()
    {
        Array.Resize(ref _entries, _entries.Length * 2);
        Array.Resize(ref _free, _entries.Length);
    }
}
