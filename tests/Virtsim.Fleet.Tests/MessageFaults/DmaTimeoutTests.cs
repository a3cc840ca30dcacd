using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using Virtsim.Hocon.Tests;

namespace Virtsim.Fleet.Tests.MessageFaults;

/// <summary>
/// The swarm's seed 7 over scenarios/fault-plan.conf, shrunk to one fault: a corrupted DMA batch of a hardware blk
/// device (its tag flipped) is never completed. The vendor's dma-timeout gives the DMA up: DEVICE_NEEDS_RESET, the
/// driver resets and recovers, and every invariant holds.
/// </summary>
public class DmaTimeoutTests
{
    private const string SwarmFault = """
        faults = [
          { kind = message, class = dma-read, action = corrupt, probability = 0.0172, from = 64us, until = 983246us,
            devices = ["host-a/vm-1/blk0"] }
        ]
        """;

    // scenarios/fault-plan.conf's world with only the shrunk fault, and <paramref name="vendors"/> before its defaults.
    private static WorldSpec Plan(string vendors = "")
    {
        string text = File.ReadAllText(Path.Combine(RepositoryConfigs.Root(), "scenarios", "fault-plan.conf"));
        string world = text[..text.IndexOf("\nfaults = [", StringComparison.Ordinal)];
        return ScenarioLoader.Parse(vendors + "\n" + world + "\n" + SwarmFault, "seed-7.conf");
    }

    [Fact]
    public void A_lost_dma_batch_times_out_into_needs_reset_and_the_driver_recovers()
    {
        var report = FleetRunner.Run(Plan(), 7);

        Assert.True(report[FleetCounter.DmaTimeouts] >= 1, "no DMA timed out");
        Assert.True(report[FleetCounter.DeviceNeedsReset] >= 1, "the device never needed a reset");
        Assert.True(report[FleetCounter.DriverRecoveries] >= 1, "the driver never reset the device");
        Assert.All(report.Invariants, i => Assert.True(i.Held, $"{i.Name}: {i.Reason}"));
    }

    [Fact]
    public void Without_a_dma_timeout_the_lost_batch_hangs_the_device_without_a_reason()
    {
        var report = FleetRunner.Run(Plan("vendors { acme-vf { timing.dma-timeout = 0 } }"), 7);

        Assert.Equal(0, report[FleetCounter.DmaTimeouts]);
        var invariant = MessageFaultWorlds.Invariant(report, "every-request-completes-or-needs-reset");
        Assert.False(invariant.Held);
        Assert.Contains("host-a/vm-1/blk0", invariant.Reason, StringComparison.Ordinal);
    }
}
