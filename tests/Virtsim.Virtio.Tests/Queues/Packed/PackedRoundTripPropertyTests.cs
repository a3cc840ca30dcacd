using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using Virtsim.Virtio.Tests.Memory;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>
/// The packed driver and device sides driven together through random operation sequences: every buffer comes
/// back exactly once, with the data the device wrote, and notification decisions never lose a wake-up.
/// </summary>
public class PackedRoundTripPropertyTests
{
    public sealed record Scenario(ushort Size, bool Indirect, bool EventIdx, bool InOrder, bool Batch, int Seed, int Steps, bool Iommu = false, bool Defer = false, bool Prefetch = false)
    {
        public override string ToString() =>
            $"size {Size} indirect {Indirect} event_idx {EventIdx} in_order {InOrder} batch {Batch} defer {Defer} prefetch {Prefetch} iommu {Iommu} seed {Seed} steps {Steps}";
    }

    private sealed class Buffer
    {
        public required ushort Id;
        public required int Window;
        public required BufferSegment[] Segments;
        public required byte[] Readable;
        public required ulong Writable;
        public required int Descriptors;
        public bool Completed;
        public uint Written;
        public byte[] WrittenBytes = [];
    }

    private static readonly Gen<Scenario> Scenarios =
        from size in Gen.OneOf(Gen.Choose(1, 8), Gen.Choose(9, 70), Gen.Elements(100, 255, 257))
        from features in Gen.Choose(0, 127)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new Scenario((ushort)size, (features & 1) != 0, (features & 2) != 0, (features & 4) != 0, (features & 8) != 0, seed, 400,
            Iommu: (features & 16) != 0, Defer: (features & 32) != 0, Prefetch: (features & 64) != 0);

