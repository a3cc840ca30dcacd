using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Queues.Packed;

/// <summary>
/// The device side of a packed virtqueue (spec §2.8) over guest memory: reads available descriptors in ring
/// order, validates chains (NEXT-linked ring descriptors or one indirect table), writes used descriptors back
/// into the ring, and decides interrupts from the driver event suppression structure.
/// </summary>
/// <remarks>
/// <para>
/// Memory ordering: each ring descriptor's flags are read first with acquire semantics, the rest of the
/// descriptor after; a used descriptor's len and id are written first and its flags last as one release
/// 16-bit store.
/// </para>
/// <para>
/// Transaction accounting (on <see cref="Memory"/>'s counters) counts what a hardware device moves over the
/// bus, not the software steps taken to stay race-free: fetching a ring descriptor (including a poll that finds
/// it not yet available) is one 16-byte <see cref="MemoryAccessKind.Descriptor"/> read; a whole indirect table
/// is one read of its length; writing a used descriptor (len, id, flags) is one 8-byte Descriptor write (the
/// unused address is not written); reading the driver event suppression structure is one
/// <see cref="MemoryAccessKind.EventSuppression"/> read (4 bytes with EVENT_IDX, else the 2-byte flags);
/// writing the device structure is one EventSuppression write, skipped when the value would not change.
/// <see cref="HasAvailable"/> is one 2-byte Descriptor read (a flags probe).
/// </para>
/// <para>
/// Validation (the first error is kept until <see cref="Reset"/>): unreadable or unwritable ring areas
/// (<see cref="QueueErrorKind.RingNotMapped"/>, or <see cref="QueueErrorKind.IommuFault"/> behind an IOMMU); a NEXT
/// list longer than the queue (<see cref="QueueErrorKind.ChainTooLong"/>) or running into a descriptor not marked
/// available (<see cref="QueueErrorKind.DescriptorNotAvailable"/>); more descriptors outstanding than the ring holds
/// (<see cref="QueueErrorKind.AvailIndexOutOfRange"/>); a buffer id already in flight; elements that wrap or are not
/// backed by memory or the IOMMU; readable after writable; and the indirect rules (feature, INDIRECT with NEXT or
/// inside a NEXT list, nested INDIRECT, table length zero, not a multiple of 16, or more entries than the queue size).
/// Every walk is bounded by the queue size.
/// </para>
/// <para>
/// IN_ORDER: completions must come in pop order. With <see cref="BatchInOrder"/> they are held until
/// <see cref="PublishUsed"/>, which writes one used descriptor per batch (the id and length of the batch's
/// last buffer) and skips the descriptors of the whole batch. Because the driver assumes skipped buffers were
/// used completely, a buffer whose written length is not its whole writable length always ends a batch.
/// </para>
/// <para>
/// <see cref="DeferUsed"/> holds completions the same way, with or without IN_ORDER: at <see cref="PublishUsed"/>,
/// or whenever 32 are held, they are written (one used descriptor per buffer, or per batch when
/// <see cref="BatchInOrder"/> merges them), the first one's flags last, so a driver polling the ring sees the whole
/// burst at once and the device does not write into the cache line the driver is filling after every buffer; the
/// burst limit lets the driver reuse slots during a long pass.
/// </para>
/// </remarks>
public sealed partial class PackedDeviceQueue : IDeviceQueue
{
    private const MemoryAccessKind Desc = MemoryAccessKind.Descriptor;
    private const MemoryAccessKind Event = MemoryAccessKind.EventSuppression;
    private const int DeferredBurst = 32; // DPDK's burst; 16 measured worse, 64 no better

    private readonly DeviceMemory _raw; // same memory, domain and log; its counts are discarded (see remarks)
    private readonly InFlightChains _chains;
    private readonly ulong[] _idsInFlight = new ulong[65536 / 64];
    private readonly ushort[] _order; // IN_ORDER: ids in pop order (a ring of Size)
    private int _orderHead, _orderCount;
    private readonly ushort[] _pendingId;
    private readonly uint[] _pendingLength;
    private readonly ushort[] _pendingDescriptors;
    private readonly bool[] _pendingMerges; // may share one used descriptor with the next (IN_ORDER batch)
    private int _pendingCount;

