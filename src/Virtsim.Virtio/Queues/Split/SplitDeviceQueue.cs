using System.Buffers.Binary;
using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Queues.Split;

/// <summary>
/// The device side of a split virtqueue (spec §2.7) over guest memory: reads the available ring and
/// descriptor table, validates chains, writes used elements and the used index, and applies both
/// directions of notification suppression (flags, or <c>used_event</c>/<c>avail_event</c> with EVENT_IDX).
/// Every access goes through <see cref="DeviceMemory"/> tagged with its <see cref="MemoryAccessKind"/>.
/// </summary>
/// <remarks>
/// <para>Malformed ring content never throws: the queue records a typed <see cref="QueueError"/>, becomes
/// broken (sticky until <see cref="Reset"/>) and <see cref="TryPop"/> returns <see cref="PopResult.Broken"/>.
/// Misuse by the owner (completing a chain that is not in flight, or out of order under IN_ORDER) throws.</para>
/// <para>Under IN_ORDER with <see cref="BatchInOrder"/>, completions are gathered into batches and each batch
/// is returned with ONE used element carrying the id of its last buffer, written at the used slot of the
/// batch's first buffer; the used index then advances by the batch size (spec §2.7.9). A batch only spans
/// buffers that were fully written (the driver assumes skipped buffers were used completely).</para>
/// </remarks>
public sealed class SplitDeviceQueue : IDeviceQueue
{
    private readonly int _size;
    private readonly int _mask;
    private readonly ulong _descTable;
    private readonly ulong _avail;
    private readonly ulong _used;
    private readonly ulong _usedEventAddress;
    private readonly ulong _availEventAddress;
    private readonly SplitChainReader _reader;
    private readonly InFlightChains _inFlight;
    private readonly DescriptorChain?[] _chainById;
    private readonly long[] _popSequence;
    private readonly ushort[] _order; // IN_ORDER: in-flight ids in pop order (a ring of _size)
    private readonly ushort[] _resubmit; // heads to pop again before the available ring (a ring of _size)
    private int _resubmitHead;
    private int _resubmitCount;
    private int _orderHead;
    private int _orderCount;
    private long _popCounter;

    private ushort _nextAvail;
    private ushort _availIdxSeen; // the avail idx last read from the ring
    private ushort _nextUsed;
    private ushort _signalledUsed;
    private bool _notificationsEnabled = true;
    private ushort _availEventWritten;
    private bool _availEventValid;
    private QueueError _error;

    private int _batchCount;
    private ushort _batchLastId;
    private uint _batchLastLength;
    private bool _batchLastFull;

    /// <summary>Creates the device side of a freshly enabled split queue (all indices 0).</summary>
    /// <param name="config">The ring configuration; its addresses are device addresses (IOVAs behind an IOMMU).</param>
    /// <param name="memory">The device's view of guest memory for this queue.</param>
    /// <exception cref="ArgumentException">The configuration is not a split queue or its size is invalid.</exception>
    /// <remarks>Unmapped or misaligned ring areas do not throw: the queue starts broken with <see cref="QueueErrorKind.RingNotMapped"/>.</remarks>
    public SplitDeviceQueue(QueueConfig config, DeviceMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (config.Format != QueueFormat.Split) throw new ArgumentException("not a split queue configuration", nameof(config));
        if (config.ValidateSize() is { } problem) throw new ArgumentException(problem, nameof(config));
        Config = config;
        Memory = memory;
        _size = config.Size;
        _mask = _size - 1;
        _descTable = config.DescriptorArea;
        _avail = config.DriverArea;
        _used = config.DeviceArea;
        _usedEventAddress = _avail + SplitLayout.UsedEventOffset(_size);
        _availEventAddress = _used + SplitLayout.AvailEventOffset(_size);
        _reader = new SplitChainReader(memory, _descTable, _size, config.IndirectDesc);
        _inFlight = new InFlightChains(_size);
        _chainById = new DescriptorChain?[_size];
        _popSequence = new long[_size];
        _order = new ushort[_size];
        _resubmit = new ushort[_size];
        BatchInOrder = config.InOrder;
        CheckRings();
    }

