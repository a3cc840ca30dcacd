using System.Buffers.Binary;
using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Queues.Split;

/// <summary>
/// The driver side of a split virtqueue (spec §2.7) writing its rings directly in guest memory (the
/// configuration's addresses are treated as guest-physical): descriptor allocation from a free list (or in
/// ring order under IN_ORDER), available ring entries and one release store of <c>idx</c> per publish, the
/// doorbell decision (NO_NOTIFY or <c>avail_event</c>), and validated collection of used buffers, with
/// IN_ORDER batches expanded back into one <see cref="UsedBuffer"/> per buffer. All bookkeeping lives in
/// arrays of the queue size, so the steady path allocates nothing.
/// </summary>
public sealed class SplitDriverQueue : IDriverQueue
{
    private const byte Free = 0, Added = 1, Published = 2;

    private readonly GuestMemory _memory;
    private readonly int _size;
    private readonly int _mask;
    private readonly ulong _descTable;
    private readonly ulong _avail;
    private readonly ulong _used;
    private readonly ulong _usedEventAddress;
    private readonly ulong _availEventAddress;
    private readonly ulong _indirectArea;
    private readonly int _maxIndirect;

    private readonly ushort[] _freeNext;   // free list links (not IN_ORDER)
    private readonly ushort[] _descNext;   // the next link written for each descriptor of a chain
    private readonly ushort[] _descCount;  // per head: ring descriptors the chain occupies
    private readonly ulong[] _writable;    // per head: device-writable bytes
    private readonly byte[] _state;        // per head: Free / Added / Published
    private readonly ushort[] _availHeads; // shadow of the available ring by slot
    private readonly ushort[] _order;      // IN_ORDER: heads in flight in ring order
    private int _orderHead;
    private int _orderCount;
    private int _freeHead;
    private int _freeCount;
    private int _inOrderNext;
    private int _inFlightCount;

    private ushort _nextAvail;
    private ushort _publishedAvail;
    private ushort _lastUsed;
    private ushort _usedIdxSeen;
    private int _batchRemaining;
    private ushort _batchLastId;
    private uint _batchLastLength;
    private QueueError _error;

    /// <summary>Sets up the driver side of a split queue and initializes its rings in guest memory.</summary>
    /// <param name="config">The ring configuration (split, addresses as guest-physical).</param>
    /// <param name="memory">Guest memory holding the rings.</param>
    /// <param name="indirectArea">Guest-physical base of the indirect tables: buffer id <c>i</c> uses the table at
    /// <c>indirectArea + i * maxIndirectEntries * 16</c>.</param>
    /// <param name="maxIndirectEntries">Descriptors per indirect table; 0 disables indirect chains.</param>
    /// <param name="startIndex">Initial value of both ring indices (0 after a reset; other values to model a ring that
    /// has been running, e.g. near the 65535 wrap).</param>
    /// <exception cref="ArgumentException">Not a split configuration, invalid size/alignment, or areas not in guest memory.</exception>
    public SplitDriverQueue(QueueConfig config, GuestMemory memory, ulong indirectArea = 0, int maxIndirectEntries = 0, ushort startIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (config.Format != QueueFormat.Split) throw new ArgumentException("not a split queue configuration", nameof(config));
        if (config.Validate() is { } problem) throw new ArgumentException(problem, nameof(config));
        ArgumentOutOfRangeException.ThrowIfNegative(maxIndirectEntries);
        if (maxIndirectEntries > config.Size) throw new ArgumentOutOfRangeException(nameof(maxIndirectEntries), "an indirect chain may not be longer than the queue size");
        Config = config;
        _memory = memory;
        _size = config.Size;
        _mask = _size - 1;
        _descTable = config.DescriptorArea;
        _avail = config.DriverArea;
        _used = config.DeviceArea;
        _usedEventAddress = _avail + SplitLayout.UsedEventOffset(_size);
        _availEventAddress = _used + SplitLayout.AvailEventOffset(_size);
        _indirectArea = indirectArea;
        _maxIndirect = maxIndirectEntries;
        RequireMapped(_descTable, SplitLayout.DescriptorTableBytes(_size), "descriptor table");
        RequireMapped(_avail, SplitLayout.AvailRingBytes(_size), "available ring");
        RequireMapped(_used, SplitLayout.UsedRingBytes(_size), "used ring");
        if (maxIndirectEntries > 0)
            RequireMapped(indirectArea, (ulong)_size * (ulong)maxIndirectEntries * SplitLayout.DescriptorSize, "indirect table area");

        _freeNext = new ushort[_size];
        _descNext = new ushort[_size];
        _descCount = new ushort[_size];
        _writable = new ulong[_size];
        _state = new byte[_size];
        _availHeads = new ushort[_size];
        _order = new ushort[_size];
        for (int i = 0; i < _size; i++) _freeNext[i] = (ushort)((i + 1) & _mask);
        _freeCount = _size;

        _nextAvail = _publishedAvail = _lastUsed = _usedIdxSeen = startIndex;
        // Ring initialization at allocation (spec §2.7.10: the driver initializes the used flags to 0).
        _memory.TryWriteU16(_avail + SplitLayout.AvailFlagsOffset, 0);
        _memory.TryWriteU16(_avail + SplitLayout.AvailIndexOffset, startIndex);
        _memory.TryWriteU16(_usedEventAddress, startIndex);
        _memory.TryWriteU16(_used + SplitLayout.UsedFlagsOffset, 0);
        _memory.TryWriteU16(_used + SplitLayout.UsedIndexOffset, startIndex);
        _memory.TryWriteU16(_availEventAddress, startIndex);
    }