    private RingPosition _avail = RingPosition.Start;
    private RingPosition _used = RingPosition.Start;
    private RingPosition _signalled = RingPosition.Start;
    private long _advancedSinceSignal;
    private int _outstanding; // descriptors popped whose used descriptor is not written yet
    private bool _notificationsEnabled = true;
    private int _writtenEventFlags = -1, _writtenEventOffWrap = -1; // last written device event structure (-1: unknown)
    private QueueError _error;
    private bool _batchInOrder;
    private bool _deferUsed;
    private bool _prefetchAhead;
    private PackedDescriptor[]? _capture; // DescriptorCapture

    /// <summary>Creates the device side of the packed queue described by <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">The config is not a valid packed queue configuration.</exception>
    public PackedDeviceQueue(QueueConfig config, DeviceMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (config.Format != QueueFormat.Packed) throw new ArgumentException("not a packed queue configuration", nameof(config));
        if (config.Validate() is { } problem) throw new ArgumentException(problem, nameof(config));
        Config = config;
        Memory = memory;
        _raw = new DeviceMemory(memory.Memory, memory.Domain, memory.DirtyLog);
        _chains = new InFlightChains(config.Size);
        _order = new ushort[config.InOrder ? config.Size : 0];
        int pending = config.Size; // IN_ORDER batches or deferred completions: never more than the ring holds
        _pendingId = new ushort[pending];
        _pendingLength = new uint[pending];
        _pendingDescriptors = new ushort[pending];
        _pendingMerges = new bool[pending];
        _batchInOrder = config.InOrder;
    }

    /// <summary>Rebuilds a queue from <paramref name="state"/> (saved by <see cref="SaveState"/>) over the same guest memory.</summary>
    /// <exception cref="ArgumentException">The state does not describe a packed queue or its positions are out of range.</exception>
    public static PackedDeviceQueue Restore(QueueState state, DeviceMemory memory)
    {
        ArgumentNullException.ThrowIfNull(state);
        var queue = new PackedDeviceQueue(state.Config, memory);
        int size = state.Config.Size;
        if (state.NextAvail >= size || state.NextUsed >= size || state.SignalledUsed >= size)
            throw new ArgumentException("saved ring positions are outside the queue", nameof(state));
        if (state.InFlight.Length > size)
            throw new ArgumentException("more buffers in flight than the queue holds", nameof(state));
        queue._avail = new RingPosition(state.NextAvail, state.AvailWrapCounter);
        queue._used = new RingPosition(state.NextUsed, state.UsedWrapCounter);
        queue._signalled = new RingPosition(state.SignalledUsed, state.SignalledUsedWrap);
        queue._advancedSinceSignal = queue._signalled.DistanceTo(queue._used, size);
        queue._notificationsEnabled = state.NotificationsEnabled;
        queue._chains.Restore(state.InFlight);
        foreach (var buffer in state.InFlight)
        {
            if (queue.IdInFlight(buffer.Id)) throw new ArgumentException($"buffer id {buffer.Id} is in flight twice", nameof(state));
            queue.MarkId(buffer.Id, true);
            queue._outstanding += buffer.DescriptorCount;
            if (state.Config.InOrder) queue._order[(queue._orderHead + queue._orderCount++) % size] = buffer.Id;
        }
        if (queue._outstanding > size) throw new ArgumentException("the buffers in flight occupy more descriptors than the ring has", nameof(state));
        return queue;
    }

    /// <inheritdoc />
    public QueueFormat Format => QueueFormat.Packed;

    /// <inheritdoc />
    public QueueConfig Config { get; }

    /// <inheritdoc />
    public DeviceMemory Memory { get; }

    /// <inheritdoc />
    public QueueError Error => _error;

    /// <inheritdoc />
    public int InFlightCount => _chains.Count;

