using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// One vring as the front-end programs it (size, addresses, base, kick / call / error eventfds, enable) and,
/// while started, the device-side <see cref="IDeviceQueue"/> built by <see cref="Virtqueue"/> over the mapped
/// memory. Stopped, started-but-disabled and started-and-enabled are the spec's three ring states.
/// </summary>
public sealed class Vring : IDisposable
{
    /// <summary>Creates ring <paramref name="index"/> in the stopped state.</summary>
    public Vring(int index) => Index = index;

    /// <summary>
    /// Under IN_ORDER the ring may publish one used entry per batch (see
    /// <see cref="VhostUserDevice.BatchesInOrderCompletions"/>); without an in-flight tracker only, which needs each written.
    /// </summary>
    public bool BatchesInOrderCompletions { get; init; }

    /// <summary>The ring index.</summary>
    public int Index { get; }

    /// <summary>Size from SET_VRING_NUM (0 until set).</summary>
    public ushort Size { get; set; }

    /// <summary>Addresses from SET_VRING_ADDR, or null until set.</summary>
    public VringAddress? Address { get; set; }

    /// <summary>The value of SET_VRING_BASE (split: next avail index; packed: index, wrap bit 15, optional used half).</summary>
    public uint Base { get; set; }

    /// <summary>The kick eventfd, or null.</summary>
    public EventFd? Kick { get; private set; }

    /// <summary>True when SET_VRING_KICK came (with an fd or with NOFD, meaning: poll the ring).</summary>
    public bool KickSet { get; private set; }

    /// <summary>The call eventfd, or null (no interrupts).</summary>
    public EventFd? Call { get; private set; }

    /// <summary>The error eventfd, or null.</summary>
    public EventFd? Err { get; private set; }

    /// <summary>SET_VRING_ENABLE state.</summary>
    public bool Enabled { get; set; }

    /// <summary>The device-side queue while started, else null.</summary>
    public IDeviceQueue? Queue { get; private set; }

    /// <summary>True while started.</summary>
    public bool Started => Queue != null;

    /// <summary>True when the queue was found broken; it is not served until restarted.</summary>
    public bool Broken { get; private set; }

    /// <summary>Interrupts signalled on <see cref="Call"/>.</summary>
    public long Calls { get; private set; }

    /// <summary>The state saved when the ring last stopped (for GET_VRING_BASE and remapping).</summary>
    public QueueState? Saved { get; private set; }

    /// <summary>
    /// True while the session busy-polls this ring: it had work, so the driver's doorbells are suppressed and the
    /// ring is served every round until it stays empty for the session's polling budget.
    /// </summary>
    public bool Polling { get; private set; }

    /// <summary>When (Stopwatch timestamp) the ring last had work while polling.</summary>
    public long LastWork { get; set; }

    /// <summary>True when the last poll of the session reported the kick eventfd readable.</summary>
    internal bool KickReady { get; set; }

    /// <summary>
    /// The ring has buffers to serve without a doorbell from the driver (enabled with buffers already available,
    /// requests resubmitted from the in-flight region): served at the next round once the device may consume buffers.
    /// </summary>
    internal bool ServePending { get; set; }

    /// <summary>
    /// The kick eventfd was seen empty since the ring started: a doorbell after that is the driver's, not one left
    /// pending in the eventfd before it was handed over.
    /// </summary>
    internal bool SeenQuiet { get; set; }

    /// <summary>Starts polling: doorbells off (NO_NOTIFY, avail_event or the device event suppression area).</summary>
    public void StartPolling(long now)
    {
        LastWork = now;
        if (Polling || Queue == null) return;
        Queue.SetNotifications(false);
        Polling = true;
    }

    /// <summary>
    /// Stops polling: doorbells on again, then one more look, because the driver may have made buffers available
    /// before it could see that (the spec's notification race). Returns true when it did, so polling goes on.
    /// </summary>
    public bool StopPolling(long now)
    {
        if (!Polling || Queue == null) return false;
        Queue.SetNotifications(true);
        Polling = false;
        if (!Queue.HasAvailable()) return false;
        StartPolling(now);
        return true;
    }

