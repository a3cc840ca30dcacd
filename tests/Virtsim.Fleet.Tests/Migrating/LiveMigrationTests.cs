using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Migration;
using Virtsim.Fleet.World;
using static Virtsim.Fleet.Tests.Migrating.MigrationWorlds;

namespace Virtsim.Fleet.Tests.Migrating;

/// <summary>
/// Live migration in the actor world (docs/migration.md): a running VM moves with its memory and its devices, by device
/// kind, ring format and transport, and its workloads finish at the destination with nothing acknowledged lost.
/// </summary>
public class LiveMigrationTests
{
    private const long Memory = 128L << 20;

    [Theory]
    [InlineData("swift-vhost", "pci", false)]
    [InlineData("swift-vhost", "pci", true)]
    [InlineData("swift-vhost", "mmio", false)]
    [InlineData("swift-vhost", "mmio", true)]
    [InlineData("acme-vf", "pci", false)]
    [InlineData("acme-vf", "pci", true)]
    [InlineData("acme-vf", "mmio", false)]
    [InlineData("acme-vf", "mmio", true)]
    public void Pre_copy_moves_a_running_vm_and_its_devices_serve_at_the_destination(string vendor, string transport, bool packed)
    {
        var report = Run(Scenario(vendor, transport, packed), seed: 5, out var world, out var arrivals);

        Assert.True(report.PassedChecks, report.ToJson());
        var m = Assert.Single(report.Migrations);
        Assert.Equal((MigrationOutcome.Completed, "h1/vm1", "h1", "h2"), (m.Outcome, m.Vm, m.From, m.To));
        Assert.True(m.Rounds >= 1, $"rounds {m.Rounds}");
        // Round 0 sent every page; every later page sent is a resend.
        Assert.Equal(Memory + m.PagesResent * 4096, m.MemoryBytesSent);
        Assert.True(m.PagesResent > 0, "the guest and the devices dirtied no page during round 0");
        Assert.True(m.DeviceStateBytes > 0);
        Assert.True(m.Downtime > TimeSpan.Zero && m.Downtime < m.TotalTime, $"downtime {m.Downtime}, total {m.TotalTime}");
        Assert.Equal(0, report.MemoryMismatches);
        Assert.Empty(report.LostVms);

        // The workloads went on at the destination: its device endpoints took doorbells, the switch sent the frames
        // for vm1 to its new port (the announce), and every block written before and after reads back.
        Assert.True(arrivals.Doorbells.GetValueOrDefault("/user/h2/h1.vm1-blk0") > 0, "the blk device never served at the destination");
        // The software backend takes frames slower than its peer sends them: here every frame for vm1 reached the switch
        // before the switchover (queued at the old device, then lost by the migration); the VF keeps up, so frames come
        // after it and must reach the new port.
        if (vendor == "acme-vf") Assert.True(arrivals.Frames.GetValueOrDefault("/user/h2/h1.vm1-net0") > 0, "no frame reached the net device at its new port");
        Assert.Equal(0, report.IntegrityErrors);
        Assert.Equal(0, report.AckedWritesLost);
        var blk = world.Devices.Single(d => d.Path == "h1/vm1/blk0");
        Assert.True(blk.Workload.Done);
        AckedWrites.AssertDurable(world.Disk("h1/vm1/blk0"), blk.Spec, blk.Workload.Blocks);

        // Frames still queued for the old device were lost by the migration: counted, never silently.
        Assert.Equal(report[FleetCounter.FramesLostByMigration], report.Lost);
        Assert.True(world.Devices.All(d => d.Workload.Done));
    }

    [Fact]
    public void A_vdpa_device_that_cannot_log_its_writes_is_relayed_through_a_shadow_virtqueue_while_it_migrates()
    {
        var report = Run(Scenario("nimble-vdpa"), seed: 5, out _, out var arrivals);

        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(MigrationOutcome.Completed, Assert.Single(report.Migrations).Outcome);
        Assert.True(report[FleetCounter.ShadowVirtqueueRequests] > 0);
        Assert.True(arrivals.Doorbells.GetValueOrDefault("/user/h2/h1.vm1-blk0") > 0);
        Assert.Equal(0, report.MemoryMismatches);
    }

    [Fact]
    public void A_migration_pool_lets_a_vf_move_to_a_software_backend_without_renegotiation()
    {
        const string pool = ", migration-pool = [acme-vf, swift-vhost]";
        var report = Run(Scenario("acme-vf", blk: pool, net: pool, migration: ", devices { blk0 = swift-vhost, net0 = swift-vhost }"),
            seed: 5, out var world, out var arrivals);

        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(MigrationOutcome.Completed, Assert.Single(report.Migrations).Outcome);
        Assert.True(arrivals.Doorbells.GetValueOrDefault("/user/h2/h1.vm1-blk0") > 0);
        // No renegotiation: the driver initialised each device once (a status read and a few more accesses per init).
        Assert.Equal(0, report[FleetCounter.DriverRecoveries]);
        Assert.True(world.Devices.All(d => d.Workload.Done));
    }

    [Fact]
    public void A_destination_that_cannot_present_the_negotiated_features_is_refused_before_the_migration_starts()
    {
        // Without a pool the VF's driver negotiated NOTIFICATION_DATA, which the software backend does not implement.
        var report = Run(Scenario("acme-vf", migration: ", devices { blk0 = swift-vhost }"), seed: 5, out var world, out var arrivals);

        var m = Assert.Single(report.Migrations);
        Assert.Equal(MigrationOutcome.Refused, m.Outcome);
        Assert.Contains("blk0: swift-vhost cannot present the negotiated feature NOTIFICATION_DATA (bit 38)", m.Reason);
        Assert.DoesNotContain("net0", m.Reason); // net0 keeps its vendor
        Assert.Equal((0L, 0, TimeSpan.Zero), (m.MemoryBytesSent, m.Rounds, m.Downtime));
        Assert.DoesNotContain(arrivals.Doorbells.Keys, k => k.StartsWith("/user/h2/h1.", StringComparison.Ordinal));
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.True(world.Devices.All(d => d.Workload.Done));
    }

    [Fact]
    public void Post_copy_switches_first_and_pulls_the_pages_after()
    {
        var report = Run(Scenario("swift-vhost", migration: ", mode = post-copy", dirtyRate: "512MiB/s", workingSet: "128MiB"), seed: 5, out var world, out var arrivals);

        Assert.True(report.PassedChecks, report.ToJson());
        var m = Assert.Single(report.Migrations);
        Assert.Equal((MigrationOutcome.Completed, MigrationMode.PostCopy, 0), (m.Outcome, m.Mode, m.Rounds));
        Assert.Equal(Memory, m.MemoryBytesSent); // every page exactly once
        Assert.True(m.PostCopyFaults > 0, "the guest touched no page before it arrived");
        Assert.True(arrivals.Doorbells.GetValueOrDefault("/user/h2/h1.vm1-blk0") > 0);
        Assert.Equal(0, report.MemoryMismatches);
        Assert.True(world.Devices.All(d => d.Workload.Done));
    }
}
