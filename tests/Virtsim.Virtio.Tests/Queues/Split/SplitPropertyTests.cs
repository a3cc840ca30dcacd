using FsCheck;
using FsCheck.Fluent;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>Random driver/device interleavings: every buffer comes back exactly once with its data (see <see cref="SplitSimulation"/>).</summary>
public class SplitPropertyTests
{
    private static readonly Arbitrary<int> Seeds = Arb.From(Gen.Choose(0, int.MaxValue));
    // bit 0 INDIRECT_DESC, bit 1 EVENT_IDX, bit 2 IN_ORDER, bit 3 batch IN_ORDER, bit 4 start near the 16-bit wrap
    private static readonly Arbitrary<int> Shapes = Arb.From(Gen.Choose(0, 31));
    private static readonly Arbitrary<int> SizeExponents = Arb.From(Gen.Choose(0, 5));

    private static void Run(int seed, int shape, int sizeExponent, int steps)
    {
        int size = 1 << sizeExponent;
        ushort start = (shape & 16) != 0 ? (ushort)(65536 - 1 - seed % 40) : (ushort)0;
        var sim = new SplitSimulation(seed, (shape & 1) != 0, (shape & 2) != 0, (shape & 4) != 0, (shape & 8) != 0, size, start);
        sim.Run(steps);
    }

    [Fact]
    public void Every_buffer_comes_back_exactly_once_with_its_data() =>
        Prop.ForAll(Seeds, Shapes, SizeExponents, (seed, shape, sizeExponent) =>
        {
            Run(seed, shape, sizeExponent, 400);
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Theory]
    [InlineData(12)] // in order, batched
    [InlineData(15)] // everything
    public void Long_runs_wrap_the_indices_of_a_small_queue(int shape)
    {
        var sim = new SplitSimulation(shape * 7919 + 1, (shape & 1) != 0, (shape & 2) != 0, (shape & 4) != 0, (shape & 8) != 0, 2, 0);
        sim.RunBursts(120_000); // about 70k buffers through a 2-entry queue: both 16-bit indices wrap
        Assert.True(sim.Returned > 65_536, $"only {sim.Returned} buffers");
    }

    [Fact]
    public void The_interesting_paths_are_exercised()
    {
        var sim = new SplitSimulation(42, true, true, false, false, 8, 0xFFF0);
        sim.Run(5000);
        Assert.True(sim.IndirectAdded > 100);
        Assert.True(sim.Restores > 10);
        Assert.True(sim.WakeupChecks > 50, $"{sim.WakeupChecks} wakeup checks");
        Assert.True(sim.Doorbells > 0 && sim.Interrupts > 0);
        Assert.True(sim.Doorbells < sim.Added, "EVENT_IDX suppresses some doorbells");
    }
}