    /// <summary>
    /// Ends polling for a ring that will not be served for now (disabled or stopped): doorbells on again, without
    /// the second look of <see cref="StopPolling"/>, since nothing would serve what it found.
    /// </summary>
    public void EndPolling()
    {
        if (!Polling) return;
        Queue?.SetNotifications(true);
        Polling = false;
    }

    /// <summary>The in-flight tracker of this ring's shared area (INFLIGHT_SHMFD) for a split ring, or null.</summary>
    public SplitInflightTracker? Inflight { get; set; }

    /// <summary>The in-flight tracker of this ring's shared area (INFLIGHT_SHMFD) for a packed ring, or null.</summary>
    public PackedInflightTracker? PackedInflight { get; set; }

    // Packed chains recovered but not popped yet when the ring stopped for a remap; queued again on resume.
    private PackedDescriptor[][] _pendingPackedResubmits = [];

    /// <summary>Heads taken from the in-flight area at the last fresh start, to be served before new available entries.</summary>
    public int Resubmitted { get; private set; }

    // Resubmitted heads not popped yet when the ring stopped for a remap; they are queued again on resume.
    private ushort[] _pendingResubmits = [];

    /// <summary>Replaces the kick fd (null with NOFD: polling).</summary>
    public void SetKick(EventFd? kick)
    {
        Kick?.Dispose();
        Kick = kick;
        KickSet = true;
    }

    /// <summary>Replaces the call fd.</summary>
    public void SetCall(EventFd? call)
    {
        Call?.Dispose();
        Call = call;
    }

    /// <summary>Replaces the error fd.</summary>
    public void SetErr(EventFd? err)
    {
        Err?.Dispose();
        Err = err;
    }

    /// <summary>True when size, addresses and kick are all set.</summary>
    public bool IsConfigured => Size != 0 && Address != null && KickSet;

