using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// In-flight tracking of one packed ring in its shared area (<see cref="PackedInflightLayout"/>), in the order
/// the vhost-user spec gives so that a back-end killed at any instant leaves an area its successor can recover.
/// A packed device writes used descriptors over the ring slots it read, so each popped chain's descriptors are
/// copied into entries taken from a free list: the head entry (old_free_head) gets num = 0, the counter and
/// inflight = 1, then each descriptor is copied into free_head's entry and free_head moves on (the head entry's
/// last and num follow), and old_free_head = free_head once the chain is whole. Completing a chain returns its
/// entries to the free list and moves used_idx / used_wrap_counter before the used descriptor's flags are
/// written; after that the head's inflight is cleared and the old_* fields catch up. Single-threaded (the serve loop).
/// </summary>
public sealed unsafe class PackedInflightTracker
{
    private readonly byte* _area;
    private readonly ushort[] _entryOfId = new ushort[65536]; // buffer id -> its chain's head entry
    private ulong _counter;

    /// <summary>Tracks the area at <paramref name="area"/> for a ring of <paramref name="queueSize"/> descriptors.</summary>
    public PackedInflightTracker(nint area, ushort queueSize)
    {
        if (area == 0) throw new ArgumentNullException(nameof(area));
        _area = (byte*)area;
        QueueSize = queueSize;
    }

    /// <summary>Descriptors per ring.</summary>
    public ushort QueueSize { get; }

    /// <summary>The counter the next popped chain gets.</summary>
    public ulong NextCounter => _counter;

    /// <summary>Called after every store that matters for recovery (tests kill the back-end there).</summary>
    internal Action? AfterStep { get; set; }

    /// <summary>The area's free_head.</summary>
    public ushort FreeHead => Read16(PackedInflightLayout.FreeHeadOffset);

    /// <summary>The area's old_free_head.</summary>
    public ushort OldFreeHead => Read16(PackedInflightLayout.OldFreeHeadOffset);

    /// <summary>The area's used_idx and used_wrap_counter.</summary>
    public RingPosition Used => new(Read16(PackedInflightLayout.UsedIdxOffset), _area[PackedInflightLayout.UsedWrapOffset] != 0);

    /// <summary>The area's old_used_idx and old_used_wrap_counter.</summary>
    public RingPosition OldUsed => new(Read16(PackedInflightLayout.OldUsedIdxOffset), _area[PackedInflightLayout.OldUsedWrapOffset] != 0);

    /// <summary>Entries marked in flight (chains taken and not returned), by a scan of the area.</summary>
    public int CountInFlight()
    {
        int n = 0;
        for (ushort i = 0; i < QueueSize; i++) n += *Entry(i) != 0 ? 1 : 0;
        return n;
    }

    /// <summary>True when the chain of buffer <paramref name="id"/> is marked in flight.</summary>
    public bool IsInFlight(ushort id) => Volatile.Read(ref *Entry(_entryOfId[id])) != 0;

