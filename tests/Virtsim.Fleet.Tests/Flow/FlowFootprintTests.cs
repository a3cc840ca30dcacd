using Virtsim.Fleet.Flow;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Flow;

/// <summary>Heap measurements are the process's: this collection runs alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(FootprintCollection), DisableParallelization = true)]
public sealed class FootprintCollection;

[Collection(nameof(FootprintCollection))]
public class FlowFootprintTests
{
    [Fact]
    public void A_flow_device_keeps_at_most_16_KiB_and_less_than_a_ring_device()
    {
        var flow = DeviceFootprint.Measure(60, Fidelity.Flow);
        var ring = DeviceFootprint.Measure(60, Fidelity.Ring);

        Assert.InRange(flow.DeviceBytes, 1024, 16 * 1024);
        Assert.True(flow.DeviceBytes < ring.DeviceBytes, $"flow {flow.DeviceBytes} B, ring {ring.DeviceBytes} B");
        // With its driver, workload and VM share: no ring pages touched, no driver queues.
        Assert.True(flow.WorldBytes < ring.WorldBytes, $"flow {flow.WorldBytes} B, ring {ring.WorldBytes} B");
        Assert.True(ring.DeviceBytes <= 64 * 1024, $"ring {ring.DeviceBytes} B");
    }
}