    /// <inheritdoc />
    public QueueFormat Format => QueueFormat.Split;

    /// <inheritdoc />
    public QueueConfig Config { get; }

    /// <inheritdoc />
    public QueueError Error => _error;

    /// <inheritdoc />
    public int FreeDescriptors => _freeCount;

    /// <inheritdoc />
    public int InFlightCount => _inFlightCount;

    /// <summary>The available index including chains added but not yet published (shadow avail idx).</summary>
    public ushort NextAvailIndex => _nextAvail;

    /// <summary>The available index last stored to the ring.</summary>
    public ushort PublishedAvailIndex => _publishedAvail;

    /// <summary>The used index up to which buffers have been taken (last_seen_used).</summary>
    public ushort LastUsedIndex => _lastUsed;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Empty chain, readable after writable, a direct chain longer than the queue,
    /// or indirect requested without INDIRECT_DESC, without an indirect area, or with more segments than a table holds.</exception>
    public bool TryAdd(ReadOnlySpan<BufferSegment> segments, bool indirect, out ushort id)
    {
        id = 0;
        if (segments.IsEmpty) throw new ArgumentException("a chain needs at least one segment", nameof(segments));
        bool seenWritable = false;
        ulong writable = 0;
        foreach (var s in segments)
        {
            if (s.DeviceWritable) { seenWritable = true; writable += s.Length; }
            else if (seenWritable) throw new ArgumentException("device-readable segment after a device-writable one", nameof(segments));
        }
        if (indirect)
        {
            if (!Config.IndirectDesc) throw new ArgumentException("VIRTIO_F_INDIRECT_DESC was not negotiated", nameof(indirect));
            if (segments.Length > _maxIndirect)
                throw new ArgumentException($"{segments.Length} segments do not fit an indirect table of {_maxIndirect}", nameof(segments));
        }
        else if (segments.Length > _size)
        {
            throw new ArgumentException($"{segments.Length} segments exceed the queue size {_size}", nameof(segments));
        }
        int needed = indirect ? 1 : segments.Length;
        if (needed > _freeCount) return false;

        ushort head = Allocate();
        Span<byte> raw = stackalloc byte[SplitLayout.DescriptorSize];
        if (indirect)
        {
            ulong table = _indirectArea + (ulong)head * (ulong)_maxIndirect * SplitLayout.DescriptorSize;
            for (int i = 0; i < segments.Length; i++)
            {
                bool last = i == segments.Length - 1;
                var s = segments[i];
                // Entries chained in table order: next = i + 1 (as IN_ORDER requires, and fine without it).
                new SplitDescriptor(s.Address, s.Length, Flags(s.DeviceWritable, !last), last ? (ushort)0 : (ushort)(i + 1)).Write(raw);
                WriteOrThrow(table + (ulong)i * SplitLayout.DescriptorSize, raw);
            }
            new SplitDescriptor(table, (uint)(segments.Length * SplitLayout.DescriptorSize), SplitDescriptorFlags.Indirect, 0).Write(raw);
            WriteOrThrow(DescriptorAddress(head), raw);
            _descNext[head] = 0;
        }
        else
        {
            ushort current = head;
            for (int i = 0; i < segments.Length; i++)
            {
                bool last = i == segments.Length - 1;
                ushort next = last ? (ushort)0 : Allocate();
                var s = segments[i];
                new SplitDescriptor(s.Address, s.Length, Flags(s.DeviceWritable, !last), next).Write(raw);
                WriteOrThrow(DescriptorAddress(current), raw);
                _descNext[current] = next;
                current = next;
            }
        }
        _descCount[head] = (ushort)needed;
        _writable[head] = writable;
        _state[head] = Added;
        if (Config.InOrder)
        {
            _order[(_orderHead + _orderCount) & _mask] = head;
            _orderCount++;
        }
        _availHeads[_nextAvail & _mask] = head;
        _memory.TryWriteU16(_avail + SplitLayout.AvailEntryOffset(_nextAvail & _mask), head);
        _nextAvail++;
        _inFlightCount++;
        id = head;
        return true;
    }

