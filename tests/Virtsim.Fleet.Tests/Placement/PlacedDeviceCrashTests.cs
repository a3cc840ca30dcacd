using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Placement;

/// <summary>
/// A placed device (on another node than its VM, reaching guest memory only by DMA messages) that crashes comes back
/// from its journal as one under its host does: its split rings resume at the used index read from guest memory,
/// fetched by a DMA read, so nothing completed is redone and nothing is lost; every byte it read had been fetched.
/// One simulated process, as in <see cref="PlacedDevicesTests"/>.
/// </summary>
public class PlacedDeviceCrashTests
{
    private const string Scenario = """
        scenario { name = placed-crash, seed = 9, max-virtual-time = 30s, persistence = true }
        defaults {
          blk { requests = 200, queue-depth = 8, disk-sectors = 4096, queue-size = 64 }
          net { requests = 200, frame-size = 256, queue-depth = 8, queue-size = 64 }
        }
        hosts = [ { name = h1, vms = [
          { name = vm1, memory = 128MiB, devices = [
            { name = blk0, type = blk, transport = pci, vendor = acme-vf }
            { name = net0, type = net, transport = pci, vendor = acme-vf } ] }
          { name = vm2, memory = 128MiB, devices = [
            { name = net0, type = net, transport = pci, vendor = swift-vhost } ] }
        ] } ]
        faults = [
          { at = 150us, kind = device-crash, device = "h1/vm1/blk0" }
          { at = 350us, kind = device-crash, device = "h1/vm1/blk0" }
          { at = 200us, kind = device-crash, device = "h1/vm1/net0" }
        ]
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_placed_device_that_crashes_resumes_its_split_rings_from_guest_memory(bool backendsPlaced)
    {
        var spec = ScenarioLoader.Parse(Scenario);
        var persistence = FleetPersistence.Default;
        var report = FleetRunner.Run(spec, 9, new RunOptions
        {
            Persistence = persistence,
            Place = (system, metrics) => PlacedDevicesTests.Place(system, metrics, spec, devices: true, backends: backendsPlaced, persistence),
        }, out var world);

        Assert.True(report.Completed, "not every workload finished: " + string.Join("; ", world.Results.Select(r => $"{r.Path} {r.Completed}/{r.Issued}"))
            + " " + string.Join("; ", report.Failures));
        string counters = $"virtual {report.VirtualTime}, " + string.Join(", ", report.Counters.Where(c => c.Value != 0).Select(c => $"{c.Key}={c.Value}"));
        Assert.True(report.Counters["DeviceCrashes"] == 3, counters);
        Assert.True(report.Counters["DeviceRecoveries"] == 3, counters);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.IntegrityErrors);
        Assert.Equal(0, report.AckedWritesLost);
        // Every byte read had been fetched, and the split rings resumed exactly: no device needed a reset.
        Assert.True(report.Counters["RemoteDmaMisses"] == 0, counters);
        Assert.True(report.Counters["DeviceNeedsReset"] == 0, counters);
    }
}