    /// <summary>
    /// Recovers the area when the ring starts: a never-used area is initialised (free list 0, 1, ..., used
    /// position <paramref name="start"/>). Otherwise a completion whose used_idx moved past old_used_idx is
    /// committed when the ring slot at old_used_idx no longer reads as available for old_used_wrap_counter
    /// (<paramref name="slotFlags"/>: the flags of a ring slot; the used descriptor was written) and rolled back
    /// otherwise; entries on the free list are cleared, and the chains still in flight are returned in counter
    /// order with the positions the device continues from.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The area was laid out for another ring size or its lists are corrupt.</exception>
    public PackedInflightRecovery Recover(RingPosition start, Func<ushort, ushort> slotFlags)
    {
        ArgumentNullException.ThrowIfNull(slotFlags);
        const VhostUserRequest r = VhostUserRequest.SetInflightFd;
        ref ushort version = ref Ref16(PackedInflightLayout.VersionOffset);
        if (version == 0)
        {
            new Span<byte>(_area, (int)PackedInflightLayout.QueueAreaSize(QueueSize)).Clear();
            Ref16(PackedInflightLayout.DescNumOffset) = QueueSize;
            for (ushort i = 0; i < QueueSize; i++) Ref16(EntryField(i, PackedInflightLayout.EntryNextOffset)) = (ushort)(i + 1);
            SetUsed(start, PackedInflightLayout.UsedIdxOffset, PackedInflightLayout.UsedWrapOffset);
            SetUsed(start, PackedInflightLayout.OldUsedIdxOffset, PackedInflightLayout.OldUsedWrapOffset);
            Volatile.Write(ref version, InflightLayout.Version);
            _counter = 1;
            return new PackedInflightRecovery([], start, start);
        }
        ushort descNum = Read16(PackedInflightLayout.DescNumOffset);
        if (descNum != QueueSize) throw new VhostUserProtocolException(r, $"inflight area was laid out for {descNum} descriptors, the ring has {QueueSize}");
        var used = Used;
        var oldUsed = OldUsed;
        if (used != oldUsed)
        {
            if (oldUsed.Slot >= QueueSize) throw new VhostUserProtocolException(r, $"inflight old_used_idx {oldUsed.Slot} is outside the ring");
            // Still available for the old wrap counter: the used descriptor was never written, so roll back.
            bool written = !PackedLayout.IsAvailable(slotFlags(oldUsed.Slot), oldUsed.Wrap);
            if (written)
            {
                Ref16(PackedInflightLayout.OldFreeHeadOffset) = FreeHead;
                SetUsed(used, PackedInflightLayout.OldUsedIdxOffset, PackedInflightLayout.OldUsedWrapOffset);
            }
        }
        Ref16(PackedInflightLayout.FreeHeadOffset) = OldFreeHead;
        var position = OldUsed;
        SetUsed(position, PackedInflightLayout.UsedIdxOffset, PackedInflightLayout.UsedWrapOffset);

        ushort free = FreeHead;
        for (int steps = 0; free < QueueSize; steps++)
        {
            if (steps >= QueueSize) throw new VhostUserProtocolException(r, "inflight free list loops");
            *Entry(free) = 0; // a chain being popped, or completed and published, when the back-end died
            free = Read16(EntryField(free, PackedInflightLayout.EntryNextOffset));
        }

        var heads = new List<(ulong Counter, ushort Entry)>();
        ulong max = 0;
        for (ushort i = 0; i < QueueSize; i++)
        {
            if (*Entry(i) == 0) continue;
            ulong counter = *(ulong*)(_area + EntryField(i, PackedInflightLayout.EntryCounterOffset));
            max = Math.Max(max, counter);
            heads.Add((counter, i));
        }
        heads.Sort();
        var chains = new PackedDescriptor[heads.Count][];
        int descriptors = 0;
        for (int c = 0; c < heads.Count; c++)
        {
            ushort head = heads[c].Entry;
            int num = Read16(EntryField(head, PackedInflightLayout.EntryNumOffset));
            descriptors += num;
            if (num == 0 || descriptors > QueueSize) throw new VhostUserProtocolException(r, $"inflight chains hold more than the ring's {QueueSize} descriptors");
            var chain = new PackedDescriptor[num];
            ushort e = head;
            for (int i = 0; i < num; i++)
            {
                if (e >= QueueSize) throw new VhostUserProtocolException(r, $"inflight chain at entry {head} reaches entry {e} outside the ring");
                chain[i] = ReadCopy(e);
                e = Read16(EntryField(e, PackedInflightLayout.EntryNextOffset));
            }
            chains[c] = chain;
            _entryOfId[chain[^1].Id] = head;
        }
        _counter = max + 1;
        return new PackedInflightRecovery(chains, position, position.Advance(descriptors, QueueSize));
    }

    /// <summary>
    /// The <c>slotFlags</c> of <see cref="Recover"/> for a ring whose descriptor area starts at guest-physical
    /// <paramref name="descriptorArea"/> in <paramref name="memory"/>: a slot's flags, or 0 when it cannot be read.
    /// </summary>
    public static Func<ushort, ushort> RingSlotFlags(GuestMemory memory, ulong descriptorArea)
    {
        ArgumentNullException.ThrowIfNull(memory);
        return slot => memory.TryReadU16(PackedLayout.SlotAddress(descriptorArea, slot) + PackedLayout.FlagsOffset, out ushort flags) ? flags : (ushort)0;
    }

    /// <summary>Records a chain just popped from the ring: <paramref name="descriptors"/> are copies of its ring descriptors, the buffer id in the last.</summary>
    /// <exception cref="InvalidOperationException">The free list ran out (more descriptors in flight than the ring holds).</exception>
    public void Popped(ReadOnlySpan<PackedDescriptor> descriptors)
    {
        ref ushort freeHead = ref Ref16(PackedInflightLayout.FreeHeadOffset);
        ref ushort oldFreeHead = ref Ref16(PackedInflightLayout.OldFreeHeadOffset);
        ushort head = oldFreeHead;
        if (head >= QueueSize) throw new InvalidOperationException("the inflight free list is empty");
        Volatile.Write(ref Ref16(EntryField(head, PackedInflightLayout.EntryNumOffset)), (ushort)0);
        Volatile.Write(ref *(ulong*)(_area + EntryField(head, PackedInflightLayout.EntryCounterOffset)), _counter++);
        Volatile.Write(ref *Entry(head), (byte)1);
        AfterStep?.Invoke();
        for (int i = 0; i < descriptors.Length; i++)
        {
            ushort e = freeHead;
            if (e >= QueueSize) throw new InvalidOperationException("the inflight free list is empty");
            if (i == descriptors.Length - 1) Volatile.Write(ref Ref16(EntryField(head, PackedInflightLayout.EntryLastOffset)), e);
            ref ushort num = ref Ref16(EntryField(head, PackedInflightLayout.EntryNumOffset));
            Volatile.Write(ref num, (ushort)(num + 1));
            WriteCopy(e, descriptors[i]);
            Volatile.Write(ref freeHead, Read16(EntryField(e, PackedInflightLayout.EntryNextOffset)));
            AfterStep?.Invoke();
        }
        Volatile.Write(ref oldFreeHead, freeHead);
        _entryOfId[descriptors[^1].Id] = head;
        AfterStep?.Invoke();
    }

