using System.Buffers.Binary;
using System.Security.Cryptography;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;
using Virtsim.Virtio.Transport.Mmio;
using Virtsim.Virtio.Transport.Pci;

namespace Virtsim.Virtio.Tests.EndToEnd;

/// <summary>
/// The whole core together: a driver initialises a virtio-blk device through the PCI or MMIO registers,
/// sets up a split or packed ring, and moves data through real rings in guest memory to the real blk
/// handler; every byte read back matches what was written.
/// </summary>
public class BlkOverTransportTests
{
    private const ulong Ring = 0x10_0000, Requests = 0x20_0000, Data = 0x40_0000;
    private const int SectorsPerRequest = 8;

    public static TheoryData<string, QueueFormat> Combinations => new()
    {
        { "pci", QueueFormat.Split }, { "pci", QueueFormat.Packed }, { "mmio", QueueFormat.Split }, { "mmio", QueueFormat.Packed },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Random_writes_read_back_identically(string transport, QueueFormat format)
    {
        var rig = new Rig(transport, format);
        var random = new Random(7);
        var model = new Dictionary<ulong, byte[]>();
        for (int i = 0; i < 300; i++)
        {
            ulong sector = (ulong)random.Next(0, 2048 / SectorsPerRequest) * SectorsPerRequest;
            var payload = new byte[SectorsPerRequest * 512];
            random.NextBytes(payload);
            Assert.Equal(BlkStatus.Ok, rig.Request(BlkRequestType.Out, sector, payload));
            model[sector] = payload;
        }
        Assert.Equal(BlkStatus.Ok, rig.Request(BlkRequestType.Flush, 0, []));
        foreach (var (sector, expected) in model)
        {
            var back = new byte[expected.Length];
            Assert.Equal(BlkStatus.Ok, rig.Request(BlkRequestType.In, sector, back));
            Assert.Equal(SHA256.HashData(expected), SHA256.HashData(back));
        }
        Assert.True(rig.Interrupts > 0);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void A_corrupted_ring_sets_needs_reset_and_the_driver_recovers(string transport, QueueFormat format)
    {
        var rig = new Rig(transport, format);
        var payload = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        Assert.Equal(BlkStatus.Ok, rig.Request(BlkRequestType.Out, 64, payload));

        rig.CorruptNextRequest = true; // the request's data descriptor points outside guest memory
        Assert.Null(rig.TryRequest(BlkRequestType.Out, 128, payload));
        var status = rig.Port.ReadStatus();
        Assert.True(status.HasFlag(DeviceStatus.DeviceNeedsReset), $"status {status}");
        Assert.Contains("BufferOutOfRange", rig.Model.NeedsResetReason);

        rig.Initialize(); // reset and bring the device up again; the acknowledged write is still there
        var back = new byte[4096];
        Assert.Equal(BlkStatus.Ok, rig.Request(BlkRequestType.In, 64, back));
        Assert.Equal(payload, back);
    }

    private sealed class Rig : IInterruptSink
    {
        private readonly QueueFormat _format;
        private readonly GuestMemory _memory = GuestMemory.WithSparse(16 << 20);
        private IDriverQueue _queue = null!;

        public Rig(string transport, QueueFormat format)
        {
            _format = format;
            var device = new BlkDevice(new MemoryBlockStore(4096));
            var deviceMemory = new DeviceMemory(_memory);
            if (transport == "pci")
            {
                var pci = PciTransport.Create(device, deviceMemory, Virtqueue.CreateDevice, this);
                Model = pci.Model;
                Port = new PciDriverPort(pci);
            }
            else
            {
                var mmio = MmioTransport.Create(device, deviceMemory, Virtqueue.CreateDevice, this);
                Model = mmio.Model;
                Port = new MmioDriverPort(mmio);
            }
            Initialize();
        }

        public VirtioDeviceModel Model { get; }
        public ITransportDriverPort Port { get; }
        public int Interrupts { get; private set; }
        public bool CorruptNextRequest { get; set; }

        public void Initialize()
        {
            const ushort size = 64;
            var setup = new DriverQueueSetup(0, size, Ring, Ring + 0x1_0000, Ring + 0x2_0000);
            var wanted = FeatureSet.Of(FeatureBit.Version1, BlkFeatureBit.Flush, FeatureBit.EventIdx)
                | (_format == QueueFormat.Packed ? FeatureSet.Of(FeatureBit.RingPacked) : FeatureSet.None);
            var result = DriverInitSequence.Run(Port, wanted, [setup]);
            Assert.True(result.Succeeded, result.Reason);
            Assert.Equal(_format == QueueFormat.Packed, result.Negotiated.Has(FeatureBit.RingPacked));
            var config = new QueueConfig(_format, size, setup.DescriptorArea, setup.DriverArea, setup.DeviceArea, result.Negotiated);
            _queue = Virtqueue.CreateDriver(config, _memory);
        }

        public byte Request(uint type, ulong sector, byte[] data) =>
            TryRequest(type, sector, data) ?? throw new InvalidOperationException($"no completion; device status {Port.ReadStatus()}");

        /// <summary>Submits one request and returns its status byte, or null when the device never completed it.</summary>
        public byte? TryRequest(uint type, ulong sector, byte[] data)
        {
            Span<byte> header = stackalloc byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(header, type);
            BinaryPrimitives.WriteUInt64LittleEndian(header[8..], sector);
            _memory.TryWrite(Requests, header);
            bool deviceWrites = type == BlkRequestType.In;
            if (!deviceWrites) _memory.TryWrite(Data, data);
            ulong dataAddress = CorruptNextRequest ? 1UL << 40 : Data;
            CorruptNextRequest = false;
            var segments = new List<BufferSegment> { new(Requests, 16, false) };
            if (data.Length > 0) segments.Add(new BufferSegment(dataAddress, (uint)data.Length, deviceWrites));
            segments.Add(new BufferSegment(Requests + 16, 1, true));
            Assert.True(_queue.TryAdd(segments.ToArray(), false, out _));
            if (_queue.PublishAvailable()) Port.Notify(0, null);
            if (_queue.TryTakeUsed(out var used) != TakeResult.Taken) return null;
            Assert.Equal((uint)(1 + (deviceWrites ? data.Length : 0)), used.WrittenLength);
            if (deviceWrites) _memory.TryRead(Data, data);
            _memory.TryReadU8(Requests + 16, out var status);
            return status;
        }

        public void SetInterruptLine(bool asserted)
        {
            if (asserted) Interrupts++;
        }

        public void SendMessage(ushort vector, ulong address, uint data) => Interrupts++;
    }
}
