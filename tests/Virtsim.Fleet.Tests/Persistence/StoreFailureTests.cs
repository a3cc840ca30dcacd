using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;
using Virtsim.Simulation.Persistence;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>A store that fails mid-run: the run says so, with the persistence id and the store's error, and stops.</summary>
public class StoreFailureTests
{
    private static (RunReport Report, FleetWorld World, FleetPersistence Persistence) RunWithStoreFailingAt(TimeSpan at)
    {
        var persistence = new FleetPersistence("run/test/");
        var device = CrashLoad.Device("qemu-emu", 400);
        var report = FleetRunner.Run(Worlds.OneDevice(device) with { Persistent = true }, 3, persistence, null, (world, sim) =>
        {
            // From then on every write fails, as a full disk or a locked database would.
            sim.Schedule(at, () => sim.Store.Fault = (op, _) => op == StoreOperation.Write ? new IOException("disk full") : null);
        }, out var built);
        return (report, built, persistence);
    }

    [Fact]
    public void A_write_the_store_refuses_ends_the_run_as_a_store_failure_naming_the_persistence_id()
    {
        var (report, world, persistence) = RunWithStoreFailingAt(TimeSpan.FromMicroseconds(300));

        Assert.Equal(RunOutcome.StoreFailed, report.Outcome);
        Assert.False(report.PassedChecks);
        var failure = report.StoreFailures[0];
        // The backend journals every write: it meets the failure first.
        Assert.Equal(persistence.BackendId(CrashLoad.Path), failure.PersistenceId);
        Assert.Equal("persist", failure.Phase);
        Assert.Equal("disk full", failure.Error);
        Assert.True(failure.At >= TimeSpan.FromMicroseconds(300), failure.ToString());
        // It stopped there: not a verdict on the device. Every write acknowledged before is still on the disk.
        Assert.True(report.VirtualTime < TimeSpan.FromMilliseconds(1), report.ToJson());
        Assert.Equal(0, report.AckedWritesLost);
        Assert.Contains("\"outcome\":\"store-failed\"", report.ToJson());
        Assert.Contains($"\"persistenceId\":\"{failure.PersistenceId}\"", report.ToJson());
        Assert.Contains("\"error\":\"disk full\"", report.ToJson());
        Assert.NotEmpty(world.Results.Single().Blocks);
    }

    [Fact]
    public void A_recovery_the_store_refuses_is_a_store_failure_of_the_recovering_device()
    {
        // The store fails before the device crashes: its fresh journal cannot read its events back.
        var persistence = new FleetPersistence("run/test/");
        var report = FleetRunner.Run(Worlds.OneDevice(CrashLoad.Device("swift-vhost", 400)) with { Persistent = true }, 5, persistence, null, (world, sim) =>
            sim.Schedule(TimeSpan.FromMicroseconds(100), () =>
            {
                var failure = new IOException("no such table: journal_owner");
                sim.Store.Fault = (op, _) => op is StoreOperation.Replay or StoreOperation.LoadSnapshot or StoreOperation.Write ? failure : null;
                world.InjectCrash(CrashLoad.Path, CrashTarget.Device, "test");
            }), out _);

        Assert.Equal(RunOutcome.StoreFailed, report.Outcome);
        Assert.Contains(report.StoreFailures, f => f.Phase == "recovery" && f.Error == "no such table: journal_owner"
            && (f.PersistenceId == persistence.DeviceId(CrashLoad.Path) || f.PersistenceId == persistence.BackendId(CrashLoad.Path)));
    }

    [Fact]
    public void A_run_whose_store_holds_passes_with_no_store_failure()
    {
        var report = FleetRunner.Run(Worlds.OneDevice(CrashLoad.Device("qemu-emu", 100)) with { Persistent = true }, 3, null, null, out _);
        Assert.Equal(RunOutcome.Passed, report.Outcome);
        Assert.Empty(report.StoreFailures);
        Assert.Contains("\"outcome\":\"passed\",", report.ToJson());
        Assert.Contains("\"storeFailures\":[]", report.ToJson());
    }
}