    /// <summary>Rebuilds a device queue from saved state over the same guest memory; it continues exactly where the saved one stopped.</summary>
    /// <exception cref="ArgumentException">The state is not a valid split queue state (bad config, or in-flight ids out of range or repeated).</exception>
    public static SplitDeviceQueue Restore(QueueState state, DeviceMemory memory)
    {
        ArgumentNullException.ThrowIfNull(state);
        var queue = new SplitDeviceQueue(state.Config, memory);
        queue._nextAvail = state.NextAvail;
        queue._availIdxSeen = state.NextAvail;
        queue._nextUsed = state.NextUsed;
        queue._signalledUsed = state.SignalledUsed;
        queue._notificationsEnabled = state.NotificationsEnabled;
        if (state.InFlight.Length > queue._size) throw new ArgumentException("more chains in flight than the queue size", nameof(state));
        var seen = new HashSet<ushort>();
        foreach (var buffer in state.InFlight)
        {
            if (buffer.Id >= queue._size || !seen.Add(buffer.Id))
                throw new ArgumentException($"in-flight id {buffer.Id} is out of range or repeated", nameof(state));
        }
        queue._inFlight.Restore(state.InFlight);
        foreach (var chain in queue._inFlight.Chains) // Restore adds them in pop order
            queue.Track(chain);
        return queue;
    }

    /// <inheritdoc />
    public QueueFormat Format => QueueFormat.Split;

    /// <inheritdoc />
    public QueueConfig Config { get; }

    /// <inheritdoc />
    public DeviceMemory Memory { get; }

    /// <inheritdoc />
    public QueueError Error => _error;

    /// <inheritdoc />
    public int InFlightCount => _inFlight.Count;

    /// <summary>
    /// Under IN_ORDER: return completed buffers in batches with one used element per batch (spec §2.7.9).
    /// Defaults to true when IN_ORDER was negotiated; ignored otherwise.
    /// </summary>
    public bool BatchInOrder { get; set; }

    /// <summary>The next available-ring index the device will read (last_avail_idx).</summary>
    public ushort NextAvail => _nextAvail;

    /// <summary>The shadow used index: entries completed so far, published or not.</summary>
    public ushort NextUsed => _nextUsed;

    /// <summary>The used index the driver last saw published (the reference for EVENT_IDX interrupt decisions).</summary>
    public ushort SignalledUsed => _signalledUsed;

    /// <summary>True while the device asks for available buffer notifications.</summary>
    public bool NotificationsEnabled => _notificationsEnabled;

    /// <summary>
    /// The driver's next available index as last carried by a VIRTIO_F_NOTIFICATION_DATA doorbell, or null when
    /// none was received since enabling. Lets a hardware-style device fetch descriptors without reading avail idx.
    /// </summary>
    public ushort? NotifiedAvailIndex { get; private set; }

    /// <summary>
    /// When true, <see cref="TryPop"/> trusts <see cref="NotifiedAvailIndex"/> (when it is ahead by at most the queue
    /// size) instead of reading the available index from memory, as a hardware device fetching descriptors in
    /// parallel does; it falls back to reading the index once it has caught up. Default false.
    /// </summary>
    public bool UseNotificationData { get; set; }

    /// <summary>Chains the last notification data says are available beyond <see cref="NextAvail"/> (0 without data).</summary>
    public int NotifiedAvailableCount => NotifiedAvailIndex is { } n ? (ushort)(n - _nextAvail) : 0;

    /// <inheritdoc />
    public IReadOnlyList<DescriptorChain> InFlight =>
        [.. _inFlight.Chains.OrderBy(c => _popSequence[c.Id])];

    /// <summary>Heads queued by <see cref="Resubmit"/> and not popped yet, oldest first.</summary>
    public ushort[] PendingResubmits =>
        [.. Enumerable.Range(0, _resubmitCount).Select(i => _resubmit[(_resubmitHead + i) & _mask])];

    /// <summary>
    /// Queues the chain starting at descriptor <paramref name="head"/> to be popped again, before any new available
    /// entry and without moving <see cref="NextAvail"/>: a restarted device redoes the requests an earlier instance
    /// had taken but not returned (vhost-user in-flight tracking). The chain is read and validated when popped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="head"/> is not a descriptor index of this queue.</exception>
    /// <exception cref="InvalidOperationException">A whole queue's worth of heads is already waiting.</exception>
    public void Resubmit(ushort head)
    {
        if (head >= _size) throw new ArgumentOutOfRangeException(nameof(head), $"head {head} is outside the queue of {_size}");
        if (_resubmitCount == _size) throw new InvalidOperationException("more resubmitted heads than the queue size");
        _resubmit[(_resubmitHead + _resubmitCount) & _mask] = head;
        _resubmitCount++;
    }

