using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Migration;
using static Virtsim.Fleet.Tests.Migrating.MigrationWorlds;

namespace Virtsim.Fleet.Tests.Migrating;

/// <summary>
/// Random small worlds with a migration (device kind, transport, ring format, mode, guest dirty rate, start time,
/// sometimes a destination crash): whatever happens, nothing acknowledged is lost, nothing is completed twice, every
/// frame is delivered or counted as lost by the migration, and the destination's memory equals the source's at the
/// switchover.
/// </summary>
public class MigrationProperties
{
    private sealed record Case(string Vendor, string Transport, bool Packed, string Mode, string DirtyRate, int AtUs, int BlkRequests,
        int Frames, int? CrashAtUs, int Seed)
    {
        public override string ToString() =>
            $"{Vendor} {Transport}{(Packed ? " packed" : "")} {Mode} dirty {DirtyRate} at {AtUs}us blk {BlkRequests} frames {Frames} crash {CrashAtUs?.ToString() ?? "none"} seed {Seed}";
    }

    [Fact]
    public void Nothing_acknowledged_is_lost_or_doubled_and_the_destination_memory_equals_the_source()
    {
        var cases =
            from vendor in Gen.Elements("acme-vf", "swift-vhost", "nimble-vdpa")
            from transport in Gen.Elements("pci", "mmio")
            from packed in Gen.Elements(false, true)
            from mode in Gen.Elements("pre-copy", "post-copy", "hybrid")
            from dirty in Gen.Elements("1MiB/s", "64MiB/s", "1GiB/s")
            from at in Gen.Choose(200, 2000)
            from blk in Gen.Choose(100, 400)
            from frames in Gen.Choose(50, 200)
            from crash in Gen.Frequency((3, Gen.Constant<int?>(null)), (1, Gen.Choose(100, 4000).Select(c => (int?)c)))
            from seed in Gen.Choose(1, 10_000)
            select new Case(vendor, transport, packed, mode, dirty, at, blk, frames, crash, seed);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            string crash = c.CrashAtUs is { } us ? $"faults = [ {{ at = {us}us, kind = host-crash, host = h3 }} ]" : "";
            var scenario = Scenario(c.Vendor, c.Transport, c.Packed, migration: $", mode = {c.Mode}", extra: crash, blkRequests: c.BlkRequests,
                frames: c.Frames, dirtyRate: c.DirtyRate, to: "h3", workingSet: "16MiB").Replace("at = 1ms", $"at = {c.AtUs}us", StringComparison.Ordinal);
            var report = Run(scenario, c.Seed, out var world, out _);
            var m = Assert.Single(report.Migrations);
            bool lost = report.LostVms.Count > 0;
            // A crashed destination loses the VM only after the switchover (it then ran there).
            Assert.True(m.Outcome is MigrationOutcome.Completed or MigrationOutcome.Failed || (lost && c.CrashAtUs is not null), $"{c}: {m.Outcome} {m.Reason}");
            Assert.Equal(0, report.AckedWritesLost);
            Assert.Equal(0, report.Duplicates);
            Assert.Equal(0, report.IntegrityErrors);
            Assert.Equal(0, report.MemoryMismatches);
            if (!lost)
            {
                // A lost VM's workloads are reported apart, so frames lost on their way to it are not in the dropped count.
                Assert.Equal(report[FleetCounter.FramesLostByMigration], report.FramesDroppedByCrash);
                Assert.True(report.PassedChecks, $"{c}: {report.ToJson()}");
                Assert.True(world.Devices.All(d => d.Workload.Done), c.ToString());
                foreach (var blk in world.Devices.Where(d => d.Spec.Kind == DeviceKind.Blk))
                    AckedWrites.AssertDurable(world.Disk(blk.Path), blk.Spec, blk.Workload.Blocks);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(12));
    }
}
