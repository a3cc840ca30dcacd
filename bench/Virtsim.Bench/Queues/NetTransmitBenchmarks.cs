using System.Buffers.Binary;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using Virtsim.Virtio.Queues.Split;

namespace Virtsim.Bench.Queues;

/// <summary>
/// The device side of the vhost-user txonly path alone: a <see cref="NetDevice"/> serving its transmit queue over
/// native (unmanaged) memory, as the vhost-user back-end does over mmap'd memfds. The "driver" is a few stores per
/// frame (descriptors prepared once, as DPDK's virtio PMD reuses its mbufs), so the figure is the cost of pop,
/// header read, count and complete per frame, without the driver's own work or any syscall. On a shared machine compare
/// the Min column: it is the least disturbed by other load.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public unsafe class NetTransmitBenchmarks
{
    private const int Burst = 32;
    private const ushort Size = 256;
    private const ulong DescArea = 0x1_0000, DriverArea = 0x2_0000, DeviceArea = 0x3_0000, Buffers = 0x10_0000;
    private const uint FrameLength = NetHeader.Size + 64;
    private const nuint MemoryBytes = 2 << 20;
    private byte* _base;
    private NetDevice _net = null!;
    private IDeviceQueue _queue = null!;
    private ushort _availIdx;
    private int _slot;
    private bool _wrap = true;

    /// <summary>Ring format.</summary>
    [Params(QueueFormat.Split, QueueFormat.Packed)]
    public QueueFormat Format { get; set; }

    /// <summary>Packed rings: hint the CPU ahead (<see cref="PackedDeviceQueue.PrefetchAhead"/>). Hot in cache here, so this shows its cost, not its gain.</summary>
    [Params(false, true)]
    public bool Prefetch { get; set; }

    /// <summary>Builds memory, device and ring.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _base = (byte*)NativeMemory.AllocZeroed(MemoryBytes);
        var memory = new GuestMemory(new ExternalMemoryRegion(0, (nint)_base, MemoryBytes));
        // What DPDK's virtio-user driver negotiates with Virtsim's net back-end.
        var features = FeatureSet.Of(FeatureBit.Version1, FeatureBit.EventIdx, FeatureBit.InOrder, NetFeatureBit.MrgRxbuf);
        if (Format == QueueFormat.Packed) features = features.With(FeatureBit.RingPacked);
        _net = new NetDevice(null);
        _net.Activate(features);
        var config = new QueueConfig(Format, Size, DescArea, DriverArea, DeviceArea, features);
        _queue = Virtqueue.CreateDevice(config, new DeviceMemory(memory));
        // As Vring.Start sets a transmit ring under IN_ORDER: one used entry per batch (split: per pass; packed: per
        // burst of 32, written deferred).
        if (_queue is SplitDeviceQueue split) split.BatchInOrder = true;
        if (_queue is PackedDeviceQueue packed)
        {
            packed.DeferUsed = true;
            packed.BatchInOrder = true;
            packed.PrefetchAhead = Prefetch;
        }
        for (int i = 0; i < Size; i++)
        {
            var d = new Span<byte>(_base + DescArea + (ulong)i * 16, 16);
            BinaryPrimitives.WriteUInt64LittleEndian(d, Buffers + (ulong)i * 128);
            BinaryPrimitives.WriteUInt32LittleEndian(d[8..], FrameLength);
            new Span<byte>(_base + Buffers + (ulong)i * 128, (int)FrameLength).Fill(0x5A);
            new Span<byte>(_base + Buffers + (ulong)i * 128, NetHeader.Size).Clear();
        }
    }

    /// <summary>Frees the memory.</summary>
    [GlobalCleanup]
    public void Cleanup() => NativeMemory.Free(_base);

    /// <summary>One burst: the driver makes <see cref="Burst"/> frames available, the device serves the queue.</summary>
    [Benchmark(OperationsPerInvoke = Burst)]
    public int ServeBurst()
    {
        if (Format == QueueFormat.Split) PublishSplit();
        else PublishPacked();
        var result = _net.ProcessQueue(NetQueueLayout.TransmitQueue(0), _queue);
        if (result.Completed != Burst) throw new InvalidOperationException($"served {result.Completed}: {_queue.Error}");
        return result.Completed;
    }

    private void PublishSplit()
    {
        for (int i = 0; i < Burst; i++)
        {
            ushort head = (ushort)((_availIdx + i) & (Size - 1));
            *(ushort*)(_base + DriverArea + 4 + 2UL * head) = head;
        }
        _availIdx += Burst;
        Volatile.Write(ref *(ushort*)(_base + DriverArea + 2), _availIdx);
    }

    private void PublishPacked()
    {
        for (int i = 0; i < Burst; i++)
        {
            byte* d = _base + DescArea + (ulong)_slot * 16;
            *(ulong*)d = Buffers + (ulong)_slot * 128;
            *(uint*)(d + 8) = FrameLength;
            *(ushort*)(d + 12) = (ushort)_slot;
            Volatile.Write(ref *(ushort*)(d + 14), PackedLayout.AvailableBits(_wrap));
            if (++_slot == Size) { _slot = 0; _wrap = !_wrap; }
        }
    }
}
