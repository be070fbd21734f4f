using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace TcpActors.Runtime.Timers;

/// <summary>
/// All timers of one system, as slots in a growable array. Each slot has a generation: arming
/// bumps it and records it in the queued entry, cancelling bumps it again, so an entry whose
/// generation no longer matches is stale and is skipped when popped (lazy deletion). Cancel and
/// re-arm are O(1) here plus one queue insert (O(1) into a calendar bucket), with no allocation; stale entries are counted so
/// that the system can compact its queues before they outnumber live ones.
/// </summary>
internal sealed class TimerTable
{
    private struct Slot
    {
        public Actor? Owner;
        public long DueTicks;
        public uint Generation;
        public bool Armed;
        /// <summary>Next slot (index + 1) owned by the same actor, or the next free slot.</summary>
        public int Next;
    }

    private Slot[] _slots = new Slot[16];
    private int _used;
    private int _firstFree;

    /// <summary>Queued entries that will be skipped (their timer was cancelled or re-armed).</summary>
    public long StaleEntries;

    /// <summary>Slots currently owned by actors.</summary>
    public int Allocated { get; private set; }

    public TimerId Allocate(Actor owner)
    {
        int id;
        if (_firstFree != 0)
        {
            id = _firstFree;
            _firstFree = _slots[id - 1].Next;
        }
        else
        {
            if (_used == _slots.Length) Array.Resize(ref _slots, _slots.Length * 2);
            id = ++_used;
        }
        ref Slot s = ref _slots[id - 1];
        s.Owner = owner;
        s.Armed = false;
        s.Next = owner._firstTimer;
        owner._firstTimer = id;
        Allocated++;
        return new TimerId(id);
    }

    /// <summary>Arms (or re-arms) the timer; returns the generation to store in the queued entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Arm(TimerId timer, Actor owner, long dueTicks)
    {
        ref Slot s = ref SlotOf(timer, owner);
        if (s.Armed) StaleEntries++;
        s.Armed = true;
        s.DueTicks = dueTicks;
        return ++s.Generation;
    }

    public void Cancel(TimerId timer, Actor owner)
    {
        if (timer.IsNone) return;
        ref Slot s = ref SlotOf(timer, owner);
        Disarm(ref s);
    }

    public bool IsArmed(TimerId timer, Actor owner) => !timer.IsNone && SlotOf(timer, owner).Armed;

    public long DueTicks(TimerId timer, Actor owner) => SlotOf(timer, owner).DueTicks;

    /// <summary>Called when an entry pops: true (and the timer disarms) if it is the live one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFire(int timer, uint generation)
    {
        ref Slot s = ref _slots[timer - 1];
        if (!s.Armed || s.Generation != generation) return false;
        s.Armed = false;
        return true;
    }

    public bool IsStale(int timer, uint generation)
    {
        ref Slot s = ref _slots[timer - 1];
        return !s.Armed || s.Generation != generation;
    }

    /// <summary>Cancels and frees every timer of a stopping actor.</summary>
    public void ReleaseAll(Actor owner)
    {
        int id = owner._firstTimer;
        while (id != 0)
        {
            ref Slot s = ref _slots[id - 1];
            Debug.Assert(ReferenceEquals(s.Owner, owner));
            Disarm(ref s);
            int next = s.Next;
            s.Owner = null;
            // Bump past any queued generation so that a later owner of this slot is not fooled.
            s.Generation++;
            s.Next = _firstFree;
            _firstFree = id;
            Allocated--;
            id = next;
        }
        owner._firstTimer = 0;
    }

    private void Disarm(ref Slot s)
    {
        if (!s.Armed) return;
        s.Armed = false;
        s.Generation++;
        StaleEntries++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Slot SlotOf(TimerId timer, Actor owner)
    {
        ref Slot s = ref _slots[timer.Value - 1];
        if (!ReferenceEquals(s.Owner, owner)) ThrowNotOwner();
        return ref s;
    }

    private static void ThrowNotOwner() =>
        throw new InvalidOperationException("This TimerId belongs to another actor (or to a stopped one).");
}
