using System.Buffers.Binary;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Tests.Backend;

public class BlkSessionTests
{
    private const ulong Ring = GuestRam.GuestBase + 0x10000;
    private const ulong Header = GuestRam.GuestBase + 0x100000;
    private const ulong Data = GuestRam.GuestBase + 0x101000;
    private const ulong Status = GuestRam.GuestBase + 0x102000;

    private static ushort Submit(SessionFixture f, IDriverQueue queue, uint type, ulong sector, int dataLength, bool dataWritable)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(header, type);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), sector);
        Assert.True(f.Ram.Memory.TryWrite(Header, header));
        Assert.True(f.Ram.Memory.TryWriteU8(Status, 0xEE));
        BufferSegment[] segments = dataLength == 0
            ? [new(Header, 16, false), new(Status, 1, true)]
            : [new(Header, 16, false), new(Data, (uint)dataLength, dataWritable), new(Status, 1, true)];
        Assert.True(queue.TryAdd(segments, false, out ushort id));
        queue.PublishAvailable();
        f.Front.Kicks[0].Signal();
        UsedBuffer used = default;
        Assert.True(Wait.Until(() => queue.TryTakeUsed(out used) == TakeResult.Taken), "the request was not completed");
        Assert.Equal(id, used.Id);
        Assert.True(f.Ram.Memory.TryReadU8(Status, out byte status));
        return status;
    }

    [Theory]
    [InlineData(QueueFormat.Split)]
    [InlineData(QueueFormat.Packed)]
    public void Writes_reach_the_image_file_and_read_back(QueueFormat format)
    {
        string image = Path.Combine(Path.GetTempPath(), $"virtsim-vu-{Guid.NewGuid():N}.img");
        try
        {
            var blk = BlkBackend.Create(new VhostUserServeOptions { SocketPath = "unused", Device = VhostUserDeviceKind.Blk, ImagePath = image, ImageSize = 1 << 20 });
            using (var f = new SessionFixture(blk))
            {
                ulong wanted = 1UL << FeatureBit.Version1 | 1UL << BlkFeatureBit.Flush | (format == QueueFormat.Packed ? 1UL << FeatureBit.RingPacked : 0);
                ulong features = f.Front.Negotiate(wanted);
                f.Front.SetMemTable();
                var config = FrontEnd.RingAt(format, 32, Ring, features);
                f.Front.SetupRing(0, config);
                var queue = Virtqueue.CreateDriver(config, f.Ram.Memory);

                var pattern = Enumerable.Range(0, 1024).Select(i => (byte)(i * 7)).ToArray();
                Assert.True(f.Ram.Memory.TryWrite(Data, pattern));
                Assert.Equal(0, Submit(f, queue, 1, 4, 1024, false));      // OUT sectors 4-5
                Assert.Equal(0, Submit(f, queue, 4, 0, 0, false));         // FLUSH
                Assert.True(f.Ram.Memory.TryFill(Data, 1024, 0));
                Assert.Equal(0, Submit(f, queue, 0, 4, 1024, true));       // IN sectors 4-5
                var back = new byte[1024];
                Assert.True(f.Ram.Memory.TryRead(Data, back));
                Assert.Equal(pattern, back);
                Assert.Equal(1, Submit(f, queue, 0, 4096, 512, true));     // past the end: IOERR
                Assert.Equal(4, blk.Blk.Requests);
                Assert.Equal(2048, blk.Bytes);

                f.Front.Send(VhostUserRequest.GetConfig, new ConfigAccess(0, 0, new byte[8]).ToBytes());
                var capacity = ConfigAccess.Parse(VhostUserRequest.GetConfig, f.Front.Reply(VhostUserRequest.GetConfig).Payload);
                Assert.Equal(2048UL, BinaryPrimitives.ReadUInt64LittleEndian(capacity.Data));
            }
            blk.Dispose();
            var onDisk = File.ReadAllBytes(image);
            Assert.Equal(1 << 20, onDisk.Length);
            Assert.Equal((byte)(1 * 7), onDisk[4 * 512 + 1]);
        }
        finally { File.Delete(image); }
    }
}
