using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Backends;

public class BackendKindTimingTests
{
    private static readonly VendorTiming Timing = new()
    {
        PerRequestCost = TimeSpan.FromMicroseconds(10),
        PerKibCost = TimeSpan.FromTicks(10),
        BackendWakeupCost = TimeSpan.FromMicroseconds(8),
        ParallelTransactions = 4,
    };

    private static VendorProfile Profile(BackendKind kind) => new() { Name = $"test-{kind}", Backend = kind, Timing = Timing };

    [Fact]
    public void The_three_kinds_cost_different_virtual_time_for_the_same_workload()
    {
        var times = Enum.GetValues<BackendKind>().ToDictionary(k => k, k =>
        {
            var report = FleetRunner.Run(Worlds.OneDevice(Worlds.Blk(TransportKind.Pci, Profile(k), 400)), seed: 3);
            Assert.True(report.Completed, report.ToJson());
            return report.VirtualTime;
        });

        // Same costs per request: the VF's parallel engines finish first, the vhost-user process pays its wakeups.
        Assert.True(times[BackendKind.HardwareVf] < times[BackendKind.InHypervisor], string.Join(", ", times));
        Assert.True(times[BackendKind.InHypervisor] < times[BackendKind.VhostUser], string.Join(", ", times));
    }

    [Fact]
    public void A_vhost_user_backend_pays_the_wakeup_only_when_idle()
    {
        var model = new BackendServiceModel(BackendKind.VhostUser, Timing);
        long service = model.ServiceTicks(4096);
        long wake = Timing.BackendWakeupCost.Ticks;
        Assert.Equal((0, wake + service), model.Schedule(0, 4096));
        // Arrives while busy: queued behind the first, no second wakeup.
        Assert.Equal((0, wake + 2 * service), model.Schedule(1, 4096));
        // Arrives after it went idle: wakes it again.
        long later = wake + 2 * service + 100;
        Assert.Equal((0, later + wake + service), model.Schedule(later, 4096));
    }

    [Fact]
    public void A_hardware_vf_serves_as_many_requests_at_once_as_it_has_engines_and_in_hypervisor_one()
    {
        var vf = new BackendServiceModel(BackendKind.HardwareVf, Timing);
        var emulated = new BackendServiceModel(BackendKind.InHypervisor, Timing);
        long service = vf.ServiceTicks(0);
        Assert.Equal(4, vf.Lanes);
        var finishes = Enumerable.Range(0, 5).Select(_ => vf.Schedule(0, 0).FinishTicks).ToList();
        Assert.Equal([service, service, service, service, 2 * service], finishes);
        var serial = Enumerable.Range(0, 3).Select(_ => emulated.Schedule(0, 0).FinishTicks).ToList();
        Assert.Equal([service, 2 * service, 3 * service], serial);
    }
}
