using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TcpActors.Runtime.Scheduling;

/// <summary>
/// Untyped face of a <see cref="MessageQueue{T}"/>. The head (earliest pending entry) is cached
/// in plain fields so that the event loop picks the next queue by reading a few fields per
/// message type, without a virtual call; then one virtual call delivers it.
/// </summary>
internal abstract class MessageQueue
{
    /// <summary>True when the queue holds at least one entry.</summary>
    public bool HasHead;

    /// <summary>Time of the earliest entry.</summary>
    public long HeadTime;

    /// <summary>Sequence number of the earliest entry.</summary>
    public long HeadSeq;

    /// <summary>Timer slot (index + 1) of the earliest entry, or 0 for a plain message.</summary>
    public int HeadTimer;

    /// <summary>Timer generation of the earliest entry.</summary>
    public uint HeadGeneration;

    /// <summary>Entries held, stale timer entries included.</summary>
    public abstract int Count { get; }

    /// <summary>Removes the head and delivers it; false when it was a stale timer entry, which is
    /// dropped without counting as an event.</summary>
    public abstract bool DeliverHead(ActorSystem system);

    /// <summary>Removes the head without delivering it.</summary>
    public abstract void DropHead();

    /// <summary>Removes every stale timer entry, telling the system about each.</summary>
    public abstract void RemoveStale(ActorSystem system);

    /// <summary>Lets an empty queue follow a jump of virtual time.</summary>
    public abstract void Follow(long nowTicks);
}

/// <summary>
/// Pending messages of one type, in a calendar queue (Brown 1988). Virtual time is cut into
/// buckets of 2^<see cref="BucketShift"/> ticks; a message due within the wheel's span is appended,
/// whole, to its bucket's array (sequential writes, O(1)); a farther one (a TIME_WAIT or
/// keepalive timer) waits in an overflow heap; a message due now goes to a FIFO. When a bucket
/// becomes current, a stable counting sort on the tick within the bucket puts the positions of
/// its entries in (time, seq) order, while the entries stay where they were written; the few
/// entries added to the current bucket afterwards are ordered by a small heap of 24-byte keys.
/// A bucket becomes current only when its first entry is taken, at its time (until then the
/// cached head is that entry, found from a per-slot minimum), and a storm's bucket arrays are
/// recycled through the storm (see <see cref="Recycle"/>).
/// Struct messages are never boxed and, once the arrays have grown to the workload's high-water
/// mark, nothing is allocated.
/// </summary>
internal sealed class MessageQueue<T> : MessageQueue
{
    /// <summary>log2 of the bucket width in ticks: 2^10 ticks = 102.4 µs.</summary>
    private const int BucketShift = 10;

    /// <summary>log2 of the number of buckets: 2^14 buckets span 1.68 s of virtual time, which
    /// covers network delays, delayed ACKs and most retransmission timeouts.</summary>
    private const int WheelBits = 14;

    private const int WheelSize = 1 << WheelBits;
    private const int WheelMask = WheelSize - 1;

    /// <summary>One pending message.</summary>
    internal struct Entry : IScheduled
    {
        public Entry(long timeTicks, long seq, Actor target, Actor? sender, T message, int timer, uint generation)
        {
            TimeTicks = timeTicks;
            Seq = seq;
            Target = target;
            Sender = sender;
            Message = message;
            Timer = timer;
            Generation = generation;
        }

        public readonly long TimeTicks { get; }

        public readonly long Seq { get; }

        public Actor Target;

        public Actor? Sender;

        public T Message;

        /// <summary>Timer slot index + 1, or 0 for a plain message.</summary>
        public int Timer;

        /// <summary>Generation the timer slot had when this entry was armed.</summary>
        public uint Generation;
    }

    /// <summary>Order key of a late arrival in the current bucket: where it is, not what it is, so
    /// heap moves copy 24 bytes and no object references (which would cost GC write barriers).</summary>
    private readonly struct Key(long timeTicks, long seq, int index) : IScheduled
    {
        public long TimeTicks { get; } = timeTicks;

        public long Seq { get; } = seq;

        public readonly int Index = index;
    }

    /// <summary>Entries per bucket slot (slot = absolute bucket mod <see cref="WheelSize"/>); allocated on first delayed message.</summary>
    private Entry[]?[]? _buckets;

    private int[]? _bucketCounts;

    /// <summary>Per slot, the index of its earliest entry (smallest time; entries are appended in
    /// seq order, so the first of equal times): the head of a bucket that is not current yet.</summary>
    private int[]? _bucketMin;

