using Virtsim.Virtio.Queues;
using static Virtsim.Virtio.Tests.Queues.Packed.PackedRig;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>The steady path allocates nothing on either side.</summary>
public class PackedAllocationTests
{
    [Theory]
    [InlineData(false, false, false, false)]
    [InlineData(true, true, false, false)]
    [InlineData(false, true, true, true)]
    [InlineData(true, false, true, false)]
    [InlineData(false, true, false, false, true)]
    [InlineData(false, false, true, false, true)]
    public void Add_publish_pop_complete_publish_take_allocates_nothing(bool indirect, bool eventIdx, bool inOrder, bool batch, bool defer = false)
    {
        var rig = new PackedRig(61, indirect, eventIdx, inOrder);
        if (inOrder) rig.Device.BatchInOrder = batch;
        rig.Device.DeferUsed = defer;
        BufferSegment[] segments = [new(DataArea, 64, false), new(DataArea + 0x200, 32, false), new(DataArea + 0x400, 64, true)];
        var payload = new byte[16];
        var held = new DescriptorChain[8];
        int failures = 0; // no asserts inside the measured loop: xunit's comparers allocate

        void Cycle()
        {
            for (int k = 0; k < 5; k++) if (!rig.Driver.TryAdd(segments, indirect, out _)) failures++;
            rig.Driver.PublishAvailable();
            rig.Device.OnNotificationData(rig.Driver.NotificationData(1));
            int count = 0;
            while (rig.Device.TryPop(out var chain) == PopResult.Popped)
            {
                chain.TryRead(rig.Device.Memory, 0, payload);
                chain.TryWrite(rig.Device.Memory, 0, payload);
                held[count++] = chain;
            }
            if (count != 5) failures++;
            if (inOrder)
                for (int i = 0; i < count; i++) rig.Device.TryComplete(held[i], 64);
            else
                for (int i = count - 1; i >= 0; i--) rig.Device.TryComplete(held[i], (uint)(16 + i));
            rig.Device.PublishUsed();
            int taken = 0;
            while (rig.Driver.TryTakeUsed(out _) == TakeResult.Taken) taken++;
            if (taken != 5) failures++;
            rig.Driver.SetInterrupts(true);
            rig.Device.SetNotifications(true);
            rig.Device.HasAvailable();
        }

        // Warm up until the JIT has settled (tiered recompilation allocates a little on the calling thread).
        for (int round = 0; round < 30; round++)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) Cycle();
            if (GC.GetAllocatedBytesForCurrentThread() == start && round >= 3) break;
            Thread.Sleep(20);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Cycle();
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
        Assert.Equal(0, failures);
        Assert.False(rig.Device.Error.IsError);
        Assert.False(rig.Driver.Error.IsError);
    }
}
