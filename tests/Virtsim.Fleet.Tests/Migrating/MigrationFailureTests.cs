using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Migration;
using static Virtsim.Fleet.Tests.Migrating.MigrationWorlds;

namespace Virtsim.Fleet.Tests.Migrating;

/// <summary>
/// The scenario faults of live migration, reproducible by seed: each ends the migration as QEMU would, and wherever the
/// VM survives nothing it acknowledged is lost. The destination is the empty host h3, so a crash there takes no other VM.
/// </summary>
public class MigrationFailureTests
{
    [Fact]
    public void A_destination_crash_during_pre_copy_fails_the_migration_and_the_vm_runs_on_at_the_source()
    {
        var report = Run(Scenario("acme-vf", to: "h3", extra: "faults = [ { at = 2ms, kind = host-crash, host = h3 } ]"), seed: 5,
            out var world, out var arrivals);

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Failed, m.Outcome);
        Assert.Equal("destination host h3 crashed during the migration; the VM runs on at the source", m.Reason);
        Assert.Equal(0, m.MemoryBytesSent); // round 0 never arrived
        Assert.Equal(TimeSpan.Zero, m.Downtime); // the VM never stopped
        Assert.Empty(report.LostVms);
        Assert.DoesNotContain(arrivals.Doorbells.Keys, k => k.StartsWith("/user/h3/", StringComparison.Ordinal));
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.True(world.Devices.All(d => d.Workload.Done));
    }

    [Theory]
    [InlineData("device-crash")]
    [InlineData("backend-crash")]
    public void A_crash_fault_after_the_migration_reaches_the_device_at_its_destination(string kind)
    {
        // The scenario names the device where it started (h1/vm1/blk0); by 8 ms it runs on h2 under another name.
        var report = Run(Scenario("swift-vhost", blkRequests: 6000, extra: $$"""faults = [ { at = 8ms, kind = {{kind}}, device = "h1/vm1/blk0" } ]"""),
            seed: 5, out var world, out _);

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Completed, m.Outcome);
        Assert.True(TimeSpan.FromMilliseconds(1) + m.TotalTime < TimeSpan.FromMilliseconds(8), $"the migration ended at {1 + m.TotalTime.TotalMilliseconds} ms");
        var crashes = kind == "device-crash" ? FleetCounter.DeviceCrashes : FleetCounter.BackendCrashes;
        Assert.Equal(1, report[crashes]); // it used to be lost without a word: the host it named no longer had the VM
        Assert.Equal(0, report.AckedWritesLost);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.True(world.Devices.All(d => d.Workload.Done));
    }

    [Fact]
    public void A_link_failure_aborts_the_migration_or_with_retry_waits_for_the_link()
    {
        var aborted = Run(Scenario("swift-vhost", to: "h3", extra: "faults = [ { at = 2ms, kind = link-failure, host = h3 } ]"), seed: 5,
            out _, out _);
        var a = Assert.Single(aborted.Migrations);
        Assert.Equal(MigrationOutcome.Failed, a.Outcome);
        Assert.Contains("link of h3 failed mid-transfer", a.Reason);
        Assert.True(aborted.PassedChecks, aborted.ToJson());

        var retried = Run(Scenario("swift-vhost", to: "h3", migration: ", on-link-failure = retry",
            extra: "faults = [ { at = 2ms, kind = link-failure, host = h3, duration = 3ms } ]"), seed: 5, out _, out _);
        var r = Assert.Single(retried.Migrations);
        Assert.Equal(MigrationOutcome.Completed, r.Outcome);
        // 128 MiB at 40 GiB/s take 3.1 ms; the link was down for 3 ms of it.
        Assert.True(r.TotalTime > TimeSpan.FromMilliseconds(6), $"total {r.TotalTime}");
        Assert.True(retried.PassedChecks, retried.ToJson());
    }

    [Fact]
    public void A_refused_device_state_rolls_the_vm_back_to_the_source()
    {
        var report = Run(Scenario("acme-vf", to: "h3", extra: """faults = [ { at = 0s, kind = refuse-device-state, device = "h1/vm1/net0" } ]"""),
            seed: 5, out var world, out var arrivals);

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.RolledBack, m.Outcome);
        Assert.Contains("net0: the destination refused h1/vm1/net0's device state", m.Reason);
        Assert.True(m.Downtime > TimeSpan.Zero); // it had stopped for the switchover
        Assert.Empty(report.LostVms);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.True(world.Devices.All(d => d.Workload.Done));
        // Back at the source, its devices served again after the rollback.
        Assert.True(arrivals.Doorbells.GetValueOrDefault("/user/h1/vm1-blk0") > 0);
    }

    [Fact]
    public void A_source_crash_during_post_copy_loses_the_vm()
    {
        var report = Run(Scenario("swift-vhost", to: "h3", migration: ", mode = post-copy", workingSet: "128MiB",
            extra: "faults = [ { at = 2ms, kind = host-crash, host = h1 } ]"), seed: 5, out _, out _);

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.VmLost, m.Outcome);
        Assert.StartsWith("source host h1 crashed during post-copy with ", m.Reason);
        Assert.Equal(["h1/vm1"], report.LostVms);
    }

    [Theory]
    [InlineData("acme-vf")]
    [InlineData("swift-vhost")]
    public void A_device_whose_writes_are_not_tracked_leaves_pages_that_differ_and_the_run_names_them(string vendor)
    {
        var report = Run(Scenario(vendor, net: ", dirty-tracking = false"), seed: 5, out _, out _);

        var m = Assert.Single(report.Migrations);
        Assert.True(report.MemoryMismatches > 0);
        Assert.False(report.PassedChecks);
        Assert.StartsWith($"destination memory differs from the source's in {report.MemoryMismatches} page(s) at the switchover", m.Reason);
        Assert.Matches(@": 0x[0-9a-f]+000(, 0x[0-9a-f]+000)*(, \.\.\.)?$", m.Reason);

        // The same world with tracking on passes (the check is not a false alarm).
        var tracked = Run(Scenario(vendor), seed: 5, out _, out _);
        Assert.Equal(0, tracked.MemoryMismatches);
        Assert.True(tracked.PassedChecks, tracked.ToJson());
    }
}
