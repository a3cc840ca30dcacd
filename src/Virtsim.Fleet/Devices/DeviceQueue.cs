using System.Buffers.Binary;
using Akka.Actor;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Messages.Interrupt;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Devices;

/// <summary>
/// What a <see cref="DeviceQueue"/> needs from the actor that owns it (the device's transport endpoint): a way to
/// send as that actor, the device's reactions to a pass, and its timers.
/// </summary>
public interface IDeviceQueueOwner
{
    /// <summary>The owning actor (the sender of the queue's DMA requests).</summary>
    IActorRef Self { get; }

    /// <summary>The driver reports a malformed ring or a failed DMA on queue <paramref name="queue"/>.</summary>
    void OnQueueFault(int queue, string reason);

    /// <summary>The queue has used buffers the driver wants to hear about now.</summary>
    void OnUsedBuffers(int queue);

    /// <summary>Starts (unless running) the single timer that calls <see cref="DeviceQueue.OnCoalesceTimer"/> after <paramref name="window"/>.</summary>
    void StartCoalesceTimer(int queue, TimeSpan window);

    /// <summary>Sends the frames the net device transmitted during the pass to the switch.</summary>
    void FlushUplink();

    /// <summary>The device's backend actor (blk; null once it was stopped), or null for a device that serves inline (net).</summary>
    IActorRef? Backend { get; }

    /// <summary>A device on another node: queue <paramref name="queue"/> waited for another's pass and may serve now (<see cref="DeviceQueue.Resume"/>).</summary>
    void ResumeQueue(int queue);

    /// <summary>(Re)starts the queue's DMA timer: <see cref="DeviceQueue.OnDmaTimeout"/> after <paramref name="timeout"/> unless cancelled.</summary>
    void StartDmaTimer(int queue, TimeSpan timeout);

    /// <summary>Cancels the queue's DMA timer (its DMA completed or faulted).</summary>
    void CancelDmaTimer(int queue);
}

/// <summary>
/// The device side of one virtqueue, owned by the device's transport endpoint actor (the only actor that touches
/// the core's device model and its queues). A doorbell makes it serve the ring with the core (pop, handle, complete,
/// publish: the bytes move in guest memory through the IOMMU at once); it then charges the pass's time by sending
/// the transaction counts to the host as a <see cref="DmaBatch"/> and waits for the <see cref="DmaCompleted"/>
/// before it sends transmitted frames on and asks for the used buffer notification (honouring the driver's
/// suppression, as the core decided, and the vendor's interrupt coalescing). Doorbells that arrive meanwhile are
/// merged into one more pass. A malformed ring is reported as a queue fault. For a net receive queue, frames from
/// the switch wait in a backlog until the driver has buffers; none is dropped for lack of buffers. DMA tags carry
/// the queue index in their low byte (<see cref="QueueOf"/>) so the owner routes replies.
/// <para>A blk queue with a backend actor does not serve requests itself: a pass completes, in pop order, the chains
/// whose <see cref="BackendReply"/> came (writing the reply into the chain's writable part), pops the newly available
/// chains and sends each to the backend as a <see cref="BackendRequest"/> (kept in a <see cref="BackendInFlight"/>
/// table until answered, and sent again when the backend restarts). The pass then charges only its DMA; the backend
/// charges the service time. A net queue whose device has a <see cref="NetBackendActor"/> serves its ring itself but
/// likewise charges only its DMA: the backend charges each frame's service time.</para>
/// </summary>
public sealed class DeviceQueue
{
    private static readonly MemoryAccessKind[] Kinds = Enum.GetValues<MemoryAccessKind>();
    private readonly int _index;
    private readonly DeviceContext _device;
    private readonly IDeviceQueueOwner _owner;
    private readonly Queue<byte[]> _rxBacklog = new();
    private readonly long[] _seenReads = new long[Kinds.Length];
    private readonly long[] _seenWrites = new long[Kinds.Length];
    private readonly long[] _seenBytes = new long[2];
    private IDeviceQueue? _countedQueue;
    private bool _busy;
    private bool _again;
    private bool _interruptAfterBatch;
    private InjectFault? _armedFault;
    private Random? _faultDraws;
    private bool _corrupted;
    private ulong _sequence;
    private ulong _waitingTag;
    private ulong _backendSequence;
    private readonly BackendInFlight _atBackend = new();
    private readonly List<BackendRequest> _resend = [];
    // A device on another node (IGuestMemoryAccess not local): the reads of the pass being prepared (tag -> address),
    // the writes of the pass sent back and not yet completed, and whether the host answered the pass's batch.
    private readonly Dictionary<ulong, ulong> _fetches = [];
    private readonly HashSet<ulong> _writeTags = [];
    private readonly List<(ulong Address, uint Length)> _missing = [];
    private readonly List<(ulong Address, byte[] Data)> _writes = [];
    private bool _batchDone;
    private bool _continuingPass;
    private bool _passDidWork;
    private bool _draining;

