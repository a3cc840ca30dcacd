using Virtsim.Fleet.Drivers;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;

namespace Virtsim.Experiments.Interop;

/// <summary>
/// Virtsim's in-process driver for one <see cref="InProcessDevice"/>, step by step (spec 3.1.1): reset, negotiate
/// (the offer, less what the driver does not want and what its quirk table masks), set up queues, DRIVER_OK, add
/// chains, kick, take used buffers. Kernel style (<see cref="DriverMode.Interrupt"/>) it takes used buffers only after
/// an interrupt (the queue's MSI-X vector, or the MMIO line, acknowledged) and re-arms interrupts afterwards; poll mode
/// suppresses interrupts and reads the used rings directly. Rings live at 1 MiB + 256 KiB per queue; buffers from
/// <see cref="Allocate"/> at 16 MiB and up.
/// </summary>
public sealed class InProcessDriver
{
    private const ulong RingBase = 0x10_0000, RingStride = 0x4_0000, BufferBase = 0x100_0000;
    private const ulong MsiAddress = 0xFEE0_0000;

    /// <summary>Size of the guest memory a rig gives its driver (sparse: only touched pages cost memory).</summary>
    public const ulong MemorySize = 64UL << 20;

    private readonly InProcessDevice _device;
    private readonly FeatureSet _quirkMask;
    private readonly Dictionary<int, IDriverQueue> _queues = [];
    private readonly Dictionary<int, Queue<UsedBuffer>> _used = [];
    private ulong _nextBuffer = BufferBase;
    private bool _msixProgrammed;