    /// <summary>
    /// Starts the ring over <paramref name="map"/>: translates the addresses, builds the queue configuration for the
    /// negotiated <paramref name="features"/> and creates the device-side queue positioned at <see cref="Base"/>
    /// (or at <paramref name="resume"/> when continuing after a remap).
    /// </summary>
    /// <exception cref="VhostUserProtocolException">A ring area lies outside the memory table, or the size is invalid.</exception>
    public void Start(GuestMemoryMap map, FeatureSet features, DirtyLog? log, QueueState? resume = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var config = BuildConfig(map, features);
        var memory = new DeviceMemory(map.Memory, dirtyLog: log);
        QueueState state = resume is null ? InitialState(config, memory) : resume with { Config = config };
        var tracker = config.Format == QueueFormat.Split ? Inflight : null;
        ushort[] resubmit = resume is null ? [] : _pendingResubmits;
        if (tracker != null && resume is null)
        {
            if (tracker.QueueSize != config.Size)
                throw new VhostUserProtocolException(VhostUserRequest.SetVringNum, $"ring {Index} size {config.Size} differs from the inflight region's {tracker.QueueSize}");
            // Heads the previous back-end took but never returned are redone first; the device then continues
            // past them in the available ring (used index + heads still in flight).
            resubmit = tracker.Recover(state.NextUsed);
            state = state with { NextAvail = (ushort)(state.NextUsed + resubmit.Length) };
            Resubmitted = resubmit.Length;
        }
        var packedTracker = config.Format == QueueFormat.Packed ? PackedInflight : null;
        PackedDescriptor[][] packedResubmit = resume is null ? [] : _pendingPackedResubmits;
        if (packedTracker != null && resume is null)
        {
            if (packedTracker.QueueSize != config.Size)
                throw new VhostUserProtocolException(VhostUserRequest.SetVringNum, $"ring {Index} size {config.Size} differs from the inflight region's {packedTracker.QueueSize}");
            // The area, not SET_VRING_BASE, knows where the previous back-end stopped: the used position after its
            // last completion (committed or rolled back) and the available position past every chain in flight.
            var recovery = packedTracker.Recover(new RingPosition(state.NextUsed, state.UsedWrapCounter),
                PackedInflightTracker.RingSlotFlags(map.Memory, config.DescriptorArea));
            packedResubmit = recovery.Chains;
            state = recovery.Apply(state);
            Resubmitted = packedResubmit.Length;
        }
        IDeviceQueue queue;
        try { queue = Virtqueue.RestoreDevice(state, memory); }
        catch (ArgumentException e) { throw new VhostUserProtocolException(VhostUserRequest.SetVringBase, $"ring {Index}: {e.Message}"); }
        // Under IN_ORDER, rings whose buffers the device only reads (net transmit) publish one used entry per batch:
        // DPDK's in-order transmit cleanup counts the used index (split) or walks to the id it finds (packed). Rings
        // the device writes into keep one per buffer: DPDK's receive path reads every length. The in-flight
        // tracking queues wrapped around the core below turn off what their area cannot follow.
        if (queue is SplitDeviceQueue split)
        {
            split.BatchInOrder = BatchesInOrderCompletions && config.InOrder;
            foreach (ushort head in resubmit) split.Resubmit(head);
        }
        if (queue is PackedDeviceQueue packed)
        {
            // Used descriptors go into the cache lines the driver is filling: write them in bursts, not per buffer
            // (and one per batch as above).
            packed.DeferUsed = true;
            packed.BatchInOrder = BatchesInOrderCompletions && config.InOrder;
            packed.PrefetchAhead = true; // the driver fills the ring from another core
            foreach (var chain in packedResubmit) packed.Resubmit(chain);
        }
        _pendingResubmits = [];
        _pendingPackedResubmits = [];
        Queue = tracker != null ? new InflightTrackingQueue(queue, tracker)
            : packedTracker != null ? new PackedInflightTrackingQueue((PackedDeviceQueue)queue, packedTracker) : queue;
        Polling = false;
        // A back-end that died while polling left doorbells off in the ring; a fresh start turns them on.
        if (resume is null && !queue.Error.IsError) queue.SetNotifications(true);
        // The driver kicked for these long ago and may not kick again: they are served without a doorbell.
        if (resume is null && resubmit.Length + packedResubmit.Length > 0) ServePending = true;
        SeenQuiet = false;
        Broken = queue.Error.IsError;
        Saved = null;
    }

    /// <summary>Stops the ring, keeping its state in <see cref="Saved"/>; returns it (null when it was not started).</summary>
    public QueueState? Stop()
    {
        if (Queue == null) return Saved;
        EndPolling(); // a stopped ring must not leave the driver's doorbells off
        if (Queue is InflightTrackingQueue { Inner: SplitDeviceQueue split }) _pendingResubmits = split.PendingResubmits;
        if (Queue is PackedInflightTrackingQueue packed) _pendingPackedResubmits = packed.Inner.PendingResubmits;
        Saved = Queue.SaveState();
        Queue = null;
        return Saved;
    }

    /// <summary>The GET_VRING_BASE value: split next avail; packed avail index | wrap 15 | used index 16-30 | used wrap 31.</summary>
    public uint BaseValue()
    {
        var s = Saved;
        if (s == null) return Base;
        if (s.Config.Format == QueueFormat.Split) return s.NextAvail;
        return PackedVringBase.Encode(new RingPosition(s.NextAvail, s.AvailWrapCounter), new RingPosition(s.NextUsed, s.UsedWrapCounter));
    }

    /// <summary>Signals the call fd (if any).</summary>
    public void Interrupt()
    {
        if (Call != null && Call.Signal()) Calls++;
    }

    /// <summary>Marks the queue broken and signals the error fd.</summary>
    public void MarkBroken()
    {
        Broken = true;
        Err?.Signal();
    }