    /// <summary>
    /// Before buffer <paramref name="id"/>'s used descriptor is written: its entries go back to the free list and
    /// used_idx / used_wrap_counter move past its <paramref name="descriptorCount"/> descriptors.
    /// </summary>
    public void Completing(ushort id, int descriptorCount)
    {
        ushort head = _entryOfId[id];
        ushort last = Read16(EntryField(head, PackedInflightLayout.EntryLastOffset));
        ref ushort freeHead = ref Ref16(PackedInflightLayout.FreeHeadOffset);
        Volatile.Write(ref Ref16(EntryField(last, PackedInflightLayout.EntryNextOffset)), freeHead);
        Volatile.Write(ref freeHead, head);
        AfterStep?.Invoke();
        var next = Used.Advance(descriptorCount, QueueSize);
        Volatile.Write(ref Ref16(PackedInflightLayout.UsedIdxOffset), next.Slot);
        AfterStep?.Invoke();
        Volatile.Write(ref _area[PackedInflightLayout.UsedWrapOffset], next.Wrap ? (byte)1 : (byte)0);
        AfterStep?.Invoke();
    }

    /// <summary>After buffer <paramref name="id"/>'s used descriptor was written: clears its inflight, then the old_* fields catch up.</summary>
    public void Completed(ushort id)
    {
        Volatile.Write(ref *Entry(_entryOfId[id]), (byte)0);
        AfterStep?.Invoke();
        Volatile.Write(ref Ref16(PackedInflightLayout.OldFreeHeadOffset), FreeHead);
        AfterStep?.Invoke();
        SetUsed(Used, PackedInflightLayout.OldUsedIdxOffset, PackedInflightLayout.OldUsedWrapOffset);
        AfterStep?.Invoke();
    }

    private PackedDescriptor ReadCopy(ushort e) => new(
        *(ulong*)(_area + EntryField(e, PackedInflightLayout.EntryAddrOffset)),
        *(uint*)(_area + EntryField(e, PackedInflightLayout.EntryLenOffset)),
        Read16(EntryField(e, PackedInflightLayout.EntryIdOffset)),
        Read16(EntryField(e, PackedInflightLayout.EntryFlagsOffset)));

    private void WriteCopy(ushort e, PackedDescriptor d)
    {
        *(ulong*)(_area + EntryField(e, PackedInflightLayout.EntryAddrOffset)) = d.Address;
        *(uint*)(_area + EntryField(e, PackedInflightLayout.EntryLenOffset)) = d.Length;
        Ref16(EntryField(e, PackedInflightLayout.EntryIdOffset)) = d.Id;
        Volatile.Write(ref Ref16(EntryField(e, PackedInflightLayout.EntryFlagsOffset)), d.Flags);
    }

    // Index then wrap: a back-end killed between them left used != old_used, which recovery resolves either way.
    private void SetUsed(RingPosition position, int idxOffset, int wrapOffset)
    {
        Volatile.Write(ref Ref16(idxOffset), position.Slot);
        Volatile.Write(ref _area[wrapOffset], position.Wrap ? (byte)1 : (byte)0);
    }

    private ushort Read16(int offset) => Volatile.Read(ref *(ushort*)(_area + offset));

    private ushort Read16(ulong offset) => Volatile.Read(ref *(ushort*)(_area + offset));

    private ref ushort Ref16(int offset) => ref *(ushort*)(_area + offset);

    private ref ushort Ref16(ulong offset) => ref *(ushort*)(_area + offset);

    private static ulong EntryField(ushort entry, int field) => PackedInflightLayout.EntryOffset(entry) + (ulong)field;

    private byte* Entry(ushort entry)
    {
        if (entry >= QueueSize) throw new ArgumentOutOfRangeException(nameof(entry), $"entry {entry} is outside the ring of {QueueSize}");
        return _area + PackedInflightLayout.EntryOffset(entry) + PackedInflightLayout.EntryInflightOffset;
    }
}