    /// <summary>Per slot, the time of its earliest entry, so that an append compares with it
    /// without reading the bucket's array at a random place.</summary>
    private long[]? _bucketMinTicks;

    /// <summary>Absolute number of the first occupied bucket after the current one, or -1 when not
    /// known (recomputed from <see cref="_occupied"/> on demand).</summary>
    private long _nextOccupied = -1;

    /// <summary>One bit per non-empty bucket, to skip empty ones 64 at a time.</summary>
    private ulong[]? _occupied;

    /// <summary>Entries in bucket slots other than the current one.</summary>
    private int _inBuckets;

    /// <summary>Absolute number (time >> shift) of the current bucket; the slots hold buckets
    /// (_currentBucket, _currentBucket + WheelSize).</summary>
    private long _currentBucket;

    /// <summary>Arrays of buckets that have been delivered, for reuse by the next buckets to fill:
    /// only the buckets of the near future hold arrays, so memory follows the number of pending
    /// entries, not the number of buckets the run has passed through, and the arrays stay warm.
    /// Every bucket array is 16 × 2^k entries long; the spares are kept by k, so that a growing
    /// bucket finds the next size up instead of whatever array was released last.</summary>
    private readonly Stack<Entry[]>?[] _spare = new Stack<Entry[]>?[SpareClasses];

    /// <summary>Bit k set when <see cref="_spare"/>[k] holds an array.</summary>
    private uint _spareClasses;

    /// <summary>Size classes of spare arrays: 16 to 16 × 2^27 entries.</summary>
    private const int SpareClasses = 28;

    /// <summary>Entries of the current bucket (the current slot's array, owned here while current).</summary>
    private Entry[] _current = [];

    private int _currentCount;

    /// <summary>Positions in <see cref="_current"/> of the entries the bucket had when it became
    /// current, sorted by (time, seq); <see cref="_runNext"/> is the next to deliver.</summary>
    private int[] _run = [];

    private int _runLength;

    private int _runNext;

    /// <summary>The first pass of <see cref="SortRun"/>'s radix sort writes here.</summary>
    private int[] _radixScratch = [];

    /// <summary>Keys of entries added to the current bucket after it became current (a delay
    /// shorter than the rest of the bucket): few, so a small heap orders them.</summary>
    private readonly EventHeap<Key> _currentKeys = new();

    /// <summary>Entries beyond the wheel's span.</summary>
    private readonly EventHeap<Entry> _overflow = new();

    /// <summary>Entries due at the time they were sent, in send order.</summary>
    private readonly ImmediateQueue<Entry> _immediate = new();

    /// <summary>Whether the cached head is the immediate queue's.</summary>
    private bool _headIsImmediate;

    /// <summary>Whether the cached head is the sorted run's next entry (else the late arrivals' minimum).</summary>
    private bool _headIsRun;

    /// <summary>Whether the cached head is an entry of a wheel bucket (or of the overflow heap)
    /// that is not current yet. A bucket becomes current only when its first entry is taken, at
    /// its time: made current earlier, every entry sent later for that bucket or one before it
    /// (at a storm: hundreds of thousands of timers and arrivals) would have to go to the late
    /// arrivals' heap and the current array instead of the wheel.</summary>
    private bool _headPending;

    /// <summary>The owning system, told about stale entries and asked to prefetch targets.</summary>
    private readonly ActorSystem _system;

    public MessageQueue(ActorSystem system) => _system = system;

