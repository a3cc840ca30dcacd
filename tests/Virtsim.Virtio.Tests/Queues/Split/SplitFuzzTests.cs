using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>
/// Random bytes over the descriptor table, indirect tables and rings: only typed outcomes come out, never an
/// exception, every loop is bounded, and the device writes nothing but the used ring.
/// </summary>
public class SplitFuzzTests
{
    private static void Scribble(Random random, SplitRing ring, bool plausible)
    {
        var bytes = new byte[16];
        for (int i = 0; i < ring.Size; i++)
        {
            random.NextBytes(bytes);
            if (plausible && random.Next(3) != 0)
            {
                // Mostly-valid descriptors make the walker go deeper before it fails.
                ulong addr = random.Next(4) == 0 ? ring.Indirect + (ulong)random.Next(ring.Size) * 16 : ring.Data + (ulong)random.Next(0x1000);
                ring.WriteDescriptor(i, addr, (uint)random.Next(0, 0x90), (ushort)random.Next(8), (ushort)random.Next(ring.Size + 1));
            }
            else
            {
                Assert.True(ring.Memory.TryWrite(SplitRing.Desc + (ulong)i * 16, bytes));
            }
        }
        for (int i = 0; i < ring.Size * ring.MaxIndirect; i++)
        {
            if (plausible && random.Next(2) == 0)
                ring.WriteDescriptor(ring.Indirect, i, ring.Data + (ulong)random.Next(0x1000), (uint)random.Next(0, 64), (ushort)random.Next(8), (ushort)random.Next(ring.MaxIndirect + 1));
            else
            {
                random.NextBytes(bytes);
                Assert.True(ring.Memory.TryWrite(ring.Indirect + (ulong)i * 16, bytes));
            }
        }
        for (int i = 0; i < ring.Size; i++)
            ring.WriteAvailEntry(i, plausible && random.Next(4) != 0 ? (ushort)random.Next(ring.Size) : (ushort)random.Next(65536));
        ring.SetAvailIdx(random.Next(3) == 0 ? (ushort)random.Next(65536) : (ushort)random.Next(ring.Size + 2));
        Assert.True(ring.Memory.TryWriteU16(ring.Avail, (ushort)random.Next(65536))); // flags
        Assert.True(ring.Memory.TryWriteU16(ring.Avail + 4 + 2UL * ring.Size, (ushort)random.Next(65536))); // used_event
    }

    private static int FuzzDevice(int seed)
    {
        var random = new Random(seed);
        ushort size = (ushort)(1 << random.Next(0, 5));
        var ring = new SplitRing(size, SplitRing.Features(random.Next(2) == 0, random.Next(2) == 0, random.Next(2) == 0), maxIndirect: 4, dataBytes: 0x1000);
        var log = new DirtyLog(ring.End + 0x10000);
        IommuDomain? domain = null;
        if (random.Next(4) == 0)
        {
            domain = new IommuDomain(1);
            domain.Map(0, 0, SplitRing.Align(ring.Data, 4096), IommuPermissions.ReadWrite); // the data page is left out
        }
        var device = ring.Device(new DeviceMemory(ring.Memory, domain, log));
        device.BatchInOrder = random.Next(2) == 0;
        bool plausible = random.Next(3) != 0;
        Scribble(random, ring, plausible);
        int broken = 0;
        for (int i = 0; i < 4 * size + 8; i++)
        {
            var result = device.TryPop(out var chain);
            Assert.True(result is PopResult.Popped or PopResult.Empty or PopResult.Broken);
            if (result == PopResult.Broken)
            {
                Assert.True(device.Error.IsError);
                Assert.NotEqual(QueueErrorKind.None, device.Error.Kind);
                Assert.False(string.IsNullOrEmpty(device.Error.Reason));
                Assert.Equal(PopResult.Broken, device.TryPop(out _));
                broken++;
                break;
            }
            if (result == PopResult.Popped)
            {
                Assert.True(chain.SegmentCount >= 1 && chain.SegmentCount <= size);
                Assert.True(device.TryComplete(chain, (uint)random.NextInt64((long)chain.WritableLength + 1)));
            }
            if (random.Next(3) == 0) device.PublishUsed();
            if (random.Next(8) == 0) Scribble(random, ring, plausible); // the driver may scribble at any time
            if (random.Next(8) == 0) device.SetNotifications(random.Next(2) == 0);
        }
        device.PublishUsed();
        // The device wrote only inside the used ring's page(s).
        ulong firstUsedPage = ring.Used / 4096, lastUsedPage = (ring.Used + 6 + 8UL * size - 1) / 4096;
        for (ulong page = 0; page < log.PageCount; page++)
            if (log.IsDirty(page)) Assert.InRange(page, firstUsedPage, lastUsedPage);
        return broken;
    }

    [Fact]
    public void Random_descriptor_tables_and_avail_rings_yield_only_typed_outcomes()
    {
        int broken = 0;
        for (int seed = 0; seed < 1500; seed++) broken += FuzzDevice(seed);
        Assert.InRange(broken, 300, 1500); // the fuzzer does reach the error paths
    }

    [Fact]
    public void Fuzzed_seeds_from_fscheck_never_throw() =>
        Prop.ForAll(Arb.From(Gen.Choose(1_000_000, int.MaxValue)), seed => FuzzDevice(seed) >= 0)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500));

    [Fact]
    public void Random_used_rings_yield_only_typed_outcomes_on_the_driver()
    {
        for (int seed = 0; seed < 1000; seed++)
        {
            var random = new Random(seed);
            ushort size = (ushort)(1 << random.Next(0, 5));
            var ring = new SplitRing(size, SplitRing.Features(random.Next(2) == 0, random.Next(2) == 0, random.Next(2) == 0), maxIndirect: 4, dataBytes: 0x1000);
            var driver = ring.Driver((ushort)random.Next(65536));
            int added = 0;
            while (driver.TryAdd([new BufferSegment(ring.Data, 16, random.Next(2) == 0)], ring.Config.IndirectDesc && random.Next(2) == 0, out _)) added++;
            driver.PublishAvailable();
            var bytes = new byte[8];
            for (int i = 0; i < size; i++)
            {
                random.NextBytes(bytes);
                if (random.Next(2) == 0) { bytes[2] = bytes[3] = 0; bytes[0] = (byte)random.Next(size); bytes[6] = bytes[7] = bytes[5] = 0; }
                Assert.True(ring.Memory.TryWrite(ring.Used + 4 + 8UL * (ulong)i, bytes));
            }
            ushort start = driver.LastUsedIndex;
            ring.SetUsedIdx(random.Next(2) == 0 ? (ushort)(start + random.Next(size + 1)) : (ushort)random.Next(65536));
            int taken = 0;
            for (int i = 0; i < 2 * size + 4; i++)
            {
                var result = driver.TryTakeUsed(out _);
                if (result == TakeResult.Broken) { Assert.True(driver.Error.IsError); break; }
                if (result == TakeResult.Taken) taken++;
            }
            Assert.InRange(taken, 0, added);
            Assert.Equal(added - taken, driver.InFlightCount);
        }
    }
}