    /// <summary>Largest readable or writable part of a chain the device hands to its backend (larger chains complete empty).</summary>
    public const ulong MaxBackendRequestBytes = 4 << 20;

    /// <summary>Creates the queue.</summary>
    public DeviceQueue(int index, DeviceContext device, IDeviceQueueOwner owner)
    {
        if ((uint)index > 0xFF) throw new ArgumentOutOfRangeException(nameof(index), index, "at most 256 queues per device");
        _index = index;
        _device = device;
        _owner = owner;
    }

    /// <summary>The queue a DMA reply with <paramref name="tag"/> belongs to.</summary>
    public static int QueueOf(ulong tag) => (int)(tag & 0xFF);

    private ulong NextTag() => _tagEpoch | (++_sequence << 8) | (uint)_index;

    private ulong _tagEpoch;

    /// <summary>
    /// Puts <paramref name="incarnation"/> into the top 16 bits of every tag from now on, so replies addressed to a
    /// crashed incarnation of the device (same actor ref) never match a request of this one.
    /// </summary>
    public void SetTagEpoch(long incarnation) => _tagEpoch = (ulong)(incarnation & 0xFFFF) << 48;

    /// <summary>Serves whatever the ring holds (after a restore: the chains the crashed incarnation had in flight).</summary>
    public void Resume() => TryServe();

    /// <summary>A doorbell for this queue (after the doorbell cost).</summary>
    public void OnDoorbell(DoorbellMessage d)
    {
        if (!_device.TryGetServable(_index, out var queue)) return;
        if (d.Data is uint data && _device.NotificationData) queue.OnNotificationData(data);
        TryServe();
    }

    /// <summary>The host finished a DMA of this queue: a pass's batch, or (a device on another node) a read or write of its pass.</summary>
    public void OnDmaCompleted(DmaCompleted completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        if (_fetches.Remove(completed.Tag, out ulong address))
        {
            _device.Access.Fill(address, completed.Data);
            if (_fetches.Count > 0) return;
            // Everything asked for came: serve, or ask for what the fetched descriptors point at.
            _busy = false;
            _continuingPass = true;
            try { TryServe(); }
            finally { _continuingPass = false; }
            return;
        }
        if (_writeTags.Remove(completed.Tag))
        {
            if (_writeTags.Count == 0 && _batchDone) OnPassDone();
            return;
        }
        if (completed.Tag != _waitingTag || _batchDone) return;
        _batchDone = true;
        if (_writeTags.Count == 0) OnPassDone();
    }

    /// <summary>The host could not perform the DMA.</summary>
    public void OnDmaFaulted(DmaFaulted f)
    {
        ArgumentNullException.ThrowIfNull(f);
        bool ours = f.Tag == _waitingTag && !_batchDone;
        ours |= _fetches.Remove(f.Tag);
        ours |= _writeTags.Remove(f.Tag);
        if (!ours) return;
        _device.Metrics.Add(FleetCounter.DmaFaults);
        AbandonPass();
        _owner.OnQueueFault(_index, $"DMA fault {f.Fault} at 0x{f.Address:x}" + (f.Reason is { Length: > 0 } r ? $": {r}" : ""));
    }