    /// <inheritdoc />
    public bool PublishAvailable()
    {
        ushort newIdx = _nextAvail;
        ushort oldIdx = _publishedAvail;
        if (newIdx == oldIdx) return false;
        for (ushort i = oldIdx; i != newIdx; i++)
            _state[_availHeads[i & _mask]] = Published;
        // Entries and descriptors first, then ONE release store of idx (spec §2.7.13.3).
        _memory.TryWriteU16Release(_avail + SplitLayout.AvailIndexOffset, newIdx);
        _publishedAvail = newIdx;
        // The index must be visible before the suppression field is read (spec §2.7.13.4).
        Interlocked.MemoryBarrier();
        if (Config.EventIdx)
        {
            _memory.TryReadU16Acquire(_availEventAddress, out ushort availEvent);
            return EventIndex.NeedsEvent(availEvent, newIdx, oldIdx);
        }
        _memory.TryReadU16Acquire(_used + SplitLayout.UsedFlagsOffset, out ushort flags);
        return (flags & SplitLayout.UsedNoNotify) == 0;
    }

    /// <inheritdoc />
    /// <remarks>Carries the published available index (what the device may read now).</remarks>
    public uint NotificationData(ushort queueIndex) => Queues.NotificationData.ForSplit(queueIndex, _publishedAvail);