    /// <summary>
    /// IN_ORDER batching: hold completions until <see cref="PublishUsed"/> and write one used descriptor per batch.
    /// On by default when IN_ORDER was negotiated; cannot be turned on without it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Turning it on without IN_ORDER.</exception>
    public bool BatchInOrder
    {
        get => _batchInOrder;
        set
        {
            if (value && !Config.InOrder) throw new InvalidOperationException("batching used buffers requires VIRTIO_F_IN_ORDER");
            _batchInOrder = value;
        }
    }

    /// <summary>
    /// Hold completions until <see cref="PublishUsed"/> or until 32 are held, and write them then, one used
    /// descriptor per buffer (merged into batches only under <see cref="BatchInOrder"/>), the first one's flags
    /// last. Off by default; turning it off writes nothing until the next completion or <see cref="PublishUsed"/>
    /// flushes.
    /// </summary>
    public bool DeferUsed
    {
        get => _deferUsed;
        set => _deferUsed = value;
    }

    /// <summary>
    /// After each pop, hint the CPU to load the ring's cache line two lines (eight descriptors) ahead and the buffer
    /// of the descriptor one line ahead (see <see cref="DeviceMemory.Prefetch"/>), so that a device chasing a driver
    /// on another core does not wait for each line in turn. Reads only the hinted descriptor's address, and never
    /// acts on it. Off by default (it helps only for memory shared with another process).
    /// </summary>
    public bool PrefetchAhead
    {
        get => _prefetchAhead;
        set => _prefetchAhead = value;
    }

    /// <summary>
    /// When set, each chain popped from the ring leaves copies of its ring descriptors as read (chain order, the
    /// buffer id in the last) in the first <see cref="DescriptorChain.DescriptorCount"/> entries of this array, valid
    /// until the next pop: vhost-user in-flight tracking keeps them before used descriptors overwrite the slots.
    /// Chains popped from <see cref="Resubmit"/> copies leave it alone. Null (the default) copies nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The array is shorter than the queue.</exception>
    public PackedDescriptor[]? DescriptorCapture
    {
        get => _capture;
        set
        {
            if (value != null && value.Length < Config.Size) throw new ArgumentException($"a chain can have {Config.Size} descriptors", nameof(value));
            _capture = value;
        }
    }

    /// <summary>The next ring position the device reads an available descriptor from.</summary>
    public RingPosition NextAvail => _avail;

    /// <summary>The next ring position the device writes a used descriptor to (after pending batches are written).</summary>
    public RingPosition NextUsed => _used;

    /// <summary>Completions held (for an IN_ORDER batch or by <see cref="DeferUsed"/>), not yet written to the ring.</summary>
    public int PendingUsedCount => _pendingCount;

    /// <summary>True when the device last asked for doorbells.</summary>
    public bool NotificationsEnabled => _notificationsEnabled;

    /// <summary>True once a doorbell with notification data was recorded (see <see cref="NotifiedAvail"/>).</summary>
    public bool HasNotificationData { get; private set; }

    /// <summary>next_off / next_wrap from the last doorbell with VIRTIO_F_NOTIFICATION_DATA: where the driver's next descriptor will go.</summary>
    public RingPosition NotifiedAvail { get; private set; }

    /// <summary>
    /// Descriptors the last notification data says are available beyond <see cref="NextAvail"/> (0 without
    /// notification data). Lets a device size its descriptor fetch without polling the ring.
    /// </summary>
    public int NotifiedPending
    {
        get
        {
            if (!HasNotificationData || NotifiedAvail.Slot >= Config.Size) return 0;
            int distance = _avail.DistanceTo(NotifiedAvail, Config.Size);
            return distance <= Config.Size ? distance : 0;
        }
    }

    /// <inheritdoc />
    /// <remarks>Builds a new list on each call (not for the hot path).</remarks>
    public IReadOnlyList<DescriptorChain> InFlight
    {
        get
        {
            var byId = new Dictionary<ushort, DescriptorChain>(_chains.Count);
            foreach (var chain in _chains.Chains) byId[chain.Id] = chain;
            var saved = _chains.Save();
            var result = new DescriptorChain[saved.Length];
            for (int i = 0; i < saved.Length; i++) result[i] = byId[saved[i].Id];
            return result;
        }
    }

