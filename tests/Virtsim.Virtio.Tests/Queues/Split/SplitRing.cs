using System.Buffers.Binary;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>A split ring laid out in a fresh guest memory, with raw byte helpers that play a mock peer.</summary>
internal sealed class SplitRing
{
    public const ulong Desc = 0x1000;

    public SplitRing(ushort size, FeatureSet features, int maxIndirect = 8, int dataBytes = 0x10000)
    {
        Size = size;
        MaxIndirect = Math.Min(maxIndirect, size);
        Avail = Desc + (ulong)size * 16;
        Used = Align(Avail + 6 + 2UL * size, 4);
        Indirect = Align(Used + 6 + 8UL * size, 4096);
        Data = Align(Indirect + (ulong)size * (ulong)Math.Max(1, MaxIndirect) * 16, 4096);
        End = Data + (ulong)dataBytes;
        Memory = GuestMemory.WithArray((int)End);
        Config = new QueueConfig(QueueFormat.Split, size, Desc, Avail, Used, features);
    }

    public static FeatureSet Features(bool indirect = false, bool eventIdx = false, bool inOrder = false)
    {
        var f = FeatureSet.Of(FeatureBit.Version1);
        if (indirect) f = f.With(FeatureBit.IndirectDesc);
        if (eventIdx) f = f.With(FeatureBit.EventIdx);
        if (inOrder) f = f.With(FeatureBit.InOrder);
        return f;
    }

    public ushort Size { get; }
    public int MaxIndirect { get; }
    public ulong Avail { get; }
    public ulong Used { get; }
    public ulong Indirect { get; }
    public ulong Data { get; }
    public ulong End { get; }
    public GuestMemory Memory { get; }
    public QueueConfig Config { get; }

    public static ulong Align(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);

    public SplitDeviceQueue Device(DeviceMemory? memory = null) => new(Config, memory ?? new DeviceMemory(Memory));

    public SplitDriverQueue Driver(ushort start = 0) => new(Config, Memory, Indirect, MaxIndirect, start);

    // ---- raw writes, as a mock driver ----
    public void WriteDescriptor(ulong table, int index, ulong addr, uint len, ushort flags, ushort next)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(b, addr);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], len);
        BinaryPrimitives.WriteUInt16LittleEndian(b[12..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(b[14..], next);
        Assert.True(Memory.TryWrite(table + (ulong)index * 16, b));
    }

    public void WriteDescriptor(int index, ulong addr, uint len, ushort flags, ushort next) =>
        WriteDescriptor(Desc, index, addr, len, flags, next);

    public void WriteAvailEntry(int slot, ushort head) => Assert.True(Memory.TryWriteU16(Avail + 4 + 2UL * (ulong)slot, head));

    public void SetAvailIdx(ushort idx) => Assert.True(Memory.TryWriteU16(Avail + 2, idx));

    /// <summary>Offers the heads as the next available entries from <paramref name="startIdx"/> and publishes them.</summary>
    public void Offer(ushort startIdx, params ushort[] heads)
    {
        for (int i = 0; i < heads.Length; i++) WriteAvailEntry((startIdx + i) % Size, heads[i]);
        SetAvailIdx((ushort)(startIdx + heads.Length));
    }

    public void WriteUsedElement(int slot, uint id, uint len)
    {
        Assert.True(Memory.TryWriteU32(Used + 4 + 8UL * (ulong)slot, id));
        Assert.True(Memory.TryWriteU32(Used + 8 + 8UL * (ulong)slot, len));
    }

    public void SetUsedIdx(ushort idx) => Assert.True(Memory.TryWriteU16(Used + 2, idx));

    // ---- raw reads ----
    public ushort U16(ulong address) { Assert.True(Memory.TryReadU16(address, out var v)); return v; }
    public uint U32(ulong address) { Assert.True(Memory.TryReadU32(address, out var v)); return v; }
    public ulong U64(ulong address) { Assert.True(Memory.TryReadU64(address, out var v)); return v; }

    public ushort AvailFlags => U16(Avail);
    public ushort AvailIdx => U16(Avail + 2);
    public ushort AvailEntry(int slot) => U16(Avail + 4 + 2UL * (ulong)slot);
    public ushort UsedEvent => U16(Avail + 4 + 2UL * Size);
    public ushort UsedFlags => U16(Used);
    public ushort UsedIdx => U16(Used + 2);
    public (uint Id, uint Len) UsedElement(int slot) => (U32(Used + 4 + 8UL * (ulong)slot), U32(Used + 8 + 8UL * (ulong)slot));
    public ushort AvailEvent => U16(Used + 4 + 8UL * Size);
}
