using Akka.Actor;
using Virtsim.Simulation.Tracing;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Backends;

/// <summary>Net devices whose frames go through their backends, in whole worlds, without crashes.</summary>
public class NetBackendWorldTests
{
    private static readonly VendorTiming Timing = new()
    {
        PerRequestCost = TimeSpan.FromMicroseconds(4),
        PerKibCost = TimeSpan.FromTicks(10),
        BackendWakeupCost = TimeSpan.FromMicroseconds(8),
        ParallelTransactions = 4,
    };

    private static VendorProfile Profile(BackendKind kind) => new() { Name = $"test-{kind}", Backend = kind, Timing = Timing };

    [Fact]
    public void The_three_kinds_cost_different_virtual_time_for_the_same_frame_exchange()
    {
        var times = Enum.GetValues<BackendKind>().ToDictionary(k => k, k =>
        {
            var spec = Worlds.TwoVmsExchangingFrames(Worlds.Net(TransportKind.Pci, Profile(k), 600), Worlds.Net(TransportKind.Pci, Profile(k), 600));
            var report = FleetRunner.Run(spec, seed: 4);
            Assert.True(report.Completed, report.ToJson());
            Assert.Equal(1200, report[FleetCounter.FramesDelivered]);
            return report.VirtualTime;
        });

        // Same costs per frame: the VF's parallel engines finish first, the vhost-user process pays its wakeups.
        Assert.True(times[BackendKind.HardwareVf] < times[BackendKind.InHypervisor], string.Join(", ", times));
        Assert.True(times[BackendKind.InHypervisor] < times[BackendKind.VhostUser], string.Join(", ", times));
    }

    private sealed class BatchTrace : IDeliveryObserver
    {
        public readonly List<DmaBatch> FromNet = [];

        public void OnDelivered(TimeSpan at, IActorRef? sender, IActorRef receiver, object message)
        {
            if (message is DmaBatch b && sender is not null && sender.Path.Name.EndsWith("-net0", StringComparison.Ordinal)) FromNet.Add(b);
        }
    }

    [Theory]
    [InlineData(BackendKind.InHypervisor)]
    [InlineData(BackendKind.VhostUser)]
    [InlineData(BackendKind.HardwareVf)]
    public void A_net_device_with_a_backend_charges_only_its_dma_and_the_backend_the_service_time(BackendKind kind)
    {
        var timing = new VendorTiming
        {
            DmaLatencyPerTransaction = TimeSpan.FromTicks(5),
            ParallelTransactions = 1,
            NotificationDataFetchBoost = 1,
            PerRequestCost = TimeSpan.FromMicroseconds(20),
            PerKibCost = TimeSpan.FromMicroseconds(1),
        };
        var profile = new VendorProfile { Name = "charged", Backend = kind, Timing = timing };
        var spec = Worlds.TwoVmsExchangingFrames(Worlds.Net(TransportKind.Pci, profile, 200), Worlds.Net(TransportKind.Mmio, profile, 200));
        var trace = new BatchTrace();
        var report = FleetRunner.Run(spec, seed: 3, null, (_, sim) => sim.Observe(trace), out _);

        Assert.True(report.Completed, report.ToJson());
        Assert.True(trace.FromNet.Count > 10, $"{trace.FromNet.Count} passes");
        // Each pass costs its transactions at the DMA latency, one at a time, and nothing per frame or per KiB: the
        // backend charged that (20 us a frame, so 400 frames take more than 4 ms through one lane per side).
        Assert.All(trace.FromNet, b => Assert.Equal(b.Transactions * timing.DmaLatencyPerTransaction.Ticks, b.LatencyTicks));
        Assert.Contains(trace.FromNet, b => b.DataReads > 0);
        Assert.True(report.VirtualTime > TimeSpan.FromMicroseconds(200 * 20 / (kind == BackendKind.HardwareVf ? 8 : 1)), report.ToJson());
    }

    [Fact]
    public void Three_vms_of_every_kind_get_every_frame_exactly_once_through_their_backends()
    {
        // A ring a -> b -> c -> a over two hosts, one VM per backend kind, mixed transports and driver modes.
        var spec = new WorldSpec
        {
            Name = "ring3",
            Hosts =
            [
                new HostSpec { Name = "h1", Vms =
                [
                    new VmSpec { Name = "a", Devices = [Worlds.Net(TransportKind.Pci, VendorProfiles.AcmeVf, 700)] },
                    new VmSpec { Name = "b", Devices = [Worlds.Net(TransportKind.Mmio, VendorProfiles.SwiftVhost, 500, DriverMode.Poll)] },
                ] },
                new HostSpec { Name = "h2", Vms = [new VmSpec { Name = "c", Devices = [Worlds.Net(TransportKind.Pci, VendorProfiles.QemuEmulated, 600)] }] },
            ],
        };
        Assert.Equal([BackendKind.HardwareVf, BackendKind.VhostUser, BackendKind.InHypervisor],
            spec.Hosts.SelectMany(h => h.Vms).Select(v => v.Devices[0].Profile.Backend));

        var report = FleetRunner.Run(spec, seed: 8, null, null, out var world);

        Assert.True(report.Completed, report.ToJson());
        var results = world.Results.ToList();
        Assert.Equal(600, results[0].Completed);  // a receives what c sent
        Assert.Equal(700, results[1].Completed);  // b what a sent
        Assert.Equal(500, results[2].Completed);  // c what b sent
        Assert.All(results, r => Assert.Equal(0, r.Duplicates));
        Assert.All(results, r => Assert.Equal(0, r.IntegrityErrors));
        Assert.Equal(0, report.Lost);
        Assert.Equal(1800, report[FleetCounter.FramesDelivered]);
        Assert.Equal(0, report[FleetCounter.NetBackendFramesDropped]);
    }

    [Fact]
    public void The_same_seed_gives_the_same_trace_hash_through_net_backends()
    {
        var spec = Worlds.TwoVmsExchangingFrames(Worlds.Net(TransportKind.Pci, VendorProfiles.SwiftVhost, 400),
            Worlds.Net(TransportKind.Mmio, VendorProfiles.AcmeVf, 300));
        var a = FleetRunner.Run(spec, seed: 17);
        var b = FleetRunner.Run(spec, seed: 17);
        Assert.True(a.Completed, a.ToJson());
        Assert.Equal(a.TraceHash, b.TraceHash);
        Assert.Equal(a.VirtualTime, b.VirtualTime);
        Assert.Equal(a.Counters, b.Counters);
    }
}