    /// <summary>Creates packed device queues (for code that picks the ring format at run time).</summary>
    public static DeviceQueueFactory Factory { get; } = (config, memory) => new PackedDeviceQueue(config, memory);

    /// <inheritdoc />
    public PopResult TryPop(out DescriptorChain chain)
    {
        chain = null!;
        if (_error.IsError) return PopResult.Broken;
        if (_resubmitCount > 0) return PopResubmitted(out chain);
        var raw = Raw();
        int size = Config.Size;
        var pos = _avail;
        ulong slotAddress = PackedLayout.SlotAddress(Config.DescriptorArea, pos.Slot);
        Memory.Counters.CountRead(Desc, PackedLayout.DescriptorSize);
        if (!raw.TryReadU16Acquire(slotAddress + PackedLayout.FlagsOffset, Desc, out ushort flags))
            return Break(QueueError.FromFault(QueueErrorKind.RingNotMapped, raw.LastFault, pos.Slot));
        if (!PackedLayout.IsAvailable(flags, pos.Wrap)) return PopResult.Empty;

        var c = _chains.Rent();
        var error = ReadChain(raw, c, pos, slotAddress, flags, out ushort id, out int count);
        var result = Accept(error, c, id, count, slotAddress, count - 1);
        if (result != PopResult.Popped) return result;
        _avail = _avail.Advance(count, size);
        if (_prefetchAhead) PrefetchAfter(raw, _avail.Slot, size);
        chain = c;
        return PopResult.Popped;
    }

    // Makes a chain read without error (from the ring or from resubmitted copies) in flight, or puts the queue into
    // the error state and the chain back in the pool. Errors name the slot at NextAvail with firstAddress (the first
    // ring descriptor's address), or the slot lastOffset past it for a buffer id already in flight.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PopResult Accept(QueueError error, DescriptorChain c, ushort id, int count, ulong firstAddress, int lastOffset)
    {
        int size = Config.Size;
        // A driver that rewrites descriptors the device still holds could make more than a ring's worth available.
        if (!error.IsError && _outstanding + count > size) error = new QueueError(QueueErrorKind.AvailIndexOutOfRange, _avail.Slot, firstAddress);
        if (!error.IsError && IdInFlight(id)) error = new QueueError(QueueErrorKind.BufferIdInUse, (ushort)_avail.Advance(lastOffset, size).Slot);
        if (error.IsError)
        {
            _chains.Return(c);
            return Break(error);
        }
        c.Id = id;
        c.DescriptorCount = (ushort)count;
        _outstanding += count;
        MarkId(id, true);
        _chains.Add(c);
        if (Config.InOrder) _order[(_orderHead + _orderCount++) % size] = id;
        return PopResult.Popped;
    }

    // Four descriptors share a 64-byte line. The line two ahead is asked for now; the descriptor one line ahead sits
    // in a line asked for four pops ago, so reading its address does not stall, and its buffer is asked for too.
    private void PrefetchAfter(DeviceMemory raw, int slot, int size)
    {
        int far = slot + 8, near = slot + 4; // measured: 16/8, 12/4 and 32/8 were no better
        if (far >= size) far -= size;
        if (near >= size) near -= size;
        if (far >= size || near >= size) return; // rings smaller than eight slots
        raw.Prefetch(PackedLayout.SlotAddress(Config.DescriptorArea, far));
        if (raw.Domain == null && raw.Memory.TryReadU64(PackedLayout.SlotAddress(Config.DescriptorArea, near), out ulong buffer))
            raw.Prefetch(buffer);
    }

