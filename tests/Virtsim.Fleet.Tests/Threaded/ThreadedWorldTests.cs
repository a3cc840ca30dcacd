using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.Workloads;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Threaded;

/// <summary>
/// The same actors on the threaded dispatcher, in real time on the thread pool: no timing is asserted (the timeouts
/// are generous), only integrity - every block request completed once and read back with its checksum, every frame
/// delivered once with a valid checksum.
/// </summary>
public class ThreadedWorldTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(20);

    private static WorldSpec BlkAndNetOverPciAndMmio(int requests) => new()
    {
        Name = "threaded",
        Hosts =
        [
            new HostSpec
            {
                Name = "host-1",
                Vms =
                [
                    new VmSpec
                    {
                        Name = "vm-1",
                        Devices =
                        [
                            Worlds.Blk(TransportKind.Pci, VendorProfiles.AcmeVf, requests) with { Name = "blk0" },
                            Worlds.Net(TransportKind.Mmio, VendorProfiles.SwiftVhost, requests) with { Name = "net0" },
                        ],
                    },
                ],
            },
            new HostSpec
            {
                Name = "host-2",
                Vms =
                [
                    new VmSpec
                    {
                        Name = "vm-2",
                        Devices =
                        [
                            Worlds.Blk(TransportKind.Mmio, VendorProfiles.QemuEmulated, requests, packed: true, mode: DriverMode.Poll) with { Name = "blk1" },
                            Worlds.Net(TransportKind.Pci, VendorProfiles.AcmeVf, requests) with { Name = "net1" },
                        ],
                    },
                ],
            },
        ],
    };

    private static void AssertIntegrity(RunReport report, FleetWorld world)
    {
        string devices = string.Join("; ", world.Devices.Select(d =>
            $"{d.Path} done={d.Workload.Done} issued={d.Workload.Issued} completed={d.Workload.Completed} inbound={d.ExpectedInbound}"));
        Assert.True(report.Completed, devices + " " + report.ToJson());
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.IntegrityErrors);
        foreach (var device in world.Devices)
        {
            var r = device.Workload;
            Assert.True(r.Done, device.Path);
            Assert.Equal(0, r.Errors);
            Assert.Equal(0, r.Duplicates);
            Assert.Equal(0, r.IntegrityErrors);
            if (device.Spec.Kind == DeviceKind.Blk)
            {
                Assert.Equal(r.Issued, r.Completed);
                // Every acknowledged write is on the disk with its checksum.
                var disk = world.Disk(device.Path);
                var block = new byte[device.Spec.BlockSize];
                foreach (var (index, sum) in r.Blocks)
                {
                    Assert.True(disk.TryRead((ulong)(index * (device.Spec.BlockSize / 512)), block), device.Path);
                    Assert.Equal(sum, Checksum.Of(block));
                }
            }
            else
            {
                Assert.Equal(device.ExpectedInbound, r.Completed);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Blk_and_net_over_pci_and_mmio_complete_every_request_once_on_threads(int seed)
    {
        var report = FleetRunner.RunThreaded(BlkAndNetOverPciAndMmio(300), seed, Timeout, Stall, out var world);
        AssertIntegrity(report, world);
    }

    [Fact]
    public void The_same_world_completes_under_simulation()
    {
        var report = FleetRunner.Run(BlkAndNetOverPciAndMmio(300), 1, null, null, out var world);
        AssertIntegrity(report, world);
    }

    [Fact]
    public void A_corrupted_descriptor_on_threads_is_recovered_with_nothing_lost_or_doubled()
    {
        // Armed from the test thread once traffic flows (the endpoints exist): the device corrupts its next chain,
        // the driver resets the device and resubmits.
        var spec = BlkAndNetOverPciAndMmio(600);
        var report = FleetRunner.RunThreaded(spec, 3, Timeout, Stall, out var world, w =>
        {
            // Both target devices are up (their workloads' counts are only read here, racily but harmlessly).
            var targets = w.Devices.Where(d => d.Path is "host-1/vm-1/blk0" or "host-2/vm-2/net1").ToList();
            Assert.True(SpinWait.SpinUntil(() => targets.All(d => d.Workload.Completed >= 20), Timeout), "no traffic");
            w.Endpoint("host-1/vm-1/blk0").Tell(new InjectFault(FaultKind.CorruptNextDescriptor, 0), null);
            w.Endpoint("host-2/vm-2/net1").Tell(new InjectFault(FaultKind.CorruptNextDescriptor, 1), null);
        });
        AssertIntegrity(report, world);
        Assert.Equal(2, report[Metrics.FleetCounter.FaultsInjected]);
        Assert.True(report[Metrics.FleetCounter.DeviceNeedsReset] >= 1, report.ToJson());
    }
}
