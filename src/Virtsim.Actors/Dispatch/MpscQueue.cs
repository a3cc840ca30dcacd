using System.Runtime.CompilerServices;

namespace Virtsim.Actors.Dispatch;

/// <summary>
/// An unbounded multi-producer single-consumer FIFO queue of structs, built from linked ring segments that start
/// small (4 slots, so an idle actor costs little) and double when full. Each segment is a bounded ring with a
/// sequence number per slot: producers claim a slot with one compare-and-swap, the single consumer reads without
/// any atomic instruction. In steady state nothing is allocated. A full segment is frozen (no further claims) and a
/// larger one linked after it; the consumer leaves a frozen segment only once every claimed slot was read.
/// </summary>
/// <typeparam name="T">The item type (the mailbox uses <see cref="Envelope"/>).</typeparam>
internal sealed class MpscQueue<T>
{
    private const int InitialCapacity = 4;
    private const int MaxCapacity = 1 << 15;

    private Segment _head;          // consumer only
    private volatile Segment _tail; // producers

    public MpscQueue()
    {
        _head = _tail = new Segment(InitialCapacity);
    }

    /// <summary>Adds an item; safe from any number of threads.</summary>
    public void Enqueue(in T item)
    {
        while (true)
        {
            var tail = _tail;
            if (tail.TryEnqueue(item)) return;
            // The ring is full: freeze it, link a larger one and move the tail on.
            tail.Freeze();
            var next = tail.Next;
            if (next is null)
            {
                var fresh = new Segment(Math.Min(tail.Capacity * 2, MaxCapacity));
                next = Interlocked.CompareExchange(ref tail.Next, fresh, null) ?? fresh;
            }
            Interlocked.CompareExchange(ref _tail, next, tail);
        }
    }

    /// <summary>Takes the oldest item; call from the single consumer only.</summary>
    public bool TryDequeue(out T item)
    {
        while (true)
        {
            var head = _head;
            if (head.TryDequeue(out item)) return true;
            var next = Volatile.Read(ref head.Next);
            // Leave a frozen segment only when every claimed slot has been read; a producer may still be writing.
            if (next is null || !head.IsDrained) return false;
            _head = next;
        }
    }

    /// <summary>True when the consumer would find nothing now. A hint from other threads, exact on the consumer.</summary>
    public bool IsEmpty
    {
        get
        {
            var seg = _head;
            while (true)
            {
                if (seg.HasReadyItem) return false;
                var next = Volatile.Read(ref seg.Next);
                if (next is null || !seg.IsDrained) return true;
                seg = next;
            }
        }
    }

    /// <summary>
    /// True when some producer has claimed a slot the consumer has not read yet, even if the item is still being
    /// written. Claims are made with a compare-and-swap, so a consumer that checks this after a full fence cannot
    /// miss an item whose producer then saw the consumer still scheduled (see <see cref="Mailbox"/>).
    /// </summary>
    public bool HasClaimedItems
    {
        get
        {
            var seg = _head;
            while (true)
            {
                if (seg.HasClaims) return true;
                var next = Volatile.Read(ref seg.Next);
                if (next is null) return false;
                seg = next;
            }
        }
    }

    private struct Slot
    {
        public T Item;
        public long Sequence;
    }

    private sealed class Segment
    {
        private const long FrozenBit = 1L << 62;

        private readonly Slot[] _slots;
        private readonly int _mask;
        private long _enqueuePos;
        private long _dequeuePos;
        public Segment? Next;

        public Segment(int capacity)
        {
            _slots = new Slot[capacity];
            _mask = capacity - 1;
            for (var i = 0; i < capacity; i++) _slots[i].Sequence = i;
        }

        public int Capacity => _slots.Length;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryEnqueue(in T item)
        {
            var slots = _slots;
            while (true)
            {
                var pos = Volatile.Read(ref _enqueuePos);
                ref var slot = ref slots[(int)pos & _mask];
                var diff = Volatile.Read(ref slot.Sequence) - pos;
                if (diff == 0)
                {
                    if (Interlocked.CompareExchange(ref _enqueuePos, pos + 1, pos) == pos)
                    {
                        slot.Item = item;
                        Volatile.Write(ref slot.Sequence, pos + 1);
                        return true;
                    }
                }
                else if (diff < 0)
                {
                    return false; // full, or frozen (the frozen bit makes pos huge)
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryDequeue(out T item)
        {
            var pos = _dequeuePos;
            ref var slot = ref _slots[(int)pos & _mask];
            if (Volatile.Read(ref slot.Sequence) != pos + 1)
            {
                item = default!;
                return false;
            }
            item = slot.Item;
            slot.Item = default!;
            _dequeuePos = pos + 1;
            Volatile.Write(ref slot.Sequence, pos + _slots.Length);
            return true;
        }

        public bool HasReadyItem
        {
            get
            {
                var pos = Volatile.Read(ref _dequeuePos);
                return Volatile.Read(ref _slots[(int)pos & _mask].Sequence) == pos + 1;
            }
        }

        public bool HasClaims => (Volatile.Read(ref _enqueuePos) & ~FrozenBit) != Volatile.Read(ref _dequeuePos);

        /// <summary>Frozen and every claimed slot consumed.</summary>
        public bool IsDrained
        {
            get
            {
                var tail = Volatile.Read(ref _enqueuePos);
                return (tail & FrozenBit) != 0 && (tail & ~FrozenBit) == Volatile.Read(ref _dequeuePos);
            }
        }

        public void Freeze()
        {
            while (true)
            {
                var pos = Volatile.Read(ref _enqueuePos);
                if ((pos & FrozenBit) != 0) return;
                if (Interlocked.CompareExchange(ref _enqueuePos, pos | FrozenBit, pos) == pos) return;
            }
        }
    }
}