    // Walks the chain whose first descriptor (already found available) is at pos.
    private QueueError ReadChain(DeviceMemory raw, DescriptorChain chain, RingPosition pos, ulong slotAddress, ushort flags, out ushort id, out int count)
    {
        int size = Config.Size;
        Span<byte> body = stackalloc byte[PackedLayout.FlagsOffset];
        var capture = _capture;
        count = 0;
        id = 0;
        while (true)
        {
            if (!raw.TryRead(slotAddress, body, Desc))
                return QueueError.FromFault(QueueErrorKind.RingNotMapped, raw.LastFault, pos.Slot);
            count++;
            ulong address = BinaryPrimitives.ReadUInt64LittleEndian(body);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(body[PackedLayout.LengthOffset..]);
            id = BinaryPrimitives.ReadUInt16LittleEndian(body[PackedLayout.IdOffset..]);
            if (capture != null) capture[count - 1] = new PackedDescriptor(address, length, id, flags); // count <= size
            var descriptorError = AddDescriptor(raw, chain, address, length, flags, count == 1, pos.Slot);
            if (descriptorError.IsError) return descriptorError;
            if ((flags & PackedLayout.FlagNext) == 0) return QueueError.None;
            if (count >= size) return new QueueError(QueueErrorKind.ChainTooLong, pos.Slot, address);
            pos = pos.Advance(1, size);
            slotAddress = PackedLayout.SlotAddress(Config.DescriptorArea, pos.Slot);
            Memory.Counters.CountRead(Desc, PackedLayout.DescriptorSize);
            if (!raw.TryReadU16Acquire(slotAddress + PackedLayout.FlagsOffset, Desc, out flags))
                return QueueError.FromFault(QueueErrorKind.RingNotMapped, raw.LastFault, pos.Slot);
            if (!PackedLayout.IsAvailable(flags, pos.Wrap))
                return new QueueError(QueueErrorKind.DescriptorNotAvailable, pos.Slot, slotAddress);
        }
    }

    // Adds one ring descriptor (or a copy of one) to the chain: an indirect table's entries, or its own segment.
    // Errors name slot.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private QueueError AddDescriptor(DeviceMemory raw, DescriptorChain chain, ulong address, uint length, ushort flags, bool first, ushort slot)
    {
        if ((flags & PackedLayout.FlagIndirect) != 0)
        {
            if (!Config.IndirectDesc) return new QueueError(QueueErrorKind.IndirectNotNegotiated, slot, address);
            if ((flags & PackedLayout.FlagNext) != 0 || !first) return new QueueError(QueueErrorKind.IndirectWithNext, slot, address);
            var indirectError = ReadIndirectTable(raw, chain, address, length, slot);
            if (indirectError.IsError) return indirectError;
            chain.IsIndirect = true;
            return QueueError.None;
        }
        bool writable = (flags & PackedLayout.FlagWrite) != 0;
        var rangeError = CheckRange(address, length, writable, slot);
        if (rangeError.IsError) return rangeError;
        if (!chain.TryAdd(new ChainSegment(address, length, writable)))
            return new QueueError(QueueErrorKind.ReadableAfterWritable, slot, address);
        return QueueError.None;
    }

    // Reads an indirect table: packed-format descriptors, only WRITE meaningful (id and other flags reserved),
    // except that INDIRECT inside a table is rejected as nested.
    private QueueError ReadIndirectTable(DeviceMemory raw, DescriptorChain chain, ulong table, uint length, ushort slot)
    {
        if (length == 0 || length % PackedLayout.DescriptorSize != 0)
            return new QueueError(QueueErrorKind.IndirectTableLengthInvalid, slot, table);
        uint entries = length / PackedLayout.DescriptorSize;
        if (entries > Config.Size) return new QueueError(QueueErrorKind.ChainTooLong, slot, table);
        if (table + length < table) return new QueueError(QueueErrorKind.BufferOutOfRange, slot, table);
        Memory.Counters.CountRead(Desc, (int)length);
        Span<byte> entry = stackalloc byte[PackedLayout.DescriptorSize];
        for (uint i = 0; i < entries; i++)
        {
            ulong entryAddress = table + i * PackedLayout.DescriptorSize;
            if (!raw.TryRead(entryAddress, entry, Desc))
                return QueueError.FromFault(QueueErrorKind.BufferOutOfRange, raw.LastFault, slot);
            var d = PackedDescriptor.Read(entry);
            if (d.IsIndirect) return new QueueError(QueueErrorKind.NestedIndirect, slot, entryAddress);
            var rangeError = CheckRange(d.Address, d.Length, d.IsWrite, slot);
            if (rangeError.IsError) return rangeError;
            if (!chain.TryAdd(new ChainSegment(d.Address, d.Length, d.IsWrite)))
                return new QueueError(QueueErrorKind.ReadableAfterWritable, slot, d.Address);
        }
        return QueueError.None;
    }

