using System.Buffers.Binary;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>A guest memory with a packed ring, its driver side and its device side, for tests.</summary>
internal sealed class PackedRig
{
    public const ulong DriverArea = 0x1000;
    public const ulong DeviceArea = 0x1004;
    public const ulong Ring = 0x2000;          // room for 3584 descriptors
    public const ulong IndirectArea = 0x10000; // room for 257 tables of 6 entries
    public const ulong DataArea = 0x20000;     // 4 KiB data windows
    public const int MemorySize = 0x130000;

    public PackedRig(ushort size, bool indirect = false, bool eventIdx = false, bool inOrder = false, int maxIndirect = 8,
        GuestMemory? memory = null, IommuDomain? domain = null)
    {
        Memory = memory ?? GuestMemory.WithArray(MemorySize);
        Config = MakeConfig(size, indirect, eventIdx, inOrder);
        Driver = new PackedDriverQueue(Config, Memory, IndirectArea, indirect ? Math.Min(maxIndirect, (int)size) : 0);
        DeviceMemory = new DeviceMemory(Memory, domain);
        Device = new PackedDeviceQueue(Config, DeviceMemory);
    }

    public static QueueConfig MakeConfig(ushort size, bool indirect = false, bool eventIdx = false, bool inOrder = false, ulong ring = Ring)
    {
        var features = FeatureSet.Of(FeatureBit.Version1, FeatureBit.RingPacked);
        if (indirect) features = features.With(FeatureBit.IndirectDesc);
        if (eventIdx) features = features.With(FeatureBit.EventIdx);
        if (inOrder) features = features.With(FeatureBit.InOrder);
        return new QueueConfig(QueueFormat.Packed, size, ring, DriverArea, DeviceArea, features);
    }

    public GuestMemory Memory { get; }
    public QueueConfig Config { get; }
    public PackedDriverQueue Driver { get; }
    public DeviceMemory DeviceMemory { get; private set; }
    public PackedDeviceQueue Device { get; set; }

    /// <summary>Replaces the device side with one restored from its saved state (fresh counters).</summary>
    public void RestoreDevice()
    {
        var state = Device.SaveState();
        DeviceMemory = new DeviceMemory(Memory, DeviceMemory.Domain, DeviceMemory.DirtyLog);
        Device = PackedDeviceQueue.Restore(state, DeviceMemory);
    }

    public byte[] Raw(ulong address, int length)
    {
        var bytes = new byte[length];
        Assert.True(Memory.TryRead(address, bytes));
        return bytes;
    }

    public byte[] RawSlot(int slot) => Raw(Ring + (ulong)slot * 16, 16);

    /// <summary>Writes a descriptor into ring slot <paramref name="slot"/> byte by byte, flags last.</summary>
    public void WriteSlot(int slot, ulong address, uint length, ushort id, ushort flags) =>
        WriteDescriptor(Ring + (ulong)slot * 16, address, length, id, flags);

    public void WriteDescriptor(ulong at, ulong address, uint length, ushort id, ushort flags)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, address);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(12), id);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(14), flags);
        Assert.True(Memory.TryWrite(at, bytes));
    }

    public void WriteDriverEvent(ushort offWrap, ushort flags)
    {
        Assert.True(Memory.TryWriteU16(DriverArea, offWrap));
        Assert.True(Memory.TryWriteU16(DriverArea + 2, flags));
    }

    public void WriteDeviceEvent(ushort offWrap, ushort flags)
    {
        Assert.True(Memory.TryWriteU16(DeviceArea, offWrap));
        Assert.True(Memory.TryWriteU16(DeviceArea + 2, flags));
    }

    public const ushort Avail1 = 0x80;      // available while wrap counter is 1
    public const ushort Avail0 = 0x8000;    // available while wrap counter is 0
    public const ushort Used1 = 0x8080;     // used while wrap counter is 1
    public const ushort Used0 = 0;          // used while wrap counter is 0
    public const ushort Next = 1, Write = 2, Indirect = 4;
}