    /// <inheritdoc />
    /// <remarks>Heads queued by <see cref="Resubmit"/> come first.</remarks>
    public PopResult TryPop(out DescriptorChain chain)
    {
        chain = null!;
        if (_error.IsError) return PopResult.Broken;
        if (_resubmitCount > 0)
        {
            ushort again = _resubmit[_resubmitHead];
            _resubmitHead = (_resubmitHead + 1) & _mask;
            _resubmitCount--;
            return PopHead(again, out chain);
        }
        if (_nextAvail == _availIdxSeen && UseNotificationData && NotifiedAvailIndex is { } notified
            && (ushort)(notified - _nextAvail) is > 0 and var ahead && ahead <= _size)
        {
            // The doorbell said how far the ring is filled: fetch without reading avail idx (hardware style).
            _availIdxSeen = notified;
        }
        if (_nextAvail == _availIdxSeen)
        {
            if (!RefreshAvailIndex()) return PopResult.Broken;
            if (_nextAvail == _availIdxSeen)
            {
                // With EVENT_IDX, keep avail_event at the next index while notifications are wanted, then look again:
                // the driver may have published between our read and the write, and then it did not notify.
                if (!Config.EventIdx || !_notificationsEnabled || (_availEventValid && _availEventWritten == _nextAvail))
                    return PopResult.Empty;
                if (!WriteAvailEvent(_nextAvail)) return PopResult.Broken;
                Interlocked.MemoryBarrier();
                if (!RefreshAvailIndex()) return PopResult.Broken;
                if (_nextAvail == _availIdxSeen) return PopResult.Empty;
            }
        }

        ulong slot = _avail + SplitLayout.AvailEntryOffset(_nextAvail & _mask);
        if (!Memory.TryReadU16(slot, MemoryAccessKind.RingEntry, out ushort head))
            return Fail(QueueError.FromFault(QueueErrorKind.RingAccessFault, Memory.LastFault));
        var result = PopHead(head, out chain);
        if (result == PopResult.Popped) _nextAvail++;
        return result;
    }

    // Reads, validates and tracks the chain at head; the caller moves the available index when it came from the ring.
    private PopResult PopHead(ushort head, out DescriptorChain chain)
    {
        chain = null!;
        if (head >= _size) return Fail(new QueueError(QueueErrorKind.DescriptorIndexOutOfRange, head));
        if (_chainById[head] != null) return Fail(new QueueError(QueueErrorKind.BufferIdInUse, head));
        var popped = _inFlight.Rent();
        var error = _reader.Read(head, popped);
        if (error.IsError)
        {
            _inFlight.Return(popped);
            return Fail(error);
        }
        _inFlight.Add(popped);
        Track(popped);
        chain = popped;
        return PopResult.Popped;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="chain"/> is not in flight on this queue.</exception>
    /// <exception cref="InvalidOperationException">IN_ORDER was negotiated and an older chain is still in flight.</exception>
    /// <remarks>
    /// <paramref name="writtenLength"/> is not checked against the chain's writable length, so fault-injection
    /// scenarios can return an over-long length; a correct device never does.
    /// </remarks>
    public bool TryComplete(DescriptorChain chain, uint writtenLength)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (!_inFlight.Contains(chain) || chain.Id >= _size || !ReferenceEquals(_chainById[chain.Id], chain))
            throw new ArgumentException("the chain is not in flight on this queue", nameof(chain));
        if (_error.IsError) return false;
        ushort id = chain.Id;
        if (Config.InOrder && (_orderCount == 0 || _order[_orderHead] != id))
            throw new InvalidOperationException($"IN_ORDER: buffer {id} completed before older buffer {_order[_orderHead]}");
        if (Config.InOrder && BatchInOrder)
        {
            // A batch's earlier buffers count as used completely, so a partially written buffer ends its batch.
            if (_batchCount > 0 && !_batchLastFull && !FlushBatch()) return false;
            _batchCount++;
            _batchLastId = id;
            _batchLastLength = writtenLength;
            _batchLastFull = writtenLength >= chain.WritableLength;
        }
        else
        {
            // A batch left pending by switching BatchInOrder off goes out first, at its own slot.
            if (_batchCount > 0 && !FlushBatch()) return false;
            if (!WriteUsedElement(_nextUsed, id, writtenLength)) return false;
        }
        if (Config.InOrder)
        {
            _orderHead = (_orderHead + 1) & _mask;
            _orderCount--;
        }
        _nextUsed++;
        _chainById[id] = null;
        _inFlight.Complete(chain);
        return true;
    }