    /// <inheritdoc />
    public TakeResult TryTakeUsed(out UsedBuffer used)
    {
        used = default;
        if (_error.IsError) return TakeResult.Broken;
        if (_batchRemaining > 0)
        {
            used = TakeFromBatch();
            return TakeResult.Taken;
        }
        if (_lastUsed == _usedIdxSeen)
        {
            _memory.TryReadU16Acquire(_used + SplitLayout.UsedIndexOffset, out ushort idx);
            int outstanding = _inFlightCount - (ushort)(_nextAvail - _publishedAvail);
            if ((ushort)(idx - _lastUsed) > outstanding)
                return Fail(new QueueError(QueueErrorKind.UsedIndexOutOfRange, idx, _used + SplitLayout.UsedIndexOffset));
            _usedIdxSeen = idx;
            if (_lastUsed == _usedIdxSeen) return TakeResult.Empty;
        }
        ulong at = _used + SplitLayout.UsedElementOffset(_lastUsed & _mask);
        Span<byte> element = stackalloc byte[SplitLayout.UsedElementSize];
        if (!_memory.TryRead(at, element)) return Fail(new QueueError(QueueErrorKind.RingAccessFault, 0, at));
        uint rawId = BinaryPrimitives.ReadUInt32LittleEndian(element);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(element[4..]);
        if (rawId >= (uint)_size || _state[rawId] != Published)
            return Fail(new QueueError(QueueErrorKind.UsedIdNotInFlight, (ushort)Math.Min(rawId, ushort.MaxValue), at));
        ushort id = (ushort)rawId;
        if (length > _writable[id]) return Fail(new QueueError(QueueErrorKind.UsedLengthTooLarge, id, at));
        if (!Config.InOrder)
        {
            _lastUsed++;
            Release(id);
            used = new UsedBuffer(id, length);
            return TakeResult.Taken;
        }
        // IN_ORDER: the element may stand for a batch ending with buffer id (spec §2.7.9).
        int position = -1;
        for (int i = 0; i < _orderCount; i++)
        {
            if (_order[(_orderHead + i) & _mask] == id) { position = i; break; }
        }
        if (position < 0) return Fail(new QueueError(QueueErrorKind.UsedIdNotInFlight, id, at));
        if (position + 1 > (ushort)(_usedIdxSeen - _lastUsed))
            return Fail(new QueueError(QueueErrorKind.UsedIndexOutOfRange, id, at));
        _batchRemaining = position + 1;
        _batchLastId = id;
        _batchLastLength = length;
        used = TakeFromBatch();
        return TakeResult.Taken;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Without EVENT_IDX this clears or sets NO_INTERRUPT in the available ring flags. With EVENT_IDX, enabling sets
    /// <c>used_event</c> to the used index of the next buffer (so its use interrupts); disabling sets it one behind,
    /// which the device only crosses after a full lap.
    /// </remarks>
    public bool SetInterrupts(bool enabled)
    {
        ushort next = (ushort)(_lastUsed + _batchRemaining);
        if (Config.EventIdx)
            _memory.TryWriteU16Release(_usedEventAddress, enabled ? next : (ushort)(next - 1));
        else
            _memory.TryWriteU16Release(_avail + SplitLayout.AvailFlagsOffset, enabled ? (ushort)0 : SplitLayout.AvailNoInterrupt);
        Interlocked.MemoryBarrier();
        if (!enabled) return false;
        if (_batchRemaining > 0) return true;
        _memory.TryReadU16Acquire(_used + SplitLayout.UsedIndexOffset, out ushort idx);
        return idx != _lastUsed;
    }

    private UsedBuffer TakeFromBatch()
    {
        ushort head = _order[_orderHead];
        _batchRemaining--;
        _lastUsed++;
        // Skipped buffers count as used completely (spec §2.7.9); the last one carries the element's length.
        uint length = _batchRemaining == 0 ? _batchLastLength : (uint)Math.Min(_writable[head], uint.MaxValue);
        Release(head);
        return new UsedBuffer(head, length);
    }

    private ushort Allocate()
    {
        _freeCount--;
        if (Config.InOrder)
        {
            // Descriptors are used in ring order, starting at 0 and wrapping (spec §2.7.5).
            ushort index = (ushort)_inOrderNext;
            _inOrderNext = (_inOrderNext + 1) & _mask;
            return index;
        }
        ushort head = (ushort)_freeHead;
        _freeHead = _freeNext[head];
        return head;
    }

    private void Release(ushort head)
    {
        if (Config.InOrder)
        {
            _orderHead = (_orderHead + 1) & _mask;
            _orderCount--;
            _freeCount += _descCount[head];
        }
        else
        {
            ushort index = head;
            for (int i = 0; i < _descCount[head]; i++)
            {
                ushort next = _descNext[index];
                _freeNext[index] = (ushort)_freeHead;
                _freeHead = index;
                _freeCount++;
                index = next;
            }
        }
        _state[head] = Free;
        _inFlightCount--;
    }

    private static SplitDescriptorFlags Flags(bool writable, bool hasNext) =>
        (writable ? SplitDescriptorFlags.Write : SplitDescriptorFlags.None) | (hasNext ? SplitDescriptorFlags.Next : SplitDescriptorFlags.None);

    private ulong DescriptorAddress(int index) => _descTable + (ulong)index * SplitLayout.DescriptorSize;

    private void WriteOrThrow(ulong address, ReadOnlySpan<byte> bytes)
    {
        if (!_memory.TryWrite(address, bytes))
            throw new InvalidOperationException($"guest memory at 0x{address:x} vanished under the driver's ring");
    }

    private void RequireMapped(ulong address, ulong length, string what)
    {
        if (!_memory.IsMapped(address, length))
            throw new ArgumentException($"{what} at 0x{address:x} (+{length}) is not backed by guest memory");
    }

    private TakeResult Fail(QueueError error)
    {
        if (!_error.IsError) _error = error;
        return TakeResult.Broken;
    }
}
