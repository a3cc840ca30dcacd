using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Backends;

/// <summary>A backend crash on the threaded dispatcher (real time, thread pool): only integrity is asserted.</summary>
public class BackendThreadedTests
{
    [Fact]
    public void A_backend_crash_on_threads_loses_nothing_and_doubles_nothing()
    {
        var device = Worlds.Blk(TransportKind.Mmio, VendorProfiles.SwiftVhost, 1500) with { WriteCache = false };
        var report = FleetRunner.RunThreaded(Worlds.OneDevice(device), 9, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(20), out var world, w =>
        {
            var result = w.Results.Single();
            Assert.True(SpinWait.SpinUntil(() => result.Completed >= 100, TimeSpan.FromSeconds(60)), "no traffic");
            w.Endpoint("host-1/vm-1/blk0").Tell(new CrashBackend("threaded"), null);
        });

        Assert.True(report.Completed, report.ToJson());
        Assert.Equal(1, report[FleetCounter.BackendCrashes]);
        var r = world.Results.Single();
        Assert.Equal(r.Issued, r.Completed);
        Assert.Equal(0, r.Duplicates);
        Assert.Equal(0, r.Errors);
        Assert.Equal(0, r.IntegrityErrors);
        AckedWrites.AssertDurable(world.Disk("host-1/vm-1/blk0"), device, r.Blocks);
    }
}