    public override int Count => (_runLength - _runNext) + _currentKeys.Count + _inBuckets + _overflow.Count + _immediate.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in Entry entry, long nowTicks)
    {
        bool wasEmpty = !HasHead;
        // An empty queue anchors its wheel at the present, not at its first entry's bucket: a
        // storm's first FIN arrival (or RTO timer) would otherwise make its own bucket current
        // at once, and every later entry due in or before that bucket — half a million at the
        // close burst — would pile into the current bucket's late-arrival heap and array.
        if (wasEmpty) Follow(nowTicks);
        if (entry.TimeTicks == nowTicks)
        {
            _immediate.Enqueue(entry);
            if (wasEmpty || Scheduled.Before(entry.TimeTicks, entry.Seq, HeadTime, HeadSeq)) SetHead(_immediate.Tail, immediate: true, run: false);
            return;
        }
        long ahead = (entry.TimeTicks >> BucketShift) - _currentBucket;
        if (ahead <= 0)
        {
            AddToCurrent(entry);
            // A delayed entry earlier than the head goes to the late arrivals, not the run.
            if (wasEmpty || Scheduled.Before(entry.TimeTicks, entry.Seq, HeadTime, HeadSeq)) SetHead(_current[_currentKeys.Min.Index], immediate: false, run: false);
            return;
        }
        if (ahead < WheelSize) AddToBucket((int)((entry.TimeTicks >> BucketShift) & WheelMask), entry);
        else _overflow.Push(entry);
        if (wasEmpty || (_headPending && Scheduled.Before(entry.TimeTicks, entry.Seq, HeadTime, HeadSeq)))
        {
            // The head is in a bucket that is not current yet: cache its key and make the bucket
            // current only when the head is taken (see TakeHead). A head in the FIFO or the current
            // bucket is earlier than any entry of a later bucket.
            SetHead(entry, immediate: false, run: false);
            _headPending = true;
        }
        Debug.Assert(!Scheduled.Before(entry.TimeTicks, entry.Seq, HeadTime, HeadSeq) || _headPending);
    }

    public override bool DeliverHead(ActorSystem system)
    {
        Entry entry = TakeHead();
        if (entry.Timer != 0 && !system.TimerTable.TryFire(entry.Timer, entry.Generation))
        {
            system.OnStaleEntryDropped();
            return false;
        }
        system.Deliver(entry.Target, entry.Sender, entry.Message);
        return true;
    }

    public override void DropHead() => TakeHead();

    public override void RemoveStale(ActorSystem system)
    {
        static bool IsStale(ActorSystem system, in Entry entry) =>
            entry.Timer != 0 && system.TimerTable.IsStale(entry.Timer, entry.Generation);

        int kept = _runNext;
        for (int i = _runNext; i < _runLength; i++)
        {
            if (IsStale(system, _current[_run[i]])) system.OnStaleEntryDropped();
            else _run[kept++] = _run[i];
        }
        _runLength = kept;
        _currentKeys.RemoveWhere(this, static (queue, key) =>
        {
            if (!IsStale(queue._system, queue._current[key.Index])) return false;
            queue._system.OnStaleEntryDropped();
            return true;
        });
        _overflow.RemoveWhere(system, static (system, entry) =>
        {
            if (!IsStale(system, entry)) return false;
            system.OnStaleEntryDropped();
            return true;
        });
        _immediate.RemoveWhere(system, static (system, entry) =>
        {
            if (!IsStale(system, entry)) return false;
            system.OnStaleEntryDropped();
            return true;
        });
        if (_occupied is not null)
        {
            for (int word = 0; word < _occupied.Length; word++)
            {
                ulong bits = _occupied[word];
                while (bits != 0)
                {
                    int slot = word * 64 + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    Entry[] entries = _buckets![slot]!;
                    int count = _bucketCounts![slot];
                    kept = 0;
                    int min = 0;
                    for (int i = 0; i < count; i++)
                    {
                        if (IsStale(system, entries[i])) system.OnStaleEntryDropped();
                        else
                        {
                            if (kept == 0 || entries[i].TimeTicks < entries[min].TimeTicks) min = kept;
                            entries[kept++] = entries[i];
                        }
                    }
                    Array.Clear(entries, kept, count - kept);
                    _inBuckets -= count - kept;
                    _bucketCounts[slot] = kept;
                    _bucketMin![slot] = min;
                    if (kept > 0) _bucketMinTicks![slot] = entries[min].TimeTicks;
                    if (kept == 0) _occupied[word] &= ~(1UL << (slot & 63));
                }
            }
        }
        _nextOccupied = -1;
        RefreshHead();
    }

    public override void Follow(long nowTicks)
    {
        if (Count != 0 || (nowTicks >> BucketShift) <= _currentBucket) return;
        ReleaseCurrent();
        _currentBucket = nowTicks >> BucketShift;
        _nextOccupied = -1;
        TakeSlotAsCurrent((int)(_currentBucket & WheelMask));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Entry TakeHead()
    {
        Debug.Assert(HasHead);
        if (_headPending) MakePendingHeadCurrent();
        Entry entry = _headIsImmediate ? _immediate.Dequeue()
            : _headIsRun ? _current[_run[_runNext++]]
            : _current[_currentKeys.Pop().Index];
        Debug.Assert(entry.TimeTicks == HeadTime && entry.Seq == HeadSeq, "cached head out of date");
        // Refresh before delivering: the handler may send more messages of this type.
        RefreshHead();
        return entry;
    }

    /// <summary>The head's time has come: its bucket becomes current (once per bucket, so kept out
    /// of the inlined per-message path).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MakePendingHeadCurrent()
    {
        Advance();
        RefreshHead();
    }

    /// <summary>Recomputes the head: the earliest of the FIFO's head, the sorted run's next entry
    /// and the late arrivals' minimum, or, when the current bucket is used up, the earliest entry
    /// of the next bucket or the overflow heap (a pending head: its bucket is not current yet).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RefreshHead()
    {
        // The current bucket stays current until a later bucket's entry is taken; once its
        // entries are delivered, its array is refilled from the start.
        if (_runNext == _runLength && _currentKeys.Count == 0 && _currentCount > 0) EmptyCurrent();
        int best = 0; // 0 none, 1 FIFO, 2 run, 3 late arrivals, 4 a bucket not current yet
        long time = 0, seq = 0;
        if (_immediate.Count > 0)
        {
            ref readonly Entry first = ref _immediate.Head;
            best = 1;
            time = first.TimeTicks;
            seq = first.Seq;
        }
        if (_runNext < _runLength)
        {
            ref readonly Entry next = ref _current[_run[_runNext]];
            if (best == 0 || Scheduled.Before(next.TimeTicks, next.Seq, time, seq))
            {
                best = 2;
                time = next.TimeTicks;
                seq = next.Seq;
            }
        }
        if (_currentKeys.Count > 0)
        {
            ref readonly Key late = ref _currentKeys.Min;
            if (best == 0 || Scheduled.Before(late.TimeTicks, late.Seq, time, seq)) best = 3;
        }
        else if (_runNext == _runLength && (_inBuckets > 0 || _overflow.Count > 0) && TakePendingHead(best, time, seq))
        {
            // The current bucket is used up and the head is the earliest entry of the wheel.
            return;
        }
        switch (best)
        {
            case 0:
                HasHead = false;
                _headPending = false;
                break;
            case 1:
                SetHead(_immediate.Head, immediate: true, run: false);
                break;
            case 2:
                SetHead(_current[_run[_runNext]], immediate: false, run: true);
                break;
            default:
                SetHead(_current[_currentKeys.Min.Index], immediate: false, run: false);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetHead(in Entry entry, bool immediate, bool run)
    {
        HasHead = true;
        _headPending = false;
        HeadTime = entry.TimeTicks;
        HeadSeq = entry.Seq;
        HeadTimer = entry.Timer;
        HeadGeneration = entry.Generation;
        _headIsImmediate = immediate;
        _headIsRun = run;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddToCurrent(in Entry entry)
    {
        if (_currentCount == _current.Length) GrowCurrent();
        int index = _currentCount++;
        _current[index] = entry;
        _currentKeys.Push(new Key(entry.TimeTicks, entry.Seq, index));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddToBucket(int slot, in Entry entry)
    {
        if (_buckets is null) AllocateWheel();
        Entry[]? entries = _buckets![slot];
        int count = _bucketCounts![slot];
        if (entries is null || count == entries.Length) entries = GrowBucket(slot);
        entries[count] = entry;
        _bucketCounts[slot] = count + 1;
        if (count == 0)
        {
            _occupied![slot >> 6] |= 1UL << (slot & 63);
            _bucketMin![slot] = 0;
            _bucketMinTicks![slot] = entry.TimeTicks;
            long bucket = entry.TimeTicks >> BucketShift;
            if (bucket < _nextOccupied) _nextOccupied = bucket;
        }
        else if (entry.TimeTicks < _bucketMinTicks![slot])
        {
            _bucketMin![slot] = count;
            _bucketMinTicks[slot] = entry.TimeTicks;
        }
        _inBuckets++;
    }

    /// <summary>Makes the earliest entry outside the current bucket the (pending) head if it comes
    /// before the candidate (<paramref name="best"/> 0: none) of the FIFO.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TakePendingHead(int best, long time, long seq)
    {
        ref readonly Entry pending = ref PendingMin();
        if (best != 0 && !Scheduled.Before(pending.TimeTicks, pending.Seq, time, seq)) return false;
        SetHead(pending, immediate: false, run: false);
        _headPending = true;
        return true;
    }

    /// <summary>The earliest entry outside the current bucket: the first entry of the next
    /// occupied bucket or the overflow heap's minimum, whichever is earlier.</summary>
    private ref readonly Entry PendingMin()
    {
        if (_inBuckets > 0)
        {
            if (_nextOccupied < 0) _nextOccupied = _currentBucket + DistanceToNextOccupied();
            int slot = (int)(_nextOccupied & WheelMask);
            ref readonly Entry first = ref _buckets![slot]![_bucketMin![slot]];
            if (_overflow.Count == 0 || Scheduled.Before(first, _overflow.Min)) return ref first;
        }
        return ref _overflow.Min;
    }

    private void AllocateWheel()
    {
        _buckets = new Entry[]?[WheelSize];
        _bucketCounts = new int[WheelSize];
        _bucketMin = new int[WheelSize];
        _bucketMinTicks = new long[WheelSize];
        _occupied = new ulong[WheelSize / 64];
        // The current bucket's array belongs to its slot.
        _buckets[_currentBucket & WheelMask] = _current.Length > 0 ? _current : null;
    }

    private Entry[] GrowBucket(int slot)
    {
        Entry[]? entries = _buckets![slot];
        Entry[] bigger;
        if (entries is null)
        {
            bigger = Rent();
        }
        else
        {
            bigger = Bigger(entries, _bucketCounts![slot]);
        }
        _buckets[slot] = bigger;
        return bigger;
    }

    private void GrowCurrent()
    {
        _current = _current.Length == 0 ? Rent() : Bigger(_current, _currentCount);
        if (_buckets is not null) _buckets[_currentBucket & WheelMask] = _current;
    }

    /// <summary>A larger array holding the first <paramref name="count"/> entries of a full one: the
    /// smallest larger spare if there is one (a burst's buckets reuse the arrays of the buckets the
    /// burst has already delivered), else twice the size; the smaller array becomes a spare.</summary>
    private Entry[] Bigger(Entry[] entries, int count)
    {
        uint larger = _spareClasses & ~((2u << SpareClassOf(entries.Length)) - 1);
        Entry[] bigger = larger != 0 ? PopSpare(BitOperations.TrailingZeroCount(larger)) : new Entry[entries.Length * 2];
        Array.Copy(entries, bigger, count);
        if (RuntimeHelpers.IsReferenceOrContainsReferences<Entry>()) Array.Clear(entries, 0, count);
        Recycle(entries);
        return bigger;
    }

    /// <summary>Bucket arrays up to this length are always kept for reuse.</summary>
    private const int SpareFloor = 1024;

    /// <summary>
    /// A moving average of how many entries a bucket held (over about the last 64 buckets). Arrays
    /// of buckets of the ordinary size are recycled — from a few dozen entries (a 10 ms network) to
    /// tens of thousands (100k actors with 1–10 ms delays, the runtime benchmark) — so the loop
    /// allocates nothing; the array of a burst far above the average (every FIN of a 100k-couple
    /// storm in one bucket) is let go instead of staying for the rest of the run (≈ 65 MB at 100k
    /// couples). A fixed limit of 1,024 entries cost the runtime benchmark a third of its rate.
    /// </summary>
    private double _typicalBucketCount = 16;

    /// <summary>Largest array length kept for reuse: four times the typical bucket (arrays grow by
    /// doubling), never less than <see cref="SpareFloor"/>.</summary>
    private int SpareMaxLength => Math.Max(SpareFloor, (int)(4 * _typicalBucketCount));

    /// <summary>Total length of the arrays in <see cref="_spare"/>.</summary>
    private long _spareEntries;

    /// <summary>Size class of the last delivered bucket's array that became a spare.</summary>
    private int _deliveredSpareClass;

    /// <summary>An array for a bucket that has none: one of the size of the last delivered bucket's
    /// (warm in the cache, and as large as a bucket of this workload needs), else the largest spare,
    /// else a new one of 16 entries.</summary>
    private Entry[] Rent()
    {
        if (_spareClasses == 0) return new Entry[16];
        int spareClass = (_spareClasses & (1u << _deliveredSpareClass)) != 0
            ? _deliveredSpareClass
            : 31 - BitOperations.LeadingZeroCount(_spareClasses);
        return PopSpare(spareClass);
    }

    /// <summary>An empty array of at least <paramref name="length"/> entries: the smallest spare
    /// that is long enough, or a new one.</summary>
    private Entry[] RentAtLeast(int length)
    {
        length = (int)Math.Max(16, BitOperations.RoundUpToPowerOf2((uint)length));
        uint fitting = _spareClasses & ~((1u << SpareClassOf(length)) - 1);
        return fitting != 0 ? PopSpare(BitOperations.TrailingZeroCount(fitting)) : new Entry[length];
    }

    private static int SpareClassOf(int length)
    {
        Debug.Assert(length >= 16 && BitOperations.IsPow2(length), "bucket arrays are 16 × 2^k long");
        return BitOperations.Log2((uint)length) - 4;
    }

    private Entry[] PopSpare(int spareClass)
    {
        Stack<Entry[]> stack = _spare[spareClass]!;
        Entry[] spare = stack.Pop();
        if (stack.Count == 0) _spareClasses &= ~(1u << spareClass);
        _spareEntries -= spare.Length;
        return spare;
    }

    /// <summary>
    /// Keeps an emptied (cleared) array for reuse: always when it is of the ordinary size; when
    /// larger (a burst's bucket), only while the spares hold no more entries than are pending
    /// outside the current bucket, so that during a storm — every FIN, then every ACK and FIN in
    /// reply, landing in the same hundred buckets, wave after wave — a delivered bucket's array is
    /// refilled by the next wave instead of being dropped and allocated again (a large-object-heap
    /// array each time, and the gen2 collections they trigger), and once the storm is over the
    /// spares shrink back with the pending entries (<see cref="TrimSpares"/>). True when kept.
    /// </summary>
    private bool Recycle(Entry[] entries)
    {
        if (entries.Length <= SpareMaxLength || _spareEntries + entries.Length <= PendingOutsideCurrent)
        {
            int spareClass = SpareClassOf(entries.Length);
            (_spare[spareClass] ??= new Stack<Entry[]>()).Push(entries);
            _spareClasses |= 1u << spareClass;
            _spareEntries += entries.Length;
            return true;
        }
        return false;
    }

    /// <summary>Entries that will pass through a bucket array when their bucket becomes current:
    /// those of the wheel and of the overflow heap (a storm's TIME_WAIT expiries, due 60 s after
    /// the burst, refill the burst's arrays instead of allocating their own).</summary>
    private int PendingOutsideCurrent => _inBuckets + _overflow.Count;

    /// <summary>Lets spares go, the largest first, while they hold more entries than are pending
    /// outside the current bucket (and than a few small buckets' worth): in a steady workload the
    /// arrays in circulation are a small fraction of the pending entries, so only a burst's go.</summary>
    private void TrimSpares()
    {
        long keep = Math.Max(PendingOutsideCurrent, 4L * SpareFloor);
        while (_spareEntries > keep && _spareClasses != 0) PopSpare(31 - BitOperations.LeadingZeroCount(_spareClasses));
    }

    /// <summary>Makes the next non-empty bucket current; false when only the FIFO may hold entries.</summary>
    private bool Advance()
    {
        Debug.Assert(_currentKeys.Count == 0 && _runNext == _runLength);
        // Every entry of the current bucket has been taken: its array can be refilled from the start.
        ReleaseCurrent();
        long next = long.MaxValue;
        if (_inBuckets > 0) next = _nextOccupied >= 0 ? _nextOccupied : _currentBucket + DistanceToNextOccupied();
        if (_overflow.Count > 0) next = Math.Min(next, _overflow.Min.TimeTicks >> BucketShift);
        if (next == long.MaxValue) return false;

        _currentBucket = next;
        _nextOccupied = -1;
        int slot = (int)(next & WheelMask);
        TakeSlotAsCurrent(slot);
        int fromWheel = _currentCount;
        if (_overflow.Count > 0 && _overflow.Min.TimeTicks >> BucketShift == next) ReserveForOverflow(next);
        while (_overflow.Count > 0 && _overflow.Min.TimeTicks >> BucketShift == next) Append(_overflow.Pop());
        SortRun(fromWheel);
        return true;
    }

    /// <summary>Orders the current bucket's entries by (time, seq) with a stable radix sort on
    /// the tick within the bucket: two passes of 5 bits (32 bins each), O(n). Stable sorting by
    /// time is enough because the input is already in seq order when the overflow entries (sent
    /// before the bucket came within the wheel's span, so with smaller seqs) are taken first, then
    /// the bucket's own entries, which were appended in send order.</summary>
    /// <remarks>
    /// Two passes over 32 bins on the stack instead of one counting sort over 1,024 bins: with
    /// millions of endpoints the bin array falls out of the cache between two buckets, and
    /// clearing its 64 cache lines was 9 % of the CPU of the 1M-couple storm (dotnet-trace,
    /// docs/performance.md) — more than sorting the entries themselves.
    /// </remarks>
    private void SortRun(int fromWheel)
    {
        const int BinMask = (1 << BucketShift) - 1;
        const int LowBits = BucketShift / 2;
        const int LowMask = (1 << LowBits) - 1;
        int count = _currentCount;
        if (_run.Length < count) _run = new int[Math.Max(count, _run.Length * 2)];
        if (count <= InsertionSortMax)
        {
            SortSmallRun(fromWheel, count);
            return;
        }
        if (_radixScratch.Length < count) _radixScratch = new int[_run.Length];
        Span<int> low = stackalloc int[1 << LowBits];
        Span<int> high = stackalloc int[1 << (BucketShift - LowBits)];
        Entry[] entries = _current;
        for (int i = 0; i < count; i++)
        {
            ref Entry entry = ref entries[i];
            Debug.Assert(entry.TimeTicks >> BucketShift == _currentBucket, "a bucket held an entry of another lap");
            int tick = (int)(entry.TimeTicks & BinMask);
            low[tick & LowMask]++;
            high[tick >> LowBits]++;
            ActorSystem.Prefetch(entry.Target);
        }
        ExclusivePrefixSum(low);
        ExclusivePrefixSum(high);
        int[] scratch = _radixScratch;
        for (int i = fromWheel; i < count; i++) scratch[low[(int)(entries[i].TimeTicks & LowMask)]++] = i;
        for (int i = 0; i < fromWheel; i++) scratch[low[(int)(entries[i].TimeTicks & LowMask)]++] = i;
        int[] run = _run;
        for (int k = 0; k < count; k++)
        {
            int i = scratch[k];
            run[high[(int)((entries[i].TimeTicks & BinMask) >> LowBits)]++] = i;
        }
        _runNext = 0;
        _runLength = count;
        AssertRunSorted();
    }

    private static void ExclusivePrefixSum(Span<int> bins)
    {
        int start = 0;
        for (int bin = 0; bin < bins.Length; bin++)
        {
            int n = bins[bin];
            bins[bin] = start;
            start += n;
        }
    }

    /// <summary>Below this many entries a bucket is ordered by insertion: even the radix sort's
    /// two histogram passes cost more than the entries themselves. A network with a 10 ms delay
    /// leaves most 102 µs buckets with a handful of entries; a one-pass counting sort over 1,024
    /// bins was 19 % of the CPU of a 100k-couple storm (docs/performance.md, Simulation).</summary>
    private const int InsertionSortMax = 32;

    /// <summary>The same order as <see cref="SortRun"/> — overflow entries first, then the bucket's
    /// own, stably by tick — by a stable insertion sort (strictly-greater moves keep send order).</summary>
    private void SortSmallRun(int fromWheel, int count)
    {
        Entry[] entries = _current;
        int[] run = _run;
        int k = 0;
        for (int i = fromWheel; i < count; i++) run[k++] = i;
        for (int i = 0; i < fromWheel; i++) run[k++] = i;
        for (int a = 1; a < count; a++)
        {
            int index = run[a];
            long ticks = entries[index].TimeTicks;
            int b = a - 1;
            while (b >= 0 && entries[run[b]].TimeTicks > ticks)
            {
                run[b + 1] = run[b];
                b--;
            }
            run[b + 1] = index;
        }
        for (int i = 0; i < count; i++) ActorSystem.Prefetch(entries[i].Target);
        _runNext = 0;
        _runLength = count;
        AssertRunSorted();
    }

    [Conditional("DEBUG")]
    private void AssertRunSorted()
    {
        for (int i = 1; i < _runLength; i++)
        {
            Debug.Assert(Scheduled.Before(_current[_run[i - 1]], _current[_run[i]]), "run out of (time, seq) order");
        }
    }

    /// <summary>Overflow entries above which a bucket taking them sizes its array once.</summary>
    private const int ReserveAbove = 4096;

    /// <summary>
    /// Sizes the current array for the overflow entries that fall due in <paramref name="bucket"/>
    /// when they may be many: a storm's close commands, all due at one instant, are half a million
    /// entries per shard, and appending them one by one would double the array twenty times (the
    /// smaller copies left as large-object garbage at the peak of the storm). Counting them is one
    /// pass over the heap, done only when a leaf of the heap is due in the same bucket as its
    /// minimum, which is rare unless most of the heap is (TIME_WAIT expiries spread over a
    /// hundred buckets pass about one bucket in a hundred).
    /// </summary>
    private void ReserveForOverflow(long bucket)
    {
        ReadOnlySpan<Entry> keys = _overflow.Keys;
        if (keys.Length <= ReserveAbove || keys[^1].TimeTicks >> BucketShift != bucket) return;
        int due = 0;
        foreach (ref readonly Entry key in keys)
        {
            if (key.TimeTicks >> BucketShift == bucket) due++;
        }
        int needed = _currentCount + due;
        if (needed <= _current.Length) return;
        Entry[] reserved = RentAtLeast(needed);
        Array.Copy(_current, reserved, _currentCount);
        if (_current.Length > 0)
        {
            if (RuntimeHelpers.IsReferenceOrContainsReferences<Entry>()) Array.Clear(_current, 0, _currentCount);
            Recycle(_current);
        }
        _current = reserved;
        if (_buckets is not null) _buckets[_currentBucket & WheelMask] = _current;
    }

    private void Append(in Entry entry)
    {
        if (_currentCount == _current.Length) GrowCurrent();
        _current[_currentCount++] = entry;
    }

    /// <summary>Forgets the delivered entries of the current bucket, so the slot can be refilled
    /// one lap later; references are cleared so that they do not keep actors alive.</summary>
    private void ReleaseCurrent()
    {
        EmptyCurrent();
        int delivered = _deliveredInCurrent;
        _deliveredInCurrent = 0;
        if (_buckets is not null && _current.Length > 0)
        {
            _typicalBucketCount += (delivered - _typicalBucketCount) / 64;
            Debug.Assert(ReferenceEquals(_buckets[_currentBucket & WheelMask], _current));
            _buckets[_currentBucket & WheelMask] = null;
            // A burst (every FIN of a storm in one bucket) grows an array to hundreds of
            // thousands of entries; kept as a spare for the rest of the run, it would stay
            // (≈ 65 MB at 100k couples): Recycle keeps it only while the burst lasts.
            if (Recycle(_current)) _deliveredSpareClass = SpareClassOf(_current.Length);
            TrimSpares();
            _current = [];
        }
    }

    /// <summary>Entries delivered from the current bucket before its array was emptied for reuse
    /// (<see cref="EmptyCurrent"/>), for the typical bucket size.</summary>
    private int _deliveredInCurrent;

    /// <summary>Forgets the delivered entries of the current bucket (references cleared, so they
    /// do not keep actors alive); the bucket stays current.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EmptyCurrent()
    {
        Debug.Assert(_currentKeys.Count == 0 && _runNext == _runLength);
        _runNext = _runLength = 0;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<Entry>()) Array.Clear(_current, 0, _currentCount);
        _deliveredInCurrent += _currentCount;
        _currentCount = 0;
        int spareMaxLength = SpareMaxLength;
        if (_current.Length > spareMaxLength)
        {
            // A burst's array does not stay with a bucket that may remain current for a long
            // time (nothing later pending): it goes to the spares while the burst lasts.
            if (_buckets is not null) _buckets[_currentBucket & WheelMask] = null;
            Recycle(_current);
            _current = [];
        }
        if (_run.Length > Math.Max(spareMaxLength, _inBuckets))
        {
            _run = [];
            _radixScratch = [];
        }
        TrimSpares();
    }

    private void TakeSlotAsCurrent(int slot)
    {
        // Without a wheel (only immediate or far messages so far) the current array is simply reused.
        if (_buckets is null) return;
        _current = _buckets[slot] ?? [];
        _currentCount = _bucketCounts![slot];
        if (_currentCount > 0)
        {
            _bucketCounts[slot] = 0;
            _occupied![slot >> 6] &= ~(1UL << (slot & 63));
            _inBuckets -= _currentCount;
        }
    }

    /// <summary>Distance in buckets from the current bucket to the next occupied one (1 … WheelSize − 1).</summary>
    private long DistanceToNextOccupied()
    {
        ulong[] occupied = _occupied!;
        int start = (int)((_currentBucket + 1) & WheelMask);
        int word = start >> 6;
        ulong bits = occupied[word] & (ulong.MaxValue << (start & 63));
        for (int scanned = 0; scanned <= occupied.Length; scanned++)
        {
            if (bits != 0)
            {
                int slot = (word << 6) + BitOperations.TrailingZeroCount(bits);
                long distance = (slot - _currentBucket) & WheelMask;
                // The current bucket's own slot never counts as occupied.
                Debug.Assert(distance != 0);
                return distance;
            }
            word = (word + 1) & (occupied.Length - 1);
            bits = occupied[word];
        }
        throw new UnreachableException("occupied bitmap and bucket count disagree");
    }
}
