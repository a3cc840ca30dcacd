using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using Virtsim.Hocon;
using static Virtsim.Fleet.Tests.MessageFaults.MessageFaultWorlds;

namespace Virtsim.Fleet.Tests.Faults;

/// <summary>The <c>iommu-unmap</c> fault of a scenario: the device reports the failing DMA, and the run judges it.</summary>
public class IommuUnmapScenarioTests
{
    [Fact]
    public void An_unmapped_window_makes_the_device_need_a_reset_and_the_driver_recovers_once_it_returns()
    {
        var report = Run("faults = [ { at = 100us, kind = iommu-unmap, device = \"host-a/vm-1/blk0\", duration = 300us } ]");

        Assert.True(report[FleetCounter.DeviceNeedsReset] >= 1, report.ToJson());
        Assert.True(report[FleetCounter.DriverRecoveries] >= 1);
        Assert.True(report.PassedChecks, report.ToJson());
    }

    [Fact]
    public void A_window_unmapped_for_good_makes_the_driver_give_the_device_up_with_its_reason()
    {
        var report = Run("faults = [ { at = 100us, kind = iommu-unmap, device = \"host-a/vm-1/blk0\" } ]");

        Assert.False(report.PassedChecks);
        // Its driver gave it up after max-resets (docs/faults.md, "Driver give-up"): its requests failed, with the reason.
        Assert.Equal(["host-a/vm-1/blk0"], report.GaveUp);
        Assert.All(report.Failures, f => Assert.Equal("host-a/vm-1/blk0", f.Device));
        Assert.Contains(report.Failures, f => f.Reason.Contains("driver gave up", StringComparison.Ordinal) && f.Reason.Contains("DEVICE_NEEDS_RESET", StringComparison.Ordinal));
        // The device said why: the bound holds; the driver could not bring it back.
        Assert.True(Invariant(report, RunInvariants.EveryRequestCompletesOrNeedsReset).Held);
        Assert.False(Invariant(report, RunInvariants.DriverRecovers).Held);
    }

    [Fact]
    public void An_iommu_unmap_names_a_device_of_the_scenario()
    {
        var e = Assert.Throws<HoconException>(() => Spec("faults = [ { at = 1ms, kind = iommu-unmap, device = \"host-a/vm-1/blk9\" } ]"));
        Assert.Contains("no device 'host-a/vm-1/blk9'", e.Message);
        Assert.Equal(TimeSpan.FromMicroseconds(300),
            Spec("faults = [ { at = 1ms, kind = iommu-unmap, device = \"host-a/vm-1/blk0\", duration = 300us } ]").Faults[0].Duration);
    }
}
