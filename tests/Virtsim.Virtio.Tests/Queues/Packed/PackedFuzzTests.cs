using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>Random bytes over the ring and the event structures: the device side only ever pops, waits or breaks.</summary>
public class PackedFuzzTests
{
    private static readonly Gen<(int Size, int Features, int Seed)> Cases =
        from size in Gen.OneOf(Gen.Choose(1, 9), Gen.Choose(10, 64))
        from features in Gen.Choose(0, 15)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select (size, features, seed);

    [Fact]
    public void Random_rings_yield_only_typed_outcomes()
    {
        var seen = new HashSet<QueueErrorKind>();
        int popped = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(PackedRoundTripPropertyTests.Runs(300)), Prop.ForAll(Arb.From(Cases), c => Fuzz(c.Size, c.Features, c.Seed, seen, ref popped)));
        // The fuzz reaches both valid chains and a spread of distinct errors.
        Assert.True(popped > 50, $"only {popped} chains popped");
        Assert.True(seen.Count >= 6, "errors seen: " + string.Join(", ", seen));
    }

    private static void Fuzz(int size, int features, int seed, HashSet<QueueErrorKind> seen, ref int popped)
    {
        var rnd = new Random(seed);
        bool withDomain = (features & 8) != 0;
        IommuDomain? domain = null;
        if (withDomain)
        {
            domain = new IommuDomain(7);
            domain.Map(0, 0, 0x1000, IommuPermissions.Read);
            domain.Map(0x1000, 0x1000, 0x3000, IommuPermissions.ReadWrite); // partial and read-only holes on purpose
        }
        var memory = GuestMemory.WithArray(0x4000);
        var config = PackedRig.MakeConfig((ushort)size, (features & 1) != 0, (features & 2) != 0, (features & 4) != 0, ring: 0x1000) with
        {
            DriverArea = 0x10, DeviceArea = 0x20,
        };
        var device = new PackedDeviceQueue(config, new DeviceMemory(memory, domain));
        if (config.InOrder) device.BatchInOrder = rnd.Next(2) == 0;

        var ring = new byte[size * 16];
        rnd.NextBytes(ring);
        // Make about half the descriptors plausible, so that valid chains and deeper checks are reached.
        for (int i = 0; i < size; i++)
        {
            if (rnd.Next(2) == 0) continue;
            var span = ring.AsSpan(i * 16, 16);
            bool table = (features & 1) != 0 && rnd.Next(4) == 0;
            ulong address = table ? 0x3000 + (ulong)rnd.Next(0, 0x40) * 16 : 0x2000 + (ulong)rnd.Next(0, 0x1000);
            uint length = table ? (uint)rnd.Next(0, 9) * 16 : (uint)rnd.Next(0, 0x200);
            ushort flags = (ushort)(rnd.Next(4) == 0 ? rnd.Next(0x10000) : 0x80 | (rnd.Next(3) == 0 ? 1 : 0) | (rnd.Next(2) == 0 ? 2 : 0) | (table ? 4 : 0));
            new PackedDescriptor(address, length, (ushort)rnd.Next(0, 2 * size), flags).Write(span);
        }
        Assert.True(memory.TryWrite(config.DescriptorArea, ring));
        var events = new byte[8];
        rnd.NextBytes(events);
        Assert.True(memory.TryWrite(0x10, events.AsSpan(0, 4)));
        Assert.True(memory.TryWrite(0x20, events.AsSpan(4, 4)));
        // Random indirect tables in the rest of memory.
        var tables = new byte[0x800];
        rnd.NextBytes(tables);
        Assert.True(memory.TryWrite(0x3000, tables));

        var held = new List<DescriptorChain>();
        for (int round = 0; round < 4 * size + 8; round++)
        {
            device.HasAvailable();
            var result = device.TryPop(out var chain);
            Assert.True(result is PopResult.Popped or PopResult.Empty or PopResult.Broken);
            if (result == PopResult.Broken)
            {
                Assert.True(device.Error.IsError);
                Assert.True(Enum.IsDefined(device.Error.Kind));
                Assert.NotEmpty(device.Error.Reason);
                seen.Add(device.Error.Kind);
                break;
            }
            if (result == PopResult.Popped)
            {
                Assert.InRange(chain.DescriptorCount, 1, size);
                popped++;
                held.Add(chain);
            }
            if (held.Count > 0 && rnd.Next(2) == 0)
            {
                int index = config.InOrder ? 0 : rnd.Next(held.Count);
                var done = held[index];
                held.RemoveAt(index);
                device.TryComplete(done, (uint)rnd.Next(0, (int)Math.Min(done.WritableLength, 64) + 1));
            }
            device.PublishUsed();
            device.SetNotifications(rnd.Next(2) == 0);
            if (result == PopResult.Empty && rnd.Next(2) == 0)
            {
                // A misbehaving driver makes the next slot available again, whether or not it was used.
                var next = device.NextAvail;
                ushort flags = (ushort)(PackedLayout.AvailableBits(next.Wrap) | (rnd.Next(4) == 0 ? PackedLayout.FlagWrite : 0));
                var d = new PackedDescriptor(0x2000 + (ulong)rnd.Next(0, 0x1000), (uint)rnd.Next(0, 0x100), (ushort)rnd.Next(0, 3 * size), flags);
                var bytes = new byte[16];
                d.Write(bytes);
                Assert.True(memory.TryWrite(config.DescriptorArea + next.Slot * 16u, bytes));
            }
            else if (result == PopResult.Empty && rnd.Next(3) == 0)
            {
                // The ring changes under the device: flip a random byte.
                int at = rnd.Next(ring.Length);
                Assert.True(memory.TryWriteU8(config.DescriptorArea + (ulong)at, (byte)rnd.Next(256)));
            }
        }
        device.SaveState();
        device.Reset();
        Assert.False(device.Error.IsError);
    }

    [Fact]
    public void Corrupted_driver_rings_never_throw_on_the_driver_side_either()
    {
        var rnd = new Random(99);
        for (int run = 0; run < 200; run++)
        {
            var rig = new PackedRig((ushort)rnd.Next(1, 17), inOrder: rnd.Next(2) == 0);
            int added = 0;
            while (added < rig.Config.Size && rig.Driver.TryAdd([new(PackedRig.DataArea, 8, true)], false, out _)) added++;
            rig.Driver.PublishAvailable();
            var junk = new byte[rig.Config.Size * 16];
            rnd.NextBytes(junk);
            Assert.True(rig.Memory.TryWrite(PackedRig.Ring, junk));
            for (int i = 0; i < 2 * rig.Config.Size + 2; i++)
            {
                var result = rig.Driver.TryTakeUsed(out _);
                if (result == TakeResult.Broken) { Assert.True(rig.Driver.Error.IsError); break; }
                if (result == TakeResult.Empty) break;
            }
        }
    }
}