    /// <summary>Forgets the configuration and closes the fds (RESET_DEVICE, GET_VRING_BASE).</summary>
    public void Reset(bool keepConfig)
    {
        Queue = null;
        Broken = false;
        Polling = false;
        _pendingResubmits = [];
        _pendingPackedResubmits = [];
        SetKick(null);
        KickSet = false;
        SetCall(null);
        SetErr(null);
        if (keepConfig) return;
        Size = 0;
        Address = null;
        Base = 0;
        Enabled = false;
        Saved = null;
    }

    /// <summary>Closes the fds and forgets the in-flight tracker.</summary>
    public void Dispose()
    {
        Reset(keepConfig: false);
        Inflight = null;
        PackedInflight = null;
    }

    private QueueConfig BuildConfig(GuestMemoryMap map, FeatureSet features)
    {
        const VhostUserRequest r = VhostUserRequest.SetVringAddr;
        var address = Address ?? throw new VhostUserProtocolException(r, $"ring {Index} has no addresses");
        bool packed = features.Has(FeatureBit.RingPacked);
        int size = Size;
        if (size == 0 || size > QueueConfig.MaxSize) throw new VhostUserProtocolException(VhostUserRequest.SetVringNum, $"ring {Index} size {size} is outside 1..{QueueConfig.MaxSize}");
        ulong descLength = packed ? PackedLayout.RingBytes(size) : SplitLayout.DescriptorTableBytes(size);
        ulong driverLength = packed ? PackedLayout.EventSuppressionSize : SplitLayout.AvailRingBytes(size);
        ulong deviceLength = packed ? PackedLayout.EventSuppressionSize : SplitLayout.UsedRingBytes(size);
        ulong desc = Translate(map, address.Descriptor, descLength, "descriptor area");
        ulong driver = Translate(map, address.Available, driverLength, packed ? "driver event area" : "available ring");
        ulong device = Translate(map, address.Used, deviceLength, packed ? "device event area" : "used ring");
        var config = new QueueConfig(packed ? QueueFormat.Packed : QueueFormat.Split, (ushort)size, desc, driver, device, features);
        string? invalid = config.Validate();
        if (invalid != null) throw new VhostUserProtocolException(r, $"ring {Index}: {invalid}");
        return config;
    }

    private ulong Translate(GuestMemoryMap map, ulong user, ulong length, string what)
    {
        if (!map.TryTranslateUser(user, length, out ulong gpa))
            throw new VhostUserProtocolException(VhostUserRequest.SetVringAddr, $"ring {Index} {what} at user address 0x{user:x} (+0x{length:x}) is outside the memory table");
        return gpa;
    }

    private QueueState InitialState(QueueConfig config, DeviceMemory memory)
    {
        if (config.Format == QueueFormat.Split)
        {
            ushort next = (ushort)Base;
            // The used index in memory says where the device stopped; buffers popped but never used are served again.
            ushort used = memory.Memory.TryReadU16(config.DeviceArea + 2, out ushort idx) ? idx : next;
            if (used != next) next = used;
            return new QueueState { Config = config, NextAvail = next, NextUsed = used, SignalledUsed = used };
        }
        // A base without a used half (0x8000 for a fresh ring) decodes as PackedVringBase.Fresh does.
        var (nextAvail, nextUsed) = PackedVringBase.Decode(Base);
        if (nextAvail.Slot >= config.Size || nextUsed.Slot >= config.Size)
            throw new VhostUserProtocolException(VhostUserRequest.SetVringBase, $"ring {Index} base 0x{Base:x} is outside the ring of {config.Size}");
        return new QueueState
        {
            Config = config, NextAvail = nextAvail.Slot, AvailWrapCounter = nextAvail.Wrap,
            NextUsed = nextUsed.Slot, UsedWrapCounter = nextUsed.Wrap, SignalledUsed = nextUsed.Slot, SignalledUsedWrap = nextUsed.Wrap,
        };
    }
}