    /// <summary>A driver of <paramref name="mode"/> for <paramref name="device"/>, masking <paramref name="quirkMask"/>.</summary>
    public InProcessDriver(InProcessDevice device, GuestMemory memory, DriverMode mode, FeatureSet quirkMask)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        Memory = memory ?? throw new ArgumentNullException(nameof(memory));
        Mode = mode;
        _quirkMask = quirkMask;
    }

    /// <summary>Guest memory (rings and buffers).</summary>
    public GuestMemory Memory { get; }

    /// <summary>Interrupt driven or poll mode.</summary>
    public DriverMode Mode { get; }

    /// <summary>The features in force after <see cref="Negotiate"/> (none before).</summary>
    public FeatureSet Features { get; private set; }

    /// <summary>The first ring error the driver saw (a used buffer the device wrote wrongly), or null.</summary>
    public string? RingError { get; private set; }

    /// <summary>Writes 0 to the status register (the device resets) and forgets the queues.</summary>
    public void Reset()
    {
        _device.Port.WriteStatus(DeviceStatus.None);
        _queues.Clear();
        _used.Clear();
        _msixProgrammed = false;
        Features = FeatureSet.None;
        RingError = null;
    }

    /// <summary>
    /// Resets the device, then ACKNOWLEDGE, DRIVER, reads the offer, writes the offer's features in
    /// <paramref name="wanted"/> less the quirk mask, sets FEATURES_OK and reads it back.
    /// </summary>
    public Negotiation Negotiate(FeatureSet wanted)
    {
        Reset();
        var port = _device.Port;
        if (port.ReadStatus() != DeviceStatus.None) return new Negotiation(false, FeatureSet.None, FeatureSet.None, FeatureSet.None, "the device did not reset");
        port.WriteStatus(DeviceStatus.Acknowledge);
        port.WriteStatus(DeviceStatus.Acknowledge | DeviceStatus.Driver);
        var offered = port.ReadDeviceFeatures();
        var masked = offered & wanted & _quirkMask;
        var accepted = (offered & wanted).Except(_quirkMask);
        if (!offered.Has(FeatureBit.Version1)) return new Negotiation(false, offered, FeatureSet.None, masked, "the device does not offer VERSION_1");
        port.WriteDriverFeatures(accepted);
        port.WriteStatus(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk);
        if (!port.ReadStatus().Has(DeviceStatus.FeaturesOk))
        {
            // A real driver sees only the bit; the simulator also knows why the device refused, which a report wants.
            string? why = _device.Model.LastStatusWrite.Reason;
            port.WriteStatus(port.ReadStatus() | DeviceStatus.Failed);
            return new Negotiation(false, offered, accepted, masked,
                $"FEATURES_OK did not stick for {FeatureNames.Format(accepted, port.DeviceType)}{(why is null ? "" : $" (the device: {why})")}");
        }
        Features = accepted;
        return new Negotiation(true, offered, accepted, masked, null);
    }

    /// <summary>The ring format in force: packed when RING_PACKED was negotiated.</summary>
    public QueueFormat Format => Features.Has(FeatureBit.RingPacked) ? QueueFormat.Packed : QueueFormat.Split;

    /// <summary>Programs queue <paramref name="index"/> with <paramref name="size"/> entries and enables it; returns why not, or null.</summary>
    public string? SetupQueue(int index, ushort size)
    {
        if (index < 0 || index >= 16) return $"queue index {index} is outside 0..15";
        if (_device.PciPort is { } pci && !_msixProgrammed)
        {
            pci.EnableMsix();
            for (int v = 0; v <= 16 && v < _device.Model.QueueCount + 1; v++) pci.ProgramMsixVector(v, MsiAddress, (uint)v);
            pci.SetConfigMsixVector(0);
            _msixProgrammed = true;
        }
        ushort max = _device.Port.ReadQueueMaxSize(index);
        if (max == 0) return $"queue {index} does not exist";
        if (size > max) return $"queue {index} holds at most {max}, {size} wanted";
        ulong descriptors = RingBase + (ulong)index * RingStride;
        var setup = new DriverQueueSetup(index, size, descriptors, descriptors + 0x1_0000, descriptors + 0x2_0000,
            _device.PciPort != null ? (ushort)(index + 1) : MsixVector.NoVector);
        var result = _device.Port.SetupQueue(setup);
        if (!result.Succeeded) return result.Reason ?? $"queue {index} did not enable";
        var queue = Virtqueue.CreateDriver(new QueueConfig(Format, size, setup.DescriptorArea, setup.DriverArea, setup.DeviceArea, Features), Memory);
        if (Mode == DriverMode.Poll) queue.SetInterrupts(false);
        _queues[index] = queue;
        _used[index] = new Queue<UsedBuffer>();
        return null;
    }

    /// <summary>Sets DRIVER_OK; returns why the device is not live, or null.</summary>
    public string? DriverOk()
    {
        var port = _device.Port;
        port.WriteStatus(port.ReadStatus() | DeviceStatus.DriverOk);
        var status = port.ReadStatus();
        if (status.Has(DeviceStatus.DeviceNeedsReset)) return $"DEVICE_NEEDS_RESET: {_device.NeedsResetReason}";
        return status.Has(DeviceStatus.DriverOk) ? null : $"DRIVER_OK did not stick (status {status.Describe()})";
    }

    /// <summary>The device status as the driver reads it.</summary>
    public DeviceStatus Status => _device.Port.ReadStatus();

    /// <summary>Reserves <paramref name="length"/> bytes of guest memory (4 KiB aligned) and returns its address.</summary>
    public ulong Allocate(int length)
    {
        ulong address = _nextBuffer;
        _nextBuffer += (ulong)((Math.Max(length, 1) + 4095) & ~4095);
        if (_nextBuffer > MemorySize) throw new InvalidOperationException($"guest memory is full ({MemorySize} bytes)");
        return address;
    }

    /// <summary>Adds a chain of <paramref name="segments"/> (device-readable first) to queue <paramref name="queue"/>; false when the ring is full.</summary>
    public bool Add(int queue, ReadOnlySpan<BufferSegment> segments, out ushort id) => Queue(queue).TryAdd(segments, false, out id);

    /// <summary>Makes the added chains visible and rings the doorbell when the device wants one (with NOTIFICATION_DATA when negotiated).</summary>
    public void Kick(int queue)
    {
        var q = Queue(queue);
        if (!q.PublishAvailable()) return;
        _device.Port.Notify(queue, Features.Has(FeatureBit.NotificationData) ? q.NotificationData((ushort)queue) : null);
    }

    /// <summary>
    /// The next used buffer of <paramref name="queue"/>, or null when none is to be had: poll mode reads the used ring;
    /// interrupt mode takes used buffers of every queue when an interrupt is pending (and re-arms interrupts), and
    /// otherwise sees nothing.
    /// </summary>
    public UsedBuffer? TakeUsed(int queue)
    {
        var pending = _used.TryGetValue(queue, out var p) ? p : throw new InvalidOperationException($"queue {queue} is not set up");
        if (pending.Count == 0)
        {
            if (Mode == DriverMode.Poll) Drain(queue);
            else if (_device.TakeInterrupt((ushort)(queue + 1)))
            {
                // MSI-X: a vector per queue. MMIO: one line for every queue, so the handler looks at them all.
                if (_device.PciPort != null) DrainAndRearm(queue);
                else foreach (var index in _queues.Keys) DrainAndRearm(index);
            }
        }
        return pending.Count > 0 ? pending.Dequeue() : null;
    }

    /// <summary>Writes <paramref name="bytes"/> into guest memory at <paramref name="address"/>.</summary>
    public void Write(ulong address, ReadOnlySpan<byte> bytes)
    {
        if (!Memory.TryWrite(address, bytes)) throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x} + {bytes.Length} is outside guest memory");
    }

    /// <summary>Reads <paramref name="length"/> bytes of guest memory at <paramref name="address"/>.</summary>
    public byte[] Read(ulong address, int length)
    {
        var bytes = new byte[length];
        if (!Memory.TryRead(address, bytes)) throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x} + {length} is outside guest memory");
        return bytes;
    }

    private IDriverQueue Queue(int index) =>
        _queues.TryGetValue(index, out var q) ? q : throw new InvalidOperationException($"queue {index} is not set up");

    private void DrainAndRearm(int index)
    {
        do Drain(index);
        while (_queues[index].SetInterrupts(true));
    }

    private void Drain(int index)
    {
        var q = _queues[index];
        while (true)
        {
            var take = q.TryTakeUsed(out var used);
            if (take == TakeResult.Empty) return;
            if (take == TakeResult.Broken)
            {
                RingError ??= $"queue {index}: {q.Error.Reason}";
                return;
            }
            _used[index].Enqueue(used);
        }
    }
}