    /// <summary>
    /// The queue's DMA timer fired: when the queue still waits for a DMA (its tag corrupted or lost on the way, its
    /// completion lost), the DMA is given up and the device needs a reset, with the lost DMA as its reason. A late
    /// completion of it is then ignored.
    /// </summary>
    public void OnDmaTimeout()
    {
        if (!_busy) return; // the pass ended since the timer was set
        string lost = _fetches.Count > 0 ? $"{_fetches.Count} DMA read(s), first tag 0x{_fetches.Keys.Min():x}"
            : !_batchDone ? $"DMA batch tag 0x{_waitingTag:x}"
            : $"{_writeTags.Count} DMA write(s), first tag 0x{_writeTags.Min():x}";
        _device.Metrics.Add(FleetCounter.DmaTimeouts);
        AbandonPass();
        _owner.OnQueueFault(_index, $"DMA lost: {lost} not completed within dma-timeout {_device.Profile.Timing.DmaTimeout.TotalMilliseconds:0.###} ms");
    }

    // The pass's DMA will not complete: nothing of it is waited for any more (the device needs a reset).
    private void AbandonPass()
    {
        _owner.CancelDmaTimer(_index);
        _fetches.Clear();
        _writeTags.Clear();
        _batchDone = true;
        _busy = false;
        _draining = false;
        _device.Access.EndPass();
        if (!_device.Access.IsLocal) ReleaseRemotePass();
    }

    // Every DMA the queue sends starts its timer again: it fires when the newest waits longer than dma-timeout.
    private void ArmDmaTimer()
    {
        var timeout = _device.Profile.Timing.DmaTimeout;
        if (timeout > TimeSpan.Zero) _owner.StartDmaTimer(_index, timeout);
    }

    /// <summary>The backend answered a request of this queue.</summary>
    public void OnBackendReply(BackendReply reply)
    {
        if (_atBackend.SetReply(reply)) TryServe();
    }

    /// <summary>The backend restarted: every request it had not answered is sent again (a later duplicate reply is refused).</summary>
    public void OnBackendRestarted()
    {
        if (_owner.Backend is not { } backend) return;
        if (!ReferenceEquals(_device.Model.Queues[_index].Queue, _countedQueue))
        {
            // The ring was reset since these chains were popped: they will never be completed (the driver resubmits).
            _atBackend.Clear();
            return;
        }
        _resend.Clear();
        _atBackend.CollectUnanswered(_resend);
        foreach (var request in _resend) backend.Tell(request, _owner.Self);
        _device.Metrics.Add(FleetCounter.BackendResent, _resend.Count);
        _device.Metrics.Add(FleetCounter.BackendRequests, _resend.Count);
        _resend.Clear();
    }

    /// <summary>A frame for this (receive) queue.</summary>
    public void OnFrame(FrameMessage f)
    {
        _rxBacklog.Enqueue(f.Frame);
        TryServe();
    }

    /// <summary>Frames from the switch waiting for receive buffers (a receive queue's backlog), oldest first.</summary>
    public IEnumerable<byte[]> Backlog => _rxBacklog;

    /// <summary>
    /// True when nothing of this queue is under way: no pass waits for its DMA time and every request at the backend has
    /// its reply (a migration's stop waits for this: the backend finished the requests it had).
    /// </summary>
    public bool Idle => !_busy && !_draining && _atBackend.Count == _atBackend.ReadyCount;

    /// <summary>Requests popped and not completed (at the backend, answered or not).</summary>
    public int InFlight => _atBackend.Count;

    /// <summary>
    /// A hardware device's stop for migration: writes back every request the backend answered (replies into the chains,
    /// chains completed in pop order, used index published), as a VF finishes its outstanding DMA before its device
    /// parts are read. Returns the requests completed.
    /// </summary>
    public int CompleteForStop()
    {
        var registers = _device.Model.Queues[_index];
        if (!registers.Enabled || registers.Queue is not { } queue) return 0;
        int completed = 0;
        while (_atBackend.TryTakeReady(out var chain, out var reply))
        {
            if (reply.Writable.Length > 0 && !chain.TryWrite(queue.Memory, 0, reply.Writable)) break;
            if (!queue.TryComplete(chain, reply.Written)) break;
            completed++;
        }
        if (completed > 0) queue.PublishUsed();
        return completed;
    }

    /// <summary>
    /// <see cref="CompleteForStop"/> for a device on another node than its VM: the write-back needs the ring fetched and
    /// its writes sent to the host, so it runs as a pass of its own (DMA reads, the answered chains completed and the used
    /// index published, DMA writes and a batch) while the device is stopped; the queue is not <see cref="Idle"/> until
    /// the host applied it. No new chain is taken and no interrupt sent (the destination signals after the switchover).
    /// Returns the requests it completes.
    /// </summary>
    public int DrainForStop()
    {
        var registers = _device.Model.Queues[_index];
        if (!registers.Enabled || registers.Queue is null || !_atBackend.HasReady) return 0;
        int ready = _atBackend.ReadyCount;
        _draining = true;
        TryServe();
        return ready;
    }

