using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Devices.Blk;

public class BlkPropertyTests
{
    private const ulong Sectors = 64;

    [Fact]
    public void Random_request_sequences_agree_with_a_model_of_current_and_durable_sectors()
    {
        Prop.ForAll<int>(seed =>
        {
            var random = new Random(seed);
            var kit = new BlkTestKit(sectors: Sectors,
                negotiate: FeatureSet.Of(BlkFeatureBit.Flush, BlkFeatureBit.ConfigWce, BlkFeatureBit.Discard, BlkFeatureBit.WriteZeroes)
                    | RequestDeviceBase.DefaultRingFeatures);
            var current = new Dictionary<ulong, byte[]>();
            var durable = new Dictionary<ulong, byte[]>();
            bool writeback = true;
            bool lost = false; // a power loss dropped cached writes, and no flush has said so yet
            for (int step = 0; step < 40; step++)
            {
                int op = random.Next(8);
                ulong sector = (ulong)random.Next((int)Sectors + 2);
                int count = random.Next(1, 5);
                bool fits = sector + (ulong)count <= Sectors;
                switch (op)
                {
                    case 0 or 1:
                    {
                        var data = new byte[count * 512];
                        random.NextBytes(data);
                        Assert.Equal(fits ? BlkStatus.Ok : BlkStatus.IoErr, kit.Write(sector, data).Status);
                        if (!fits) break;
                        for (int i = 0; i < count; i++)
                        {
                            var one = data.AsSpan(i * 512, 512).ToArray();
                            current[sector + (ulong)i] = one;
                            if (!writeback) durable[sector + (ulong)i] = one;
                        }
                        break;
                    }
                    case 2:
                    {
                        var (status, _, data) = kit.Read(sector, count * 512);
                        Assert.Equal(fits ? BlkStatus.Ok : BlkStatus.IoErr, status);
                        if (!fits) break;
                        for (int i = 0; i < count; i++)
                            Assert.Equal(current.GetValueOrDefault(sector + (ulong)i) ?? new byte[512], data.AsSpan(i * 512, 512).ToArray());
                        break;
                    }
                    case 3:
                        // A flush after a power loss that dropped cached writes reports it once (it still commits).
                        Assert.Equal(lost ? BlkStatus.IoErr : BlkStatus.Ok, kit.Flush());
                        Copy(current, durable);
                        lost = false;
                        break;
                    case 4:
                    {
                        uint type = random.Next(2) == 0 ? BlkRequestType.Discard : BlkRequestType.WriteZeroes;
                        Assert.Equal(fits ? BlkStatus.Ok : BlkStatus.IoErr, kit.Ranges(type, BlkTestKit.Segment(sector, (uint)count)));
                        if (!fits) break;
                        for (int i = 0; i < count; i++)
                        {
                            current.Remove(sector + (ulong)i);
                            if (!writeback) durable.Remove(sector + (ulong)i);
                        }
                        break;
                    }
                    case 5:
                        writeback = !writeback;
                        kit.Device.WriteConfig(BlkConfigLayout.Writeback, [writeback ? (byte)1 : (byte)0]);
                        if (!writeback) Copy(current, durable);
                        break;
                    case 6:
                        lost |= kit.Store.CachedSectorCount > 0;
                        kit.Store.DropCache();
                        Copy(durable, current);
                        break;
                    default:
                        Assert.Equal(BlkStatus.Unsupp, kit.Run(kit.Builder.Start().Readable(BlkTestKit.Header(99, 0)).Writable(1)).Status);
                        break;
                }
            }
            var buffer = new byte[512];
            for (ulong s = 0; s < Sectors; s++)
            {
                Assert.True(kit.Store.TryReadDurable(s, buffer));
                Assert.Equal(durable.GetValueOrDefault(s) ?? new byte[512], buffer);
            }
        }).QuickCheckThrowOnFailure();
    }

    private static void Copy(Dictionary<ulong, byte[]> from, Dictionary<ulong, byte[]> to)
    {
        to.Clear();
        foreach (var (k, v) in from) to[k] = v;
    }

    [Fact]
    public void Random_request_bytes_and_chain_shapes_never_throw_and_always_get_a_status()
    {
        uint[] types = [0, 1, 4, 8, 10, 11, 13, 14, 99];
        Prop.ForAll<int>(seed =>
        {
            var random = new Random(seed);
            var options = new BlkDeviceOptions
            {
                DeviceFeatures = new BlkDeviceOptions().DeviceFeatures.With(BlkFeatureBit.Lifetime).With(random.Next(4) == 0 ? BlkFeatureBit.Ro : BlkFeatureBit.SizeMax),
            };
            var kit = new BlkTestKit(sectors: 32, options: options);
            for (int request = 0; request < 10; request++)
            {
                var chain = kit.Builder.Start();
                int readable = random.Next(4);
                for (int i = 0; i < readable; i++)
                {
                    var bytes = new byte[random.Next(0, 3) switch { 0 => random.Next(0, 20), 1 => 16, _ => random.Next(0, 1100) }];
                    random.NextBytes(bytes);
                    if (i == 0 && bytes.Length >= 16 && random.Next(3) > 0)
                    {
                        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), types[random.Next(types.Length)]);
                        BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), (ulong)random.Next(40));
                    }
                    if (random.Next(12) == 0) chain.ReadableUnmapped((uint)bytes.Length);
                    else chain.Readable(bytes);
                }
                int writable = random.Next(3);
                for (int i = 0; i < writable; i++)
                {
                    int length = random.Next(3) switch { 0 => random.Next(0, 8), 1 => 513, _ => random.Next(0, 1100) };
                    if (random.Next(12) == 0) chain.WritableUnmapped((uint)length);
                    else chain.Writable(length);
                }
                chain.AddTo(kit.Queue);
                var result = kit.Device.ProcessQueue(0, kit.Queue);
                if (chain.Value.WritableLength == 0)
                {
                    // Nowhere to put a status: the ring breaks (NEEDS_RESET) and the next requests go to a fresh device.
                    Assert.Equal(0, result.Completed);
                    Assert.Equal(QueueErrorKind.MalformedRequest, result.Error.Kind);
                    kit = new BlkTestKit(sectors: 32, options: options);
                    continue;
                }
                Assert.Equal(1, result.Completed);
                var last = chain.WritableSegments.LastOrDefault(s => s.Length > 0);
                if (last.Length > 0 && last.Address != 0xFFFF_0000_0000)
                    Assert.InRange(chain.WrittenBytes()[^1], BlkStatus.Ok, BlkStatus.Unsupp);
            }
        }).QuickCheckThrowOnFailure();
    }
}