    // A buffer element must be accessible in its direction (see DeviceMemory.CheckAccess).
    private QueueError CheckRange(ulong address, uint length, bool writable, ushort slot)
    {
        var fault = Memory.CheckAccess(address, length, writable);
        if (fault == MemoryFaultKind.None) return QueueError.None;
        var kind = fault == MemoryFaultKind.OutOfRange ? QueueErrorKind.BufferOutOfRange : QueueErrorKind.IommuFault;
        return new QueueError(kind, slot, address, fault);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="chain"/> is not in flight on this queue.</exception>
    /// <exception cref="InvalidOperationException">IN_ORDER negotiated and <paramref name="chain"/> is not the oldest in flight.</exception>
    public bool TryComplete(DescriptorChain chain, uint writtenLength)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (_error.IsError) return false;
        if (!_chains.Contains(chain)) throw new ArgumentException("the chain is not in flight on this queue", nameof(chain));
        ushort id = chain.Id;
        ushort descriptors = chain.DescriptorCount;
        bool complete = writtenLength == chain.WritableLength;
        int size = Config.Size;
        if (Config.InOrder)
        {
            if (_orderCount == 0 || _order[_orderHead] != id)
                throw new InvalidOperationException($"IN_ORDER: buffer {id} completed before older buffers");
            _orderHead = (_orderHead + 1) % size;
            _orderCount--;
        }
        _chains.Complete(chain);
        MarkId(id, false);
        if (_batchInOrder || _deferUsed)
        {
            _pendingId[_pendingCount] = id;
            _pendingLength[_pendingCount] = writtenLength;
            _pendingDescriptors[_pendingCount] = descriptors;
            _pendingMerges[_pendingCount] = _batchInOrder && complete;
            _pendingCount++;
            // Deferred completions go out in bursts (merged or not), so the driver can reuse slots during a long pass.
            if (_deferUsed && _pendingCount >= DeferredBurst) return FlushPending();
            return true;
        }
        if (_pendingCount > 0 && !FlushPending()) return false; // batching was switched off with completions held
        var raw = Raw();
        if (!WriteUsedBody(raw, _used, id, writtenLength) || !WriteUsedFlags(raw, _used, writtenLength)) return false;
        _used = _used.Advance(descriptors, size);
        _advancedSinceSignal += descriptors;
        _outstanding -= descriptors;
        return true;
    }

    /// <inheritdoc />
    public bool PublishUsed()
    {
        if (_error.IsError) return false;
        if (_pendingCount > 0 && !FlushPending()) return false;
        long advanced = _advancedSinceSignal;
        var old = _signalled;
        _signalled = _used;
        _advancedSinceSignal = 0;
        if (advanced == 0) return false;
        Interlocked.MemoryBarrier(); // used flags stores before the suppression load
        EventSuppression driverEvent;
        if (Config.EventIdx)
        {
            if (!Memory.TryReadU32(Config.DriverArea, Event, out uint raw))
                return Fail(QueueError.FromFault(QueueErrorKind.RingNotMapped, Memory.LastFault));
            driverEvent = EventSuppression.FromRaw(raw);
        }
        else
        {
            if (!Memory.TryReadU16(Config.DriverArea + PackedLayout.EventFlagsOffset, Event, out ushort flags))
                return Fail(QueueError.FromFault(QueueErrorKind.RingNotMapped, Memory.LastFault));
            driverEvent = new EventSuppression(0, flags);
        }
        return driverEvent.ShouldNotify(Config.Size, old, advanced, Config.EventIdx);
    }