    /// <summary>
    /// The queue's state as a migration moves it. <paramref name="resubmit"/> (a software backend): the chains in flight
    /// are not completed here but handed over as vhost-user's inflight area does, to be resubmitted at the destination,
    /// so the saved position is rewound to the first of them (split: last avail index = the used index; packed: the used
    /// slot and wrap counter); the chains are still in the ring, untouched by the driver. Else the state as it is (a
    /// hardware device drained first). Null when the queue is not enabled. The live queue is not changed (a failed
    /// migration resumes it).
    /// </summary>
    public QueueState? SaveForMigration(bool resubmit)
    {
        var registers = _device.Model.Queues[_index];
        if (!registers.Enabled || registers.Queue is not { } queue) return null;
        var state = queue.SaveState();
        return resubmit
            ? state with { NextAvail = state.NextUsed, AvailWrapCounter = state.UsedWrapCounter, InFlight = [] }
            : state with { InFlight = [] };
    }

    /// <summary>Arms a fault.</summary>
    public void OnInjectFault(InjectFault f)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (f.Probability <= 0)
        {
            _armedFault = null; // a repeated fault's window ended
            return;
        }
        if (!f.Repeat) _device.Metrics.Add(FleetCounter.FaultsInjected); // a repeated fault counts each time it acts
        _armedFault = f;
        _faultDraws = f.Repeat ? new Random(f.Seed) : null;
    }

    /// <summary>The coalescing window ended.</summary>
    public void OnCoalesceTimer() => _owner.OnUsedBuffers(_index);

    // A stopped device's queue, for the stop's write-back (the driver set it up; the device serves nothing else now).
    private bool TryGetDrainable(out IDeviceQueue queue)
    {
        var registers = _device.Model.Queues[_index];
        queue = registers.Queue!;
        return registers.Enabled && registers.Queue is not null;
    }

    private bool IsReceiveQueue => _device.Net is not null && _index % 2 == 0 && _index < 2 * _device.Net.LayoutPairs;

    private void TryServe()
    {
        if (_device.Access.IsLocal)
        {
            TryServePass();
            return;
        }
        if (_device.RemotePassQueue >= 0 && _device.RemotePassQueue != _index)
        {
            _device.RemotePassWaiters.Add(_index); // another queue's pass holds the memory view
            return;
        }
        _device.RemotePassQueue = _index;
        TryServePass();
        if (!_busy) ReleaseRemotePass(); // nothing fetched, served or written: the view is free
    }

    // A remote device's pass ended (or never started): the next waiting queue may start its own.
    private void ReleaseRemotePass()
    {
        if (_device.RemotePassQueue != _index) return;
        _device.RemotePassQueue = -1;
        if (_device.RemotePassWaiters.Count == 0) return;
        var waiting = _device.RemotePassWaiters.Order().ToList();
        _device.RemotePassWaiters.Clear();
        foreach (int q in waiting) _owner.ResumeQueue(q);
    }

    private void TryServePass()
    {
        if (_busy) { _again = true; return; }
        if (!_device.TryGetServable(_index, out var queue) && !(_draining && TryGetDrainable(out queue))) return;
        if (!ReferenceEquals(queue, _countedQueue))
        {
            ResetBaseline(queue);
            _atBackend.Clear(); // a reset queue's chains are gone; late replies for them are refused
        }
        if (IsReceiveQueue && _rxBacklog.Count == 0) return; // receive buffers wait for frames
        if (!_device.Access.IsLocal && !Fetch(queue)) return; // the pass runs when the bytes it reads are here
        // The pass right after a corruption serves the ring: a repeated fault must not corrupt for ever without a pass.
        bool justCorrupted = _corrupted;
        _corrupted = false;
        if (!_draining && _armedFault is { } fault && !justCorrupted && HasWorkFor(fault.Kind, queue)
            && (!fault.Repeat || _faultDraws!.NextDouble() < fault.Probability) && Corrupt(queue, fault.Kind))
        {
            if (fault.Repeat) _device.Metrics.Add(FleetCounter.FaultsInjected);
            else _armedFault = null;
            return;
        }
        Serve(queue);
    }

    // A fault is written at a pass that has work for it: one that takes a chain, or, for event suppression, one that
    // completes some (a blk device completes its backend's replies, other devices the chains they take), so the
    // corrupted field is read by that pass's interrupt check before the driver rewrites it.
    private bool HasWorkFor(FaultKind fault, IDeviceQueue queue) =>
        fault switch
        {
            FaultKind.CorruptUsedIndex => false, // written after a pass, before its interrupt (OnPassDone)
            FaultKind.CorruptEventSuppression when _device.Handler is BlkDevice => _atBackend.HasReady,
            _ => queue.HasAvailable(),
        };

    // A device on another node: asks the host for what the pass will read and is not here yet (DMA reads carrying the
    // bytes back); true when nothing is missing. A new pass starts from nothing: what an earlier one fetched is stale.
    private bool Fetch(IDeviceQueue queue)
    {
        if (!_continuingPass) _device.Access.EndPass();
        _missing.Clear();
        if (_device.Access.Prepare(queue, _missing)) return true;
        foreach (var (address, length) in _missing)
        {
            ulong tag = NextTag();
            _fetches[tag] = address;
            _device.Host.Tell(new DmaRead(tag, _device.Pasid, address, length), _owner.Self);
        }
        _busy = true;
        ArmDmaTimer();
        return false;
    }

    private void Serve(IDeviceQueue queue)
    {
        if (_device.Handler is BlkDevice)
        {
            // Without its backend (stopped after too many restarts) a blk device cannot serve: chains stay available.
            if (_owner.Backend is not null) ServeThroughBackend(queue);
            return;
        }
        int completed;
        bool interrupt;
        QueueErrorKind error = QueueErrorKind.None;
        string? reason = null;
        if (IsReceiveQueue)
        {
            (completed, interrupt, var e) = DeliverBacklog(_device.Net!, queue);
            if (e.IsError) { error = e.Kind; reason = e.Reason; }
        }
        else
        {
            var result = _device.Handler.ProcessQueue(_index, queue);
            completed = result.Completed;
            interrupt = result.Interrupt;
            if (result.Error.IsError) { error = result.Error.Kind; reason = result.Error.Reason; }
        }
        if (error != QueueErrorKind.None)
            _owner.OnQueueFault(_index, reason ?? error.ToString());
        // A net device with a backend actor charges only its DMA here: the backend charges each frame's service time
        // (both ways), as a blk backend does. Without one (not cabled) the device serves the frames itself.
        ChargeTime(queue, completed, interrupt, chargeService: _device.Uplink?.Backend is null);
    }

    private void ServeThroughBackend(IDeviceQueue queue)
    {
        var memory = queue.Memory;
        int completed = 0;
        QueueError error = QueueError.None;
        while (_atBackend.TryTakeReady(out var chain, out var reply))
        {
            if (reply.Writable.Length > 0 && !chain.TryWrite(memory, 0, reply.Writable))
            {
                // The reply cannot reach guest memory (an IOMMU fault since the chain was popped): the request is not
                // completed, the device needs a reset and the driver resubmits it.
                _device.Metrics.Add(FleetCounter.DmaFaults);
                _owner.OnQueueFault(_index, $"DMA fault writing request {reply.Tag >> 8}'s reply: {memory.LastFault.Kind} at 0x{memory.LastFault.Address:x}");
                return;
            }
            if (!queue.TryComplete(chain, reply.Written)) { error = queue.Error; break; }
            completed++;
        }
        var backend = _owner.Backend!;
        var features = _device.Model.NegotiatedFeatures;
        bool writeback = ((BlkDevice)_device.Handler).Writeback;
        while (!error.IsError && !_draining) // a stop's write-back takes no new chain
        {
            var pop = queue.TryPop(out var chain);
            if (pop == PopResult.Empty) break;
            if (pop == PopResult.Broken) { error = queue.Error; break; }
            if (chain.ReadableLength > MaxBackendRequestBytes || chain.WritableLength > MaxBackendRequestBytes)
            {
                // No status byte can be placed for a request this size; it completes empty, as a chain without one does.
                if (!queue.TryComplete(chain, 0)) { error = queue.Error; break; }
                completed++;
                continue;
            }
            byte[] readable = chain.ReadableLength == 0 ? [] : new byte[chain.ReadableLength];
            // A fault reading the request sends it short: the backend's core answers IOERR for a short header.
            if (readable.Length > 0 && !chain.TryRead(memory, 0, readable)) readable = [];
            var request = new BackendRequest(_tagEpoch | (++_backendSequence << 8) | (uint)_index, (ushort)_index, features.Low, features.High, writeback,
                (uint)chain.WritableLength, readable);
            _atBackend.Add(chain, request);
            backend.Tell(request, _owner.Self);
            _device.Metrics.Add(FleetCounter.BackendRequests);
        }
        bool interrupt = completed > 0 && queue.PublishUsed();
        if (error.IsError) _owner.OnQueueFault(_index, error.Reason);
        ChargeTime(queue, completed, interrupt, chargeService: false);
    }

    private (int Completed, bool Interrupt, QueueError Error) DeliverBacklog(NetDevice net, IDeviceQueue queue)
    {
        int delivered = 0;
        bool interrupt = false;
        while (_rxBacklog.Count > 0)
        {
            var r = net.ReceiveFrame(_rxBacklog.Peek(), _index, queue);
            interrupt |= r.Interrupt;
            if (r.Status is NetReceiveStatus.NoBuffer or NetReceiveStatus.QueueInactive) break;
            if (r.Status == NetReceiveStatus.QueueBroken) return (delivered, interrupt, r.Error);
            _rxBacklog.Dequeue();
            if (r.Status == NetReceiveStatus.Delivered) delivered++;
        }
        return (delivered, interrupt, QueueError.None);
    }

    // The pass's device transactions (counter deltas since the last pass) cost time at the vendor's DMA latency and
    // parallelism, plus the service time when the device served the requests itself (a backend actor charges its own);
    // the host answers after that time.
    private void ChargeTime(IDeviceQueue queue, int completed, bool interrupt, bool chargeService)
    {
        var counters = queue.Memory.Counters;
        Span<long> reads = stackalloc long[Kinds.Length];
        Span<long> writes = stackalloc long[Kinds.Length];
        long transactions = 0;
        for (int i = 0; i < Kinds.Length; i++)
        {
            reads[i] = counters.Reads(Kinds[i]) - _seenReads[i];
            writes[i] = counters.Writes(Kinds[i]) - _seenWrites[i];
            _seenReads[i] += reads[i];
            _seenWrites[i] += writes[i];
            transactions += reads[i] + writes[i];
        }
        long readBytes = counters.ReadBytes(MemoryAccessKind.Data) - _seenBytes[0];
        long writeBytes = counters.WriteBytes(MemoryAccessKind.Data) - _seenBytes[1];
        _seenBytes[0] += readBytes;
        _seenBytes[1] += writeBytes;

        var timing = _device.Profile.Timing;
        int parallel = Math.Max(1, timing.ParallelTransactions * (_device.NotificationData ? Math.Max(1, timing.NotificationDataFetchBoost) : 1));
        long rounds = (transactions + parallel - 1) / parallel;
        long bytes = readBytes + writeBytes;
        long latency = rounds * timing.DmaLatencyPerTransaction.Ticks;
        if (chargeService) latency += completed * timing.PerRequestCost.Ticks + bytes * timing.PerKibCost.Ticks / 1024;
        if (_device.Arrived && completed > 0) _device.Metrics.Add(FleetCounter.ArrivedDeviceRequests, completed);
        if (_device.ShadowVirtqueue && completed > 0)
        {
            // The hypervisor relays the rings (vDPA's shadow virtqueue during a migration): each request costs it.
            latency += completed * timing.ShadowVirtqueueCost.Ticks;
            _device.Metrics.Add(FleetCounter.ShadowVirtqueueRequests, completed);
        }

        static uint U(long v) => (uint)Math.Clamp(v, 0, uint.MaxValue);
        int d = (int)MemoryAccessKind.Descriptor, ri = (int)MemoryAccessKind.RingIndex, re = (int)MemoryAccessKind.RingEntry,
            da = (int)MemoryAccessKind.Data, ev = (int)MemoryAccessKind.EventSuppression;
        _waitingTag = NextTag();
        var batch = new DmaBatch(_waitingTag, (ushort)_index, U(reads[d] + writes[d]), U(reads[ri] + writes[ri]), U(reads[re] + writes[re]),
            U(reads[da]), U(writes[da]), U(reads[ev] + writes[ev]), (ulong)bytes, latency);
        _busy = true;
        // A device on another node decided on the interrupt from the driver's event suppression as fetched before the
        // pass; the driver may have asked for interrupts since, and re-checked the used ring before the host applied
        // this pass's writes. It signals whenever it used buffers: a spurious interrupt costs a message, a missed one
        // stalls the queue.
        _interruptAfterBatch = interrupt || (!_device.Access.IsLocal && completed > 0);
        _passDidWork = completed > 0 || reads[d] > 0;
        SendWrites();
        _batchDone = false;
        _device.Host.Tell(batch, _owner.Self);
        ArmDmaTimer();
    }

    // A device on another node sends what the pass wrote back to guest memory, in the order written and before the
    // batch: the host applies them in that order, so the pass is done (and may interrupt) only once all are applied.
    private void SendWrites()
    {
        if (_device.Access.IsLocal) return;
        _writes.Clear();
        _device.Access.TakeWrites(_writes);
        foreach (var (address, data) in _writes)
        {
            ulong tag = NextTag();
            _writeTags.Add(tag);
            _device.Host.Tell(new DmaWrite(tag, _device.Pasid, address, data), _owner.Self);
        }
        // A write (an avail_event that enables notifications, say) may race with the driver: look at the ring again.
        _passDidWork |= _writes.Count > 0;
        _writes.Clear();
    }

    private void OnPassDone()
    {
        _busy = false;
        if (_draining) _interruptAfterBatch = false; // the stopped device signals at the destination, after the switchover
        _draining = false;
        if (_device.Profile.Timing.DmaTimeout > TimeSpan.Zero) _owner.CancelDmaTimer(_index);
        _device.Access.EndPass();
        if (!_device.Access.IsLocal) ReleaseRemotePass();
        _owner.FlushUplink();
        if (_interruptAfterBatch && TryCorruptUsedIndex()) return; // its write done, this runs again and interrupts
        if (_interruptAfterBatch) RaiseInterrupt();
        _interruptAfterBatch = false;
        bool again = _again;
        _again = false;
        if (!_device.TryGetServable(_index, out var queue)) return;
        // Chains made available during the pass: the local device looks at the ring; a remote one holds nothing of it
        // now, so after a pass that did work it fetches the ring again (its writes, avail_event among them, are applied
        // by then, so a driver that did not ring has buffers the new fetch sees).
        bool more = _device.Access.IsLocal ? queue.HasAvailable() : _passDidWork;
        // A receive queue waits for a doorbell when frames wait for buffers; a remote one also looks again after a pass
        // that did work, for buffers added while the host had not yet applied its avail_event.
        bool rxMore = again || (!_device.Access.IsLocal && _passDidWork);
        if (IsReceiveQueue ? rxMore && _rxBacklog.Count > 0 : again || _atBackend.HasReady || more) TryServe();
    }

    // Fault injection (used-index): after the pass wrote the used index and before it interrupts, the used index jumps
    // past the chains the driver has in flight, so the interrupted driver reads the bad index (the device's next pass
    // would write its own over it). Not twice in a row: the pass after a corruption serves the ring.
    private bool TryCorruptUsedIndex()
    {
        if (_draining || _corrupted || _armedFault is not { Kind: FaultKind.CorruptUsedIndex } fault) return false;
        if (!_device.TryGetServable(_index, out var queue)) return false;
        var state = queue.SaveState();
        if (state.Config.Format != QueueFormat.Split) return false;
        if (fault.Repeat && _faultDraws!.NextDouble() >= fault.Probability) return false;
        if (fault.Repeat) _device.Metrics.Add(FleetCounter.FaultsInjected);
        else _armedFault = null;
        var jumped = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(jumped, (ushort)(state.NextUsed + state.Config.Size + 1));
        WriteRing(state.Config.DeviceArea + Virtsim.Virtio.Queues.Split.SplitLayout.UsedIndexOffset, jumped);
        return true;
    }

    private void RaiseInterrupt()
    {
        var window = _device.Profile.Timing.InterruptCoalescing;
        if (window <= TimeSpan.Zero) _owner.OnUsedBuffers(_index);
        else _owner.StartCoalesceTimer(_index, window);
    }

    private void ResetBaseline(IDeviceQueue queue)
    {
        _countedQueue = queue;
        var c = queue.Memory.Counters;
        for (int i = 0; i < Kinds.Length; i++)
        {
            _seenReads[i] = c.Reads(Kinds[i]);
            _seenWrites[i] = c.Writes(Kinds[i]);
        }
        _seenBytes[0] = c.ReadBytes(MemoryAccessKind.Data);
        _seenBytes[1] = c.WriteBytes(MemoryAccessKind.Data);
    }

    // Fault injection: the device's DMA engine writes the armed fault's bad bytes into guest memory, through the host like
    // any DMA, then serves the ring again (_again), which finds it corrupted. False when there is nothing to corrupt
    // (a packed ring has no available index; a chain without device-readable data), so the pass serves as usual.
    private bool Corrupt(IDeviceQueue queue, FaultKind fault)
    {
        var state = queue.SaveState();
        var config = state.Config;
        var memory = queue.Memory.Memory;
        switch (fault)
        {
            case FaultKind.CorruptAvailIndex:
            {
                // idx sits at DriverArea + 2; a jump of more than the queue size past the chains taken is out of range (spec 2.7.13.3).
                if (config.Format != QueueFormat.Split) return false;
                var jumped = new byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(jumped, (ushort)(state.NextAvail + config.Size + 1));
                WriteRing(config.DriverArea + 2, jumped);
                return true;
            }
            case FaultKind.CorruptEventSuppression:
            {
                // Legal values that say "no interrupt" (spec 2.7.7.2, 2.8.10): used_event half the index range past the
                // used index; without EVENT_IDX the avail flags' NO_INTERRUPT; a packed ring's driver flags at DISABLE.
                var bad = new byte[2];
                ulong at;
                if (config.Format == QueueFormat.Packed)
                {
                    at = config.DriverArea + Virtsim.Virtio.Queues.Packed.PackedLayout.EventFlagsOffset;
                    BinaryPrimitives.WriteUInt16LittleEndian(bad, (ushort)Virtsim.Virtio.Queues.Packed.EventSuppressionMode.Disable);
                }
                else if (config.EventIdx)
                {
                    at = config.DriverArea + Virtsim.Virtio.Queues.Split.SplitLayout.UsedEventOffset(config.Size);
                    BinaryPrimitives.WriteUInt16LittleEndian(bad, (ushort)(state.NextUsed + 0x8000));
                }
                else
                {
                    at = config.DriverArea + Virtsim.Virtio.Queues.Split.SplitLayout.AvailFlagsOffset;
                    BinaryPrimitives.WriteUInt16LittleEndian(bad, Virtsim.Virtio.Queues.Split.SplitLayout.AvailNoInterrupt);
                }
                WriteRing(at, bad);
                return true;
            }
            case FaultKind.CorruptData:
            {
                // One bit of the middle byte of the chain's last device-readable buffer.
                if (ChainData.LastReadable(memory, state) is not { } data) return false;
                ulong at = data.Address + data.Length / 2;
                if (!memory.TryReadU8(at, out byte value)) return false;
                WriteRing(at, [(byte)(value ^ 0x01)]);
                return true;
            }
            default:
            {
                ulong descriptor;
                if (config.Format == QueueFormat.Split)
                {
                    int slot = state.NextAvail % config.Size;
                    if (!memory.TryReadU16(config.DriverArea + 4 + 2 * (ulong)slot, out ushort head)) return false;
                    descriptor = config.DescriptorArea + (ulong)(head % config.Size) * 16;
                }
                else
                {
                    descriptor = config.DescriptorArea + (ulong)(state.NextAvail % config.Size) * 16;
                }
                var bad = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(bad, 1UL << 40);
                WriteRing(descriptor, bad);
                return true;
            }
        }
    }

    private void WriteRing(ulong address, byte[] bytes)
    {
        _corrupted = true;
        _busy = true;
        _again = true;
        _waitingTag = NextTag();
        _batchDone = false;
        _device.Host.Tell(new DmaWrite(_waitingTag, _device.Pasid, address, bytes), _owner.Self);
    }
}