    [Fact]
    public void Every_buffer_comes_back_exactly_once_with_its_data() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Runs(100)), Prop.ForAll(Arb.From(Scenarios), (Scenario s) => { Run(s); }));

    // VIRTSIM_PROPERTY_RUNS=n multiplies the number of cases, for soak runs.
    internal static int Runs(int normal) =>
        int.TryParse(Environment.GetEnvironmentVariable("VIRTSIM_PROPERTY_RUNS"), out int factor) && factor > 1 ? normal * factor : normal;

    [Fact]
    public void Regression_interrupt_after_two_unsignalled_laps_across_save_and_restore() =>
        Run(new Scenario(3, true, false, true, true, 2111832060, 400)); // found by the property above

    [Theory]
    [InlineData(1, false, false, false, false)]
    [InlineData(3, true, true, false, false)]
    [InlineData(5, false, true, true, true)]
    [InlineData(7, true, false, true, false)]
    [InlineData(6, true, true, true, true)]
    [InlineData(4, true, true, false, false, true)]
    [InlineData(5, false, false, true, false, true)]
    [InlineData(9, true, true, true, true, true, true)]
    [InlineData(12, false, false, false, false, false, true)]
    public void Small_rings_wrap_many_times(int size, bool indirect, bool eventIdx, bool inOrder, bool batch, bool defer = false, bool prefetch = false)
    {
        var wraps = Run(new Scenario((ushort)size, indirect, eventIdx, inOrder, batch, 12345 + size, 3000, Defer: defer, Prefetch: prefetch));
        Assert.True(wraps >= 20, $"only {wraps} wraps");
    }

    // Returns how many times the driver's avail wrap counter flipped. With Prefetch the ring lives in unmanaged
    // memory (as a vhost-user mapping does), where the device's hints really reach the CPU.
    private static int Run(Scenario s)
    {
        if (!s.Prefetch) return Run(s, null);
        using var block = new NativeMemoryBlock(PackedRig.MemorySize);
        return Run(s, new Virtsim.Virtio.Memory.GuestMemory(block.Region()));
    }

    private static int Run(Scenario s, Virtsim.Virtio.Memory.GuestMemory? memory)
    {
        var rnd = new Random(s.Seed);
        const int maxIndirect = 6;
        Virtsim.Virtio.Memory.IommuDomain? domain = null;
        if (s.Iommu)
        {
            // IO-virtual = guest-physical, mapped page by page so that buffers cross mappings.
            domain = new Virtsim.Virtio.Memory.IommuDomain(3);
            for (ulong page = 0; page < PackedRig.MemorySize; page += 0x1000)
                domain.Map(page, page, 0x1000, Virtsim.Virtio.Memory.IommuPermissions.ReadWrite);
        }
        var rig = new PackedRig(s.Size, s.Indirect, s.EventIdx, s.InOrder, maxIndirect, memory, domain);
        if (s.InOrder) rig.Device.BatchInOrder = s.Batch;
        rig.Device.DeferUsed = s.Defer;
        rig.Device.PrefetchAhead = s.Prefetch;
        var outstanding = new Dictionary<ushort, Buffer>();
        var unpublished = new List<ushort>();
        var availQueue = new Queue<ushort>(); // published, not popped, in ring order
        var popped = new List<DescriptorChain>(); // device-held, in pop order
        int publishedUnpoppedDescriptors = 0;
        bool driverArmed = false, deviceArmed = false;
        int wraps = 0;
        var freeWindows = new Stack<int>(Enumerable.Range(0, s.Size));
        bool lastWrap = true;

        void Add()
        {
            bool indirect = s.Indirect && rnd.Next(2) == 0;
            int maxSegments = indirect ? rig.Driver.MaxIndirectEntries : Math.Min(6, (int)s.Size);
            int count = rnd.Next(1, maxSegments + 1);
            int readable = rnd.Next(0, count + 1);
            // Each outstanding buffer owns a data window: up to 6 segments of at most 0x100 bytes, 0x200 apart.
            if (freeWindows.Count == 0) return;
            int window = freeWindows.Pop();
            var segments = new BufferSegment[count];
            for (int i = 0; i < count; i++)
                segments[i] = new BufferSegment(PackedRig.DataArea + (ulong)window * 0x1000 + (ulong)i * 0x200, (uint)rnd.Next(1, 0x101), i >= readable);
            if (!rig.Driver.TryAdd(segments, indirect, out ushort id))
            {
                Assert.True(rig.Driver.FreeDescriptors < (indirect ? 1 : count));
                freeWindows.Push(window);
                return;
            }
            var data = new List<byte>();
            ulong writable = 0;
            foreach (var seg in segments)
            {
                if (!seg.DeviceWritable)
                {
                    var bytes = new byte[seg.Length];
                    rnd.NextBytes(bytes);
                    Assert.True(rig.Memory.TryWrite(seg.Address, bytes));
                    data.AddRange(bytes);
                }
                else
                {
                    writable += seg.Length;
                    Assert.True(rig.Memory.TryFill(seg.Address, seg.Length, 0xEE));
                }
            }
            Assert.True(outstanding.TryAdd(id, new Buffer
            {
                Id = id, Window = window, Segments = segments, Readable = [.. data], Writable = writable, Descriptors = indirect ? 1 : count,
            }), $"id {id} handed out twice");
            unpublished.Add(id);
        }

        void Publish()
        {
            int descriptors = unpublished.Sum(id => outstanding[id].Descriptors);
            bool notify = rig.Driver.PublishAvailable();
            foreach (var id in unpublished) availQueue.Enqueue(id);
            unpublished.Clear();
            publishedUnpoppedDescriptors += descriptors;
            if (descriptors == 0) Assert.False(notify);
            if (deviceArmed && descriptors > 0)
            {
                Assert.True(notify, "device asked for a doorbell and the driver did not ring");
                deviceArmed = false;
            }
            if (rig.Driver.NextAvail.Wrap != lastWrap) { wraps++; lastWrap = rig.Driver.NextAvail.Wrap; }
            rig.Device.OnNotificationData(rig.Driver.NotificationData(2));
            Assert.Equal(publishedUnpoppedDescriptors, rig.Device.NotifiedPending);
        }

        void Pop(int max)
        {
            for (int n = 0; n < max; n++)
            {
                bool has = rig.Device.HasAvailable();
                Assert.Equal(availQueue.Count > 0, has);
                var result = rig.Device.TryPop(out var chain);
                if (availQueue.Count == 0) { Assert.Equal(PopResult.Empty, result); return; }
                Assert.True(result == PopResult.Popped, $"pop gave {result}: {rig.Device.Error}");
                var buffer = outstanding[availQueue.Dequeue()];
                Assert.Equal(buffer.Id, chain.Id);
                Assert.Equal(buffer.Descriptors, chain.DescriptorCount);
                Assert.Equal(buffer.Segments.Select(b => new ChainSegment(b.Address, b.Length, b.DeviceWritable)), chain.Segments.ToArray());
                Assert.Equal((ulong)buffer.Readable.Length, chain.ReadableLength);
                Assert.Equal(buffer.Writable, chain.WritableLength);
                var read = new byte[buffer.Readable.Length];
                Assert.True(chain.TryRead(rig.Device.Memory, 0, read));
                Assert.Equal(buffer.Readable, read);
                publishedUnpoppedDescriptors -= chain.DescriptorCount;
                popped.Add(chain);
            }
        }

        void Complete(int max)
        {
            for (int n = 0; n < max && popped.Count > 0; n++)
            {
                int index = s.InOrder ? 0 : rnd.Next(popped.Count);
                var chain = popped[index];
                popped.RemoveAt(index);
                var buffer = outstanding[chain.Id];
                uint written = rnd.Next(3) == 0 ? (uint)rnd.Next(0, (int)chain.WritableLength + 1) : (uint)chain.WritableLength;
                var bytes = new byte[written];
                rnd.NextBytes(bytes);
                Assert.True(chain.TryWrite(rig.Device.Memory, 0, bytes));
                buffer.Completed = true;
                buffer.Written = written;
                buffer.WrittenBytes = bytes;
                Assert.True(rig.Device.TryComplete(chain, written));
            }
        }

        void DevicePublish()
        {
            bool irq = rig.Device.PublishUsed();
            if (driverArmed)
            {
                var flagsAt = rig.Driver.NextUsed;
                Assert.True(rig.Memory.TryReadU16(PackedRig.Ring + flagsAt.Slot * 16u + 14, out ushort flags));
                if (PackedLayout.IsUsed(flags, flagsAt.Wrap))
                    Assert.True(irq, "driver armed interrupts and a used buffer appeared without one");
                if (irq) driverArmed = false;
            }
        }

        void Take()
        {
            while (true)
            {
                var result = rig.Driver.TryTakeUsed(out var used);
                if (result == TakeResult.Empty) return;
                Assert.True(result == TakeResult.Taken, $"take gave {result}: {rig.Driver.Error}");
                Assert.True(outstanding.Remove(used.Id, out var buffer), $"id {used.Id} came back twice or was never added");
                freeWindows.Push(buffer.Window);
                Assert.True(buffer.Completed, $"id {used.Id} came back before the device completed it");
                Assert.Equal(buffer.Written, used.WrittenLength);
                var got = new List<byte>();
                foreach (var seg in buffer.Segments.Where(x => x.DeviceWritable))
                {
                    var part = new byte[seg.Length];
                    Assert.True(rig.Memory.TryRead(seg.Address, part));
                    got.AddRange(part);
                }
                Assert.Equal(buffer.WrittenBytes, got.Take((int)used.WrittenLength));
            }
        }

        for (int step = 0; step < s.Steps; step++)
        {
            switch (rnd.Next(10))
            {
                case 0: case 1: case 2: Add(); break;
                case 3: Publish(); break;
                case 4: Pop(rnd.Next(1, 4)); break;
                case 5: Complete(rnd.Next(1, 4)); break;
                case 6: DevicePublish(); break;
                case 7: Take(); break;
                case 8:
                    if (rnd.Next(2) == 0)
                    {
                        Take();
                        driverArmed = !rig.Driver.SetInterrupts(true);
                    }
                    else { rig.Driver.SetInterrupts(false); driverArmed = false; }
                    break;
                case 9:
                    int choice = rnd.Next(4);
                    if (choice == 0)
                    {
                        rig.RestoreDevice();
                        rig.Device.DeferUsed = s.Defer;
                        rig.Device.PrefetchAhead = s.Prefetch;
                        var restored = rig.Device.InFlight;
                        Assert.Equal(popped.Select(c => c.Id), restored.Select(c => c.Id));
                        popped = [.. restored];
                    }
                    else if (choice == 1) { rig.Device.SetNotifications(false); deviceArmed = false; }
                    else { rig.Device.SetNotifications(true); deviceArmed = !rig.Device.HasAvailable(); }
                    break;
            }
            Assert.False(rig.Device.Error.IsError, rig.Device.Error.Reason);
            Assert.False(rig.Driver.Error.IsError, rig.Driver.Error.Reason);
        }

        // Drain: everything added comes back.
        Publish();
        for (int round = 0; round < 4; round++)
        {
            Pop(s.Size + 1);
            Complete(s.Size + 1);
            DevicePublish();
            Take();
        }
        Assert.Empty(outstanding);
        Assert.Equal(0, rig.Driver.InFlightCount);
        Assert.Equal(s.Size, rig.Driver.FreeDescriptors);
        Assert.Equal(0, rig.Device.InFlightCount);
        Assert.Equal(rig.Driver.NextUsed, rig.Device.NextUsed);
        Assert.Equal(rig.Driver.NextAvail, rig.Device.NextAvail);
        return wraps;
    }
}
