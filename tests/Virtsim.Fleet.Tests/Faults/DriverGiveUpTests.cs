using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using Virtsim.Hocon;
using static Virtsim.Fleet.Tests.MessageFaults.MessageFaultWorlds;

namespace Virtsim.Fleet.Tests.Faults;

/// <summary>
/// A device that loses every DMA needs a reset after each reset: the driver's max-resets / reset-window make it give
/// the device up with the reason of its last DEVICE_NEEDS_RESET instead of resetting it for ever.
/// </summary>
public class DriverGiveUpTests
{
    // Every DMA completion of host-a's blk device is lost: its dma-timeout (10 ms) fires on every pass.
    private const string EveryDmaLost =
        "faults = [ { kind = message, class = dma-completion, action = drop, devices = [\"host-a/vm-1/blk0\"] } ]";

    [Fact]
    public void A_device_that_loses_every_dma_is_given_up_with_its_reason_and_the_others_are_unaffected()
    {
        var report = FleetRunner.Run(Spec(EveryDmaLost), 5, null, null, out var world);

        Assert.True(report.Completed, report.ToJson()); // the run ends: nothing hangs
        Assert.Equal(["host-a/vm-1/blk0"], report.GaveUp);
        Assert.Empty(report.Unfinished);
        Assert.Equal(1, report[FleetCounter.DriversGaveUp]);
        Assert.True(report[FleetCounter.DriverRecoveries] >= 5, "fewer resets than max-resets before giving up");
        var failure = report.Failures.First(f => f.Device == "host-a/vm-1/blk0");
        Assert.Contains("driver gave up", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("DMA lost", failure.Reason, StringComparison.Ordinal);
        // Its requests were failed (I/O errors), not held silently; the bound holds, the driver did not recover.
        var blk = world.Devices.Single(d => d.Path == "host-a/vm-1/blk0").Workload;
        Assert.True(blk.Errors > 0);
        Assert.Equal(blk.Issued, blk.Completed);
        Assert.True(report[FleetCounter.RequestsFailedByDriver] > 0);
        Assert.True(Invariant(report, RunInvariants.EveryRequestCompletesOrNeedsReset).Held);
        var recovers = Invariant(report, RunInvariants.DriverRecovers);
        Assert.False(recovers.Held);
        Assert.Contains("host-a/vm-1/blk0", recovers.Reason, StringComparison.Ordinal);
        Assert.True(Invariant(report, RunInvariants.NoAckedWriteLost).Held);
        // The other devices did their work as if nothing happened.
        foreach (var d in world.Devices.Where(d => d.Path != "host-a/vm-1/blk0"))
        {
            Assert.True(d.Workload.Done, d.Path);
            Assert.Equal(0, d.Workload.Errors);
            Assert.False(d.Health.DriverGaveUp, d.Path);
        }
    }

    [Fact]
    public void Without_a_cap_the_device_is_reset_until_the_run_stalls_and_reports_no_reason()
    {
        var report = Run("defaults.device.max-resets = 0\n" + EveryDmaLost);

        Assert.Empty(report.GaveUp);
        Assert.Equal(0, report[FleetCounter.DriversGaveUp]);
        Assert.False(Invariant(report, RunInvariants.EveryRequestCompletesOrNeedsReset).Held);
    }

    [Theory]
    [InlineData("100ms", false)]
    [InlineData("5ms", true)]
    public void A_burst_of_resets_shorter_than_the_reset_window_is_no_reason_to_give_up(string window, bool givesUp)
    {
        // Every DMA completion lost for 40 ms: about four resets in a row without progress, more than max-resets 2.
        var report = Run($"defaults.device {{ max-resets = 2, reset-window = {window} }}\n" +
            "faults = [ { kind = message, class = dma-completion, action = drop, from = 200us, until = 40ms, devices = [\"host-a/vm-1/blk0\"] } ]");

        Assert.True(report[FleetCounter.DriverRecoveries] >= 2, report.ToJson());
        Assert.Equal(givesUp ? 1 : 0, report[FleetCounter.DriversGaveUp]);
        Assert.Equal(!givesUp, report.PassedChecks);
    }

    [Fact]
    public void Max_resets_and_reset_window_are_read_and_checked()
    {
        var spec = Spec("defaults.device { max-resets = 3, reset-window = 20ms }");
        Assert.All(spec.Hosts.SelectMany(h => h.Vms).SelectMany(v => v.Devices), d =>
        {
            Assert.Equal(3, d.MaxResets);
            Assert.Equal(TimeSpan.FromMilliseconds(20), d.ResetWindow);
        });
        Assert.Throws<HoconException>(() => Spec("defaults.device.max-resets = -1"));
    }
}
