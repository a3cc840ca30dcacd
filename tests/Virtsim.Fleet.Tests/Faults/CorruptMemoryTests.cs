using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Tests.MessageFaults;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.Faults;

/// <summary>
/// <c>{ kind = corrupt-memory, ... }</c>: a device's ring in guest memory corrupted at a chosen time. The device catches
/// what the spec lets it catch (a descriptor pointing outside memory, an available index jumping past the queue size)
/// and enters DEVICE_NEEDS_RESET; the driver resets it and recovers, and every invariant holds.
/// </summary>
public class CorruptMemoryTests
{
    [Theory]
    [InlineData("host-a/vm-1/blk0", "descriptor")]
    [InlineData("host-a/vm-1/blk0", "avail-index")]
    [InlineData("host-b/vm-2/blk0", "avail-index")]
    [InlineData("host-b/vm-2/net0", "descriptor")]
    public void A_corrupted_ring_is_caught_as_needs_reset_and_the_driver_recovers(string device, string target)
    {
        var report = MessageFaultWorlds.Run($$"""
            faults = [ { kind = corrupt-memory, at = 300us, device = "{{device}}", queue = 0, target = {{target}} } ]
            """);

        Assert.Equal(1, report[FleetCounter.FaultsInjected]);
        Assert.True(report[FleetCounter.DeviceNeedsReset] >= 1, "the corruption was not caught");
        Assert.True(report[FleetCounter.DriverRecoveries] >= 1, "the driver never reset the device");
        Assert.All(report.Invariants, i => Assert.True(i.Held, $"{i.Name}: {i.Reason}"));
    }

    [Fact]
    public void Without_the_fault_no_device_needs_a_reset()
    {
        var report = MessageFaultWorlds.Run("");

        Assert.Equal(0, report[FleetCounter.FaultsInjected]);
        Assert.Equal(0, report[FleetCounter.DeviceNeedsReset]);
    }

    [Theory]
    [InlineData("target = used-index", "not supported yet")]
    [InlineData("target = stack", "unknown corrupt-memory target 'stack'")]
    [InlineData("target = descriptor, queue = 300", "queue")]
    public void Bad_corrupt_memory_faults_are_errors_at_their_position(string fields, string message)
    {
        var ex = Assert.Throws<HoconException>(() => MessageFaultWorlds.Spec($$"""
            faults = [ { kind = corrupt-memory, at = 300us, device = "host-a/vm-1/blk0", {{fields}} } ]
            """));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("faults.conf:", ex.Message, StringComparison.Ordinal);
    }
}
