using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Queues.Packed;

/// <summary>
/// The driver side of a packed virtqueue (spec §2.8), writing the ring directly in guest memory (the config's
/// addresses are guest-physical here). Buffer ids are below the queue size and come from a free list; a
/// chain's descriptors are written when it is added, its head's flags only when it is published, so the
/// device never sees part of a chain. Used descriptors are read in ring order and validated; IN_ORDER batches
/// are expanded into one <see cref="UsedBuffer"/> per buffer. No allocation after construction.
/// </summary>
/// <remarks>
/// Every descriptor of a chain carries the buffer id (the spec requires it in the last one). Indirect tables
/// live at <c>indirectArea + id * maxIndirectEntries * 16</c>; their entries carry only address, length and
/// WRITE. A used descriptor's length is taken only when its WRITE flag is set (else 0, as the spec says len
/// is reserved then).
/// </remarks>
public sealed class PackedDriverQueue : IDriverQueue
{
    private const byte IdFree = 0, IdAdded = 1, IdPublished = 2;

    private readonly GuestMemory _memory;
    private readonly ulong _indirectArea;
    private readonly int _maxIndirectEntries;
    private readonly ushort[] _freeIds;
    private int _freeIdCount;
    private readonly byte[] _idState;
    private readonly ushort[] _descriptorsOf;
    private readonly ulong[] _writableOf;
    private readonly ushort[] _order; // IN_ORDER: ids in the order they were made available (a ring of Size)
    private int _orderHead, _orderCount;
    private readonly ushort[] _pendingHeadSlot;
    private readonly ushort[] _pendingHeadFlags;
    private readonly ushort[] _pendingId;
    private int _pendingCount;

    private RingPosition _avail = RingPosition.Start;
    private RingPosition _published = RingPosition.Start;
    private RingPosition _used = RingPosition.Start;
    private long _advancedSincePublish;
    private int _freeDescriptors;
    private int _inFlightCount;
    private bool _batchActive;
    private ushort _batchLastId;
    private uint _batchLastLength;
    private QueueError _error;