    // Writes the held completions: under IN_ORDER batching one used descriptor per batch, else one per buffer;
    // the first one's flags last, so the driver sees none of them before all are written.
    private bool FlushPending()
    {
        var raw = Raw();
        int size = Config.Size;
        var pos = _used;
        var first = pos;
        uint firstLength = 0;
        bool haveFirst = false;
        long total = 0;
        int batchDescriptors = 0;
        for (int i = 0; i < _pendingCount; i++)
        {
            batchDescriptors += _pendingDescriptors[i];
            bool ends = i == _pendingCount - 1 || !_pendingMerges[i];
            if (!ends) continue;
            if (!WriteUsedBody(raw, pos, _pendingId[i], _pendingLength[i])) return false;
            if (!haveFirst) { first = pos; firstLength = _pendingLength[i]; haveFirst = true; }
            else if (!WriteUsedFlags(raw, pos, _pendingLength[i])) return false;
            pos = pos.Advance(batchDescriptors, size);
            total += batchDescriptors;
            batchDescriptors = 0;
        }
        _pendingCount = 0;
        if (!WriteUsedFlags(raw, first, firstLength)) return false;
        _used = pos;
        _advancedSinceSignal += total;
        _outstanding -= (int)total;
        return true;
    }

    // len and id of a used descriptor; counts the whole 8-byte used write (len, id, flags) once.
    private bool WriteUsedBody(DeviceMemory raw, RingPosition pos, ushort id, uint length)
    {
        ulong slotAddress = PackedLayout.SlotAddress(Config.DescriptorArea, pos.Slot);
        Memory.Counters.CountWrite(Desc, PackedLayout.DescriptorSize - PackedLayout.LengthOffset);
        Span<byte> bytes = stackalloc byte[PackedLayout.FlagsOffset - PackedLayout.LengthOffset];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[(PackedLayout.IdOffset - PackedLayout.LengthOffset)..], id);
        return raw.TryWrite(slotAddress + PackedLayout.LengthOffset, bytes, Desc)
            || Fail(QueueError.FromFault(QueueErrorKind.RingNotMapped, raw.LastFault, pos.Slot));
    }

    // The flags of a used descriptor, last, as one release store. WRITE says the device wrote data (len valid).
    private bool WriteUsedFlags(DeviceMemory raw, RingPosition pos, uint length)
    {
        ulong slotAddress = PackedLayout.SlotAddress(Config.DescriptorArea, pos.Slot);
        ushort flags = (ushort)(PackedLayout.UsedBits(pos.Wrap) | (length > 0 ? PackedLayout.FlagWrite : 0));
        return raw.TryWriteU16Release(slotAddress + PackedLayout.FlagsOffset, flags, Desc)
            || Fail(QueueError.FromFault(QueueErrorKind.RingNotMapped, raw.LastFault, pos.Slot));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Writes the device event suppression structure: DISABLE, or when enabling DESC at <see cref="NextAvail"/>
    /// with EVENT_IDX (the driver notifies once it makes that descriptor available), else ENABLE. With
    /// EVENT_IDX the owner must enable again before waiting, so the event follows the ring.
    /// </remarks>
    public void SetNotifications(bool enabled)
    {
        _notificationsEnabled = enabled;
        if (_error.IsError) return;
        var raw = Raw();
        if (enabled && Config.EventIdx)
        {
            var value = EventSuppression.AtDescriptor(_avail);
            if (_writtenEventFlags == value.Flags && _writtenEventOffWrap == value.OffWrap) return;
            Memory.Counters.CountWrite(Event, PackedLayout.EventSuppressionSize);
            Span<byte> bytes = stackalloc byte[PackedLayout.EventSuppressionSize];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value.ToRaw());
            if (!raw.TryWrite(Config.DeviceArea, bytes, Event))
            {
                Break(QueueError.FromFault(QueueErrorKind.RingNotMapped, raw.LastFault));
                return;
            }
            _writtenEventFlags = value.Flags;
            _writtenEventOffWrap = value.OffWrap;
            return;
        }
        ushort flags = (ushort)(enabled ? EventSuppressionMode.Enable : EventSuppressionMode.Disable);
        if (_writtenEventFlags == flags) return;
        Memory.Counters.CountWrite(Event, 2);
        if (!raw.TryWriteU16Release(Config.DeviceArea + PackedLayout.EventFlagsOffset, flags, Event))
        {
            Break(QueueError.FromFault(QueueErrorKind.RingNotMapped, raw.LastFault));
            return;
        }
        _writtenEventFlags = flags;
    }

    /// <inheritdoc />
    public bool HasAvailable()
    {
        if (_error.IsError) return false;
        ulong slotAddress = PackedLayout.SlotAddress(Config.DescriptorArea, _avail.Slot);
        if (!Memory.TryReadU16Acquire(slotAddress + PackedLayout.FlagsOffset, Desc, out ushort flags))
        {
            Break(QueueError.FromFault(QueueErrorKind.RingNotMapped, Memory.LastFault, _avail.Slot));
            return false;
        }
        return PackedLayout.IsAvailable(flags, _avail.Wrap);
    }

    /// <inheritdoc />
    public void OnNotificationData(uint data)
    {
        var decoded = NotificationData.Decode(data, QueueFormat.Packed);
        NotifiedAvail = new RingPosition(decoded.NextOffset, decoded.NextWrap);
        HasNotificationData = true;
    }

    /// <inheritdoc />
    /// <remarks>Held completions (IN_ORDER batch or <see cref="DeferUsed"/>) are written to the ring first (without an interrupt decision), so none is lost.</remarks>
    public QueueState SaveState()
    {
        if (_pendingCount > 0 && !_error.IsError) FlushPending();
        // The state keeps positions only, so "slots passed since the last signal" is restored modulo two laps.
        // After two or more unsignalled laps, save a signalled position one slot ahead (2 * size - 1 behind):
        // every position but the next one to be written counts as passed, which is all a driver can wait on.
        var signalled = _advancedSinceSignal >= 2L * Config.Size ? _used.Advance(1, Config.Size) : _signalled;
        return new QueueState
        {
            Config = Config,
            NextAvail = _avail.Slot,
            AvailWrapCounter = _avail.Wrap,
            NextUsed = _used.Slot,
            UsedWrapCounter = _used.Wrap,
            SignalledUsed = signalled.Slot,
            SignalledUsedWrap = signalled.Wrap,
            NotificationsEnabled = _notificationsEnabled,
            InFlight = [.. _chains.Save()],
        };
    }

    /// <inheritdoc />
    public void Reset()
    {
        _error = QueueError.None;
        _avail = _used = _signalled = RingPosition.Start;
        _advancedSinceSignal = 0;
        _outstanding = 0;
        _notificationsEnabled = true;
        _writtenEventFlags = _writtenEventOffWrap = -1;
        _chains.Clear();
        Array.Clear(_idsInFlight);
        _orderHead = _orderCount = 0;
        _pendingCount = 0;
        HasNotificationData = false;
        NotifiedAvail = default;
        ClearResubmits();
    }

    private DeviceMemory Raw()
    {
        // Stored only on change: a reference store costs a GC write barrier, and this runs several times per chain.
        if (!ReferenceEquals(_raw.Domain, Memory.Domain)) _raw.Domain = Memory.Domain;
        if (!ReferenceEquals(_raw.DirtyLog, Memory.DirtyLog)) _raw.DirtyLog = Memory.DirtyLog;
        return _raw;
    }

    private PopResult Break(QueueError error)
    {
        if (!_error.IsError) _error = error;
        return PopResult.Broken;
    }

    private bool Fail(QueueError error)
    {
        Break(error);
        return false;
    }

    private bool IdInFlight(ushort id) => (_idsInFlight[id >> 6] & (1UL << (id & 63))) != 0;

    private void MarkId(ushort id, bool inFlight)
    {
        if (inFlight) _idsInFlight[id >> 6] |= 1UL << (id & 63);
        else _idsInFlight[id >> 6] &= ~(1UL << (id & 63));
    }
}