    /// <inheritdoc />
    public bool PublishUsed()
    {
        if (_error.IsError) return false;
        if (_batchCount > 0 && !FlushBatch()) return false;
        ushort newIdx = _nextUsed;
        ushort oldIdx = _signalledUsed;
        if (newIdx == oldIdx) return false;
        if (!Memory.TryWriteU16Release(_used + SplitLayout.UsedIndexOffset, newIdx, MemoryAccessKind.RingIndex))
        {
            Fail(QueueError.FromFault(QueueErrorKind.RingAccessFault, Memory.LastFault));
            return false;
        }
        _signalledUsed = newIdx;
        // The index store must be visible before the suppression field is read (spec §2.7.7).
        Interlocked.MemoryBarrier();
        if (Config.EventIdx)
        {
            if (!Memory.TryReadU16Acquire(_usedEventAddress, MemoryAccessKind.EventSuppression, out ushort usedEvent))
                return FailTrue();
            return EventIndex.NeedsEvent(usedEvent, newIdx, oldIdx);
        }
        if (!Memory.TryReadU16Acquire(_avail + SplitLayout.AvailFlagsOffset, MemoryAccessKind.RingIndex, out ushort flags))
            return FailTrue();
        // Without EVENT_IDX the driver MUST set flags to 0 or 1 (spec 2.7.7.1); the interrupt goes out so it sees the break.
        if (flags > SplitLayout.AvailNoInterrupt)
        {
            Fail(new QueueError(QueueErrorKind.DriverFlagsInvalid, flags, _avail + SplitLayout.AvailFlagsOffset));
            return true;
        }
        return (flags & SplitLayout.AvailNoInterrupt) == 0;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Without EVENT_IDX this sets or clears NO_NOTIFY in the used ring flags. With EVENT_IDX, enabling writes
    /// <c>avail_event</c> = <see cref="NextAvail"/> (and later empty pops keep it there); disabling writes
    /// <c>avail_event</c> = <see cref="NextAvail"/> - 1, which the driver's index only crosses after a full
    /// 65536-entry lap, so doorbells stop.
    /// </remarks>
    public void SetNotifications(bool enabled)
    {
        _notificationsEnabled = enabled;
        if (_error.IsError) return;
        if (Config.EventIdx)
        {
            WriteAvailEvent(enabled ? _nextAvail : (ushort)(_nextAvail - 1));
        }
        else if (!Memory.TryWriteU16Release(_used + SplitLayout.UsedFlagsOffset, enabled ? (ushort)0 : SplitLayout.UsedNoNotify, MemoryAccessKind.RingIndex))
        {
            Fail(QueueError.FromFault(QueueErrorKind.RingAccessFault, Memory.LastFault));
            return;
        }
        Interlocked.MemoryBarrier();
    }

    /// <inheritdoc />
    public bool HasAvailable()
    {
        if (_error.IsError) return false;
        if (_resubmitCount > 0 || _nextAvail != _availIdxSeen) return true;
        if (!Memory.TryReadU16Acquire(_avail + SplitLayout.AvailIndexOffset, MemoryAccessKind.RingIndex, out ushort idx))
        {
            Fail(QueueError.FromFault(QueueErrorKind.RingAccessFault, Memory.LastFault));
            return false;
        }
        return idx != _nextAvail;
    }

    /// <inheritdoc />
    public void OnNotificationData(uint data) =>
        NotifiedAvailIndex = Queues.NotificationData.Decode(data, QueueFormat.Split).NextOffset;

    /// <inheritdoc />
    /// <remarks>A pending IN_ORDER batch is written to the used ring first (its element, not the index), so the saved
    /// <see cref="QueueState.NextUsed"/> covers it and a restored queue publishes it.</remarks>
    public QueueState SaveState()
    {
        if (_batchCount > 0 && !_error.IsError) FlushBatch();
        var saved = _inFlight.Save();
        Array.Sort(saved, (a, b) => _popSequence[a.Id].CompareTo(_popSequence[b.Id]));
        return new QueueState
        {
            Config = Config,
            NextAvail = _nextAvail,
            NextUsed = _nextUsed,
            SignalledUsed = _signalledUsed,
            NotificationsEnabled = _notificationsEnabled,
            InFlight = [.. saved],
        };
    }

    /// <inheritdoc />
    public void Reset()
    {
        _inFlight.Clear();
        Array.Clear(_chainById);
        _orderHead = _orderCount = 0;
        _resubmitHead = _resubmitCount = 0;
        _popCounter = 0;
        _nextAvail = _availIdxSeen = _nextUsed = _signalledUsed = 0;
        _notificationsEnabled = true;
        _availEventValid = false;
        _batchCount = 0;
        NotifiedAvailIndex = null;
        _error = QueueError.None;
        CheckRings();
    }

    private void Track(DescriptorChain chain)
    {
        _chainById[chain.Id] = chain;
        _popSequence[chain.Id] = _popCounter++;
        if (Config.InOrder)
        {
            _order[(_orderHead + _orderCount) & _mask] = chain.Id;
            _orderCount++;
        }
    }

    private bool RefreshAvailIndex()
    {
        if (!Memory.TryReadU16Acquire(_avail + SplitLayout.AvailIndexOffset, MemoryAccessKind.RingIndex, out ushort idx))
        {
            Fail(QueueError.FromFault(QueueErrorKind.RingAccessFault, Memory.LastFault));
            return false;
        }
        if ((ushort)(idx - _nextAvail) > _size)
        {
            Fail(new QueueError(QueueErrorKind.AvailIndexOutOfRange, idx, _avail + SplitLayout.AvailIndexOffset));
            return false;
        }
        _availIdxSeen = idx;
        return true;
    }

    private bool WriteAvailEvent(ushort value)
    {
        if (!Memory.TryWriteU16Release(_availEventAddress, value, MemoryAccessKind.EventSuppression))
        {
            Fail(QueueError.FromFault(QueueErrorKind.RingAccessFault, Memory.LastFault));
            return false;
        }
        _availEventWritten = value;
        _availEventValid = true;
        return true;
    }

    private bool FlushBatch()
    {
        ushort start = (ushort)(_nextUsed - _batchCount);
        if (!WriteUsedElement(start, _batchLastId, _batchLastLength)) return false;
        _batchCount = 0;
        return true;
    }

    private bool WriteUsedElement(ushort usedIndex, ushort id, uint length)
    {
        Span<byte> element = stackalloc byte[SplitLayout.UsedElementSize];
        BinaryPrimitives.WriteUInt32LittleEndian(element, id);
        BinaryPrimitives.WriteUInt32LittleEndian(element[4..], length);
        if (Memory.TryWrite(_used + SplitLayout.UsedElementOffset(usedIndex & _mask), element, MemoryAccessKind.RingEntry)) return true;
        Fail(QueueError.FromFault(QueueErrorKind.RingAccessFault, Memory.LastFault));
        return false;
    }

    private void CheckRings()
    {
        var alignment = Config.Validate();
        if (alignment != null)
        {
            _error = new QueueError(QueueErrorKind.RingNotMapped, 0, Config.DescriptorArea);
            return;
        }
        CheckArea(_descTable, SplitLayout.DescriptorTableBytes(_size), write: false);
        CheckArea(_avail, SplitLayout.AvailRingBytes(_size), write: false);
        CheckArea(_used, SplitLayout.UsedRingBytes(_size), write: true);
    }

    private void CheckArea(ulong address, ulong length, bool write)
    {
        if (_error.IsError) return;
        var fault = Memory.CheckAccess(address, length, write);
        if (fault == MemoryFaultKind.None) return;
        _error = new QueueError(
            fault == MemoryFaultKind.OutOfRange ? QueueErrorKind.RingNotMapped : QueueErrorKind.IommuFault, 0, address, fault);
    }

    private PopResult Fail(QueueError error)
    {
        if (!_error.IsError) _error = error;
        return PopResult.Broken;
    }

    // A failed suppression read breaks the queue; interrupting is the safe answer for the buffers just published.
    private bool FailTrue()
    {
        Fail(QueueError.FromFault(QueueErrorKind.RingAccessFault, Memory.LastFault));
        return true;
    }
}