    /// <summary>Creates the driver side of the packed queue described by <paramref name="config"/>.</summary>
    /// <param name="config">Packed queue configuration; addresses are guest-physical.</param>
    /// <param name="memory">Guest memory holding the ring.</param>
    /// <param name="indirectArea">Guest-physical start of the indirect tables (one per buffer id).</param>
    /// <param name="maxIndirectEntries">Entries per indirect table; 0 disables indirect chains.</param>
    /// <exception cref="ArgumentException">Invalid config, or a ring area or the indirect area is not mapped.</exception>
    public PackedDriverQueue(QueueConfig config, GuestMemory memory, ulong indirectArea = 0, int maxIndirectEntries = 0)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (config.Format != QueueFormat.Packed) throw new ArgumentException("not a packed queue configuration", nameof(config));
        if (config.Validate() is { } problem) throw new ArgumentException(problem, nameof(config));
        ArgumentOutOfRangeException.ThrowIfNegative(maxIndirectEntries);
        if (maxIndirectEntries > config.Size) throw new ArgumentOutOfRangeException(nameof(maxIndirectEntries), "an indirect table holds at most the queue size");
        if (!memory.IsMapped(config.DescriptorArea, PackedLayout.RingBytes(config.Size))
            || !memory.IsMapped(config.DriverArea, PackedLayout.EventSuppressionSize)
            || !memory.IsMapped(config.DeviceArea, PackedLayout.EventSuppressionSize))
            throw new ArgumentException("the ring areas are not mapped in guest memory", nameof(config));
        if (maxIndirectEntries > 0 && !memory.IsMapped(indirectArea, (ulong)config.Size * (ulong)maxIndirectEntries * PackedLayout.DescriptorSize))
            throw new ArgumentException("the indirect table area is not mapped in guest memory", nameof(indirectArea));
        Config = config;
        _memory = memory;
        _indirectArea = indirectArea;
        _maxIndirectEntries = maxIndirectEntries;
        int size = config.Size;
        _freeIds = new ushort[size];
        for (int i = 0; i < size; i++) _freeIds[i] = (ushort)(size - 1 - i);
        _freeIdCount = size;
        _idState = new byte[size];
        _descriptorsOf = new ushort[size];
        _writableOf = new ulong[size];
        _order = new ushort[config.InOrder ? size : 0];
        _pendingHeadSlot = new ushort[size];
        _pendingHeadFlags = new ushort[size];
        _pendingId = new ushort[size];
        _freeDescriptors = size;
    }

    /// <inheritdoc />
    public QueueFormat Format => QueueFormat.Packed;

    /// <inheritdoc />
    public QueueConfig Config { get; }

    /// <inheritdoc />
    public QueueError Error => _error;

    /// <inheritdoc />
    public int FreeDescriptors => _freeDescriptors;

    /// <inheritdoc />
    public int InFlightCount => _inFlightCount;

    /// <summary>Where the next added descriptor goes.</summary>
    public RingPosition NextAvail => _avail;

    /// <summary>The first descriptor not yet made available to the device (next_off / next_wrap of a doorbell).</summary>
    public RingPosition PublishedAvail => _published;

    /// <summary>Where the driver looks for the next used descriptor.</summary>
    public RingPosition NextUsed => _used;

    /// <summary>Entries per indirect table (0: no indirect chains).</summary>
    public int MaxIndirectEntries => _maxIndirectEntries;

    /// <summary>Guest-physical address of the indirect table of buffer <paramref name="id"/>.</summary>
    public ulong IndirectTableAddress(ushort id) => _indirectArea + (ulong)id * (ulong)_maxIndirectEntries * PackedLayout.DescriptorSize;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// Empty chain, readable after writable, indirect not negotiated or longer than the indirect table, or a direct
    /// chain longer than the queue.
    /// </exception>
    public bool TryAdd(ReadOnlySpan<BufferSegment> segments, bool indirect, out ushort id)
    {
        id = 0;
        if (segments.IsEmpty) throw new ArgumentException("a buffer has at least one element", nameof(segments));
        ulong writable = 0;
        bool seenWritable = false;
        foreach (var segment in segments)
        {
            if (segment.DeviceWritable) { seenWritable = true; writable += segment.Length; }
            else if (seenWritable) throw new ArgumentException("device-readable elements must come before device-writable ones", nameof(segments));
        }
        if (indirect)
        {
            if (!Config.IndirectDesc) throw new ArgumentException("VIRTIO_F_INDIRECT_DESC was not negotiated", nameof(indirect));
            if (segments.Length > _maxIndirectEntries)
                throw new ArgumentException($"{segments.Length} elements do not fit an indirect table of {_maxIndirectEntries}", nameof(segments));
        }
        else if (segments.Length > Config.Size)
            throw new ArgumentException($"a chain of {segments.Length} descriptors is longer than the queue", nameof(segments));

        int needed = indirect ? 1 : segments.Length;
        if (needed > _freeDescriptors || _freeIdCount == 0) return false;
        id = _freeIds[--_freeIdCount];
        int size = Config.Size;
        Span<byte> bytes = stackalloc byte[PackedLayout.DescriptorSize];
        var head = _avail;
        if (indirect)
        {
            ulong table = IndirectTableAddress(id);
            for (int i = 0; i < segments.Length; i++)
            {
                var s = segments[i];
                new PackedDescriptor(s.Address, s.Length, 0, s.DeviceWritable ? PackedLayout.FlagWrite : (ushort)0).Write(bytes);
                Check(_memory.TryWrite(table + (ulong)i * PackedLayout.DescriptorSize, bytes));
            }
            ushort flags = (ushort)(PackedLayout.FlagIndirect | PackedLayout.AvailableBits(head.Wrap));
            WriteBody(head, new PackedDescriptor(table, (uint)(segments.Length * PackedLayout.DescriptorSize), id, flags), bytes);
            Defer(head, flags, id);
            _avail = _avail.Advance(1, size);
        }
        else
        {
            for (int i = 0; i < segments.Length; i++)
            {
                var s = segments[i];
                ushort flags = (ushort)(PackedLayout.AvailableBits(_avail.Wrap)
                    | (s.DeviceWritable ? PackedLayout.FlagWrite : 0)
                    | (i < segments.Length - 1 ? PackedLayout.FlagNext : 0));
                WriteBody(_avail, new PackedDescriptor(s.Address, s.Length, id, flags), bytes);
                if (i == 0) Defer(_avail, flags, id);
                else Check(_memory.TryWriteU16(SlotAddress(_avail) + PackedLayout.FlagsOffset, flags));
                _avail = _avail.Advance(1, size);
            }
        }
        _idState[id] = IdAdded;
        _descriptorsOf[id] = (ushort)needed;
        _writableOf[id] = writable;
        _freeDescriptors -= needed;
        _inFlightCount++;
        _advancedSincePublish += needed;
        if (Config.InOrder) _order[(_orderHead + _orderCount++) % size] = id;
        return true;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Head flags are stored newest first with release semantics, so the oldest chain's head, the one the device
    /// polls, lands last and exposes everything at once. Then (after a full barrier) the device event suppression
    /// structure decides: DISABLE no, ENABLE yes, DESC (EVENT_IDX) yes when the published range passed its descriptor.
    /// </remarks>
    public bool PublishAvailable()
    {
        for (int i = _pendingCount - 1; i >= 0; i--)
        {
            Check(_memory.TryWriteU16Release(SlotAddress(_pendingHeadSlot[i]) + PackedLayout.FlagsOffset, _pendingHeadFlags[i]));
            _idState[_pendingId[i]] = IdPublished;
        }
        _pendingCount = 0;
        long advanced = _advancedSincePublish;
        var old = _published;
        _published = _avail;
        _advancedSincePublish = 0;
        if (advanced == 0) return false;
        Interlocked.MemoryBarrier(); // flags stores before the suppression load
        Check(_memory.TryReadU32(Config.DeviceArea, out uint raw));
        return EventSuppression.FromRaw(raw).ShouldNotify(Config.Size, old, advanced, Config.EventIdx);
    }

    /// <inheritdoc />
    public uint NotificationData(ushort queueIndex) => Queues.NotificationData.ForPacked(queueIndex, _published.Slot, _published.Wrap);

    /// <inheritdoc />
    public TakeResult TryTakeUsed(out UsedBuffer used)
    {
        used = default;
        if (_error.IsError) return TakeResult.Broken;
        if (!_batchActive)
        {
            ulong slotAddress = SlotAddress(_used);
            Check(_memory.TryReadU16Acquire(slotAddress + PackedLayout.FlagsOffset, out ushort flags));
            if (!PackedLayout.IsUsed(flags, _used.Wrap)) return TakeResult.Empty;
            Check(_memory.TryReadU32(slotAddress + PackedLayout.LengthOffset, out uint length));
            Check(_memory.TryReadU16(slotAddress + PackedLayout.IdOffset, out ushort id));
            if (id >= Config.Size || _idState[id] != IdPublished)
                return Fail(new QueueError(QueueErrorKind.UsedIdNotInFlight, _used.Slot, slotAddress));
            if ((flags & PackedLayout.FlagWrite) == 0) length = 0;
            if (length > _writableOf[id])
                return Fail(new QueueError(QueueErrorKind.UsedLengthTooLarge, _used.Slot, slotAddress));
            if (!Config.InOrder)
            {
                Release(id);
                used = new UsedBuffer(id, length);
                return TakeResult.Taken;
            }
            _batchActive = true;
            _batchLastId = id;
            _batchLastLength = length;
        }
        // IN_ORDER: the used descriptor stands for every buffer from the oldest in flight up to its id; the
        // skipped ones were used completely.
        ushort next = _order[_orderHead];
        uint written;
        if (next == _batchLastId)
        {
            written = _batchLastLength;
            _batchActive = false;
        }
        else written = (uint)Math.Min(_writableOf[next], uint.MaxValue);
        _orderHead = (_orderHead + 1) % Config.Size;
        _orderCount--;
        Release(next);
        used = new UsedBuffer(next, written);
        return TakeResult.Taken;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Writes the driver event suppression structure: DISABLE; or ENABLE; or with EVENT_IDX, off_wrap at the next
    /// used position and then DESC. Returns true when a used descriptor is already waiting there.
    /// </remarks>
    public bool SetInterrupts(bool enabled)
    {
        ulong flagsAddress = Config.DriverArea + PackedLayout.EventFlagsOffset;
        if (!enabled)
        {
            Check(_memory.TryWriteU16Release(flagsAddress, (ushort)EventSuppressionMode.Disable));
            return false;
        }
        if (Config.EventIdx)
        {
            Check(_memory.TryWriteU16(Config.DriverArea + PackedLayout.EventOffWrapOffset, _used.OffWrap));
            Check(_memory.TryWriteU16Release(flagsAddress, (ushort)EventSuppressionMode.Desc));
        }
        else Check(_memory.TryWriteU16Release(flagsAddress, (ushort)EventSuppressionMode.Enable));
        Interlocked.MemoryBarrier(); // the suppression store before re-reading the ring
        if (_batchActive) return true;
        Check(_memory.TryReadU16Acquire(SlotAddress(_used) + PackedLayout.FlagsOffset, out ushort flags));
        return PackedLayout.IsUsed(flags, _used.Wrap);
    }

    private void Release(ushort id)
    {
        int descriptors = _descriptorsOf[id];
        _used = _used.Advance(descriptors, Config.Size);
        _freeDescriptors += descriptors;
        _idState[id] = IdFree;
        _inFlightCount--;
        _freeIds[_freeIdCount++] = id;
    }

    private void Defer(RingPosition head, ushort flags, ushort id)
    {
        _pendingHeadSlot[_pendingCount] = head.Slot;
        _pendingHeadFlags[_pendingCount] = flags;
        _pendingId[_pendingCount] = id;
        _pendingCount++;
    }

    private void WriteBody(RingPosition position, PackedDescriptor descriptor, Span<byte> scratch)
    {
        descriptor.WriteBody(scratch);
        Check(_memory.TryWrite(SlotAddress(position), scratch[..PackedLayout.FlagsOffset]));
    }

    private ulong SlotAddress(RingPosition position) => SlotAddress(position.Slot);

    private ulong SlotAddress(ushort slot) => PackedLayout.SlotAddress(Config.DescriptorArea, slot);

    private TakeResult Fail(QueueError error)
    {
        if (!_error.IsError) _error = error;
        return TakeResult.Broken;
    }

    private static void Check(bool ok)
    {
        if (!ok) throw new InvalidOperationException("guest memory under the ring is no longer mapped");
    }
}
