using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Devices.Rng;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Tests.Devices.Rng;

public class RngDeviceTests
{
    private static (byte[][] Buffers, uint[] Used) Run(int seed, int[] sizes)
    {
        var builder = new ChainBuilder(1 << 20);
        var device = new RngDevice(new SeededEntropySource(seed));
        device.Activate(device.OfferedFeatures);
        var queue = builder.NewQueue();
        var chains = sizes.Select(size => builder.Start().Writable(size / 2).Writable(size - size / 2)).ToList();
        chains.ForEach(c => c.AddTo(queue));
        var result = device.ProcessQueue(0, queue);
        Assert.Equal(sizes.Length, result.Completed);
        Assert.Equal(1, queue.PublishCount);
        return (chains.Select(c => c.WrittenBytes()).ToArray(), queue.Completed.Select(c => c.Length).ToArray());
    }

    [Fact]
    public void Every_writable_byte_is_filled_and_the_used_length_counts_them()
    {
        var (buffers, used) = Run(42, [16, 5000, 1]);
        Assert.Equal([16u, 5000u, 1u], used);
        Assert.Contains(buffers[1], b => b != 0xEE); // no longer the fill pattern
        var expected = new byte[5017];
        new Random(42).NextBytes(expected);
        Assert.Equal(expected, buffers.SelectMany(b => b));
    }

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_differs()
    {
        Prop.ForAll<int, int>((seed, size) =>
        {
            int length = 1 + Math.Abs(size % 2000);
            var a = Run(seed, [length, 7]);
            var b = Run(seed, [length, 7]);
            Assert.Equal(a.Buffers, b.Buffers);
            var c = Run(seed + 1, [length, 7]);
            Assert.NotEqual(a.Buffers[0].Concat(a.Buffers[1]), c.Buffers[0].Concat(c.Buffers[1]));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Readable_segments_are_ignored_and_faults_stop_the_fill()
    {
        var builder = new ChainBuilder(1 << 20);
        var device = new RngDevice(new SeededEntropySource(1));
        var queue = builder.NewQueue();
        builder.Start().Readable([1, 2, 3]).Writable(8).AddTo(queue);
        builder.Start().WritableUnmapped(8).AddTo(queue);
        builder.Start().AddTo(queue);
        device.ProcessQueue(0, queue);
        Assert.Equal([8u, 0u, 0u], queue.Completed.Select(c => c.Length));
        Assert.Equal(1, device.MemoryFaults);
        Assert.Equal(8, device.BytesProvided);
        Assert.Equal(DeviceType.Entropy, device.Type);
        Assert.Equal(0, device.ConfigSize);
        Assert.Equal(0, device.ProcessQueue(1, queue).Completed);
    }
}
