using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Backends;

/// <summary>
/// Crashes over a writeback cache (the scenario default): completed but unflushed writes may be lost (the virtio-blk
/// spec allows it), which the run reports apart and passes; every write the driver promised (flushed) is on the disk.
/// </summary>
public class WritebackCrashTests
{
    private static WorldSpec Scenario(bool writeCache) => ScenarioLoader.Parse($$"""
        scenario { name = writeback-crashes, seed = 4 }
        hosts = [ { name = h, vms = [ { name = vm, devices = [
          { name = blk0, type = blk, vendor = qemu-emu, requests = 400, write-cache = {{(writeCache ? "true" : "false")}} }
        ] } ] } ]
        faults = [
          { at = 100us, kind = backend-crash, device = "h/vm/blk0" }
          { at = 250us, kind = device-crash, device = "h/vm/blk0" }
          { at = 400us, kind = backend-crash, device = "h/vm/blk0" }
        ]
        """);

    [Fact]
    public void Unflushed_writes_a_crash_dropped_are_reported_apart_and_the_run_passes()
    {
        var spec = Scenario(writeCache: true);
        var report = FleetRunner.Run(spec, spec.DefaultSeed, null, null, out var world);

        // Before: the dropped writes counted as acknowledged writes lost (and as integrity errors), and the run failed.
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(0, report.AckedWritesLost);
        Assert.Equal(0, report.IntegrityErrors);
        Assert.True(report.UnflushedWritesLost > 0, report.ToJson());
        Assert.Contains($"\"unflushedWritesLost\":{report.UnflushedWritesLost}", report.ToJson());
        Assert.Equal(2, report[FleetCounter.BackendCrashes]);
        Assert.Equal(1, report[FleetCounter.DeviceCrashes]);

        // The device reported the loss at the final flush (IOERR), so that flush promised nothing it had lost.
        var r = world.Results.Single();
        Assert.Equal(1, r.Errors);
        Assert.True(r.Written.UnpromisedCount >= report.UnflushedWritesLost);
        var device = spec.Hosts[0].Vms[0].Devices[0];
        AckedWrites.AssertDurable(world.Disk("h/vm/blk0"), device, r.Written.Promised);
    }

    [Fact]
    public void A_write_the_driver_saw_flushed_and_then_missing_still_fails_the_run()
    {
        var spec = Scenario(writeCache: true) with { Faults = [] };
        var report = FleetRunner.Run(spec, spec.DefaultSeed, null, null, out var world);
        Assert.True(report.PassedChecks, report.ToJson());
        var plan = world.Devices.Single();
        Assert.Equal(plan.Workload.Blocks.Count, plan.Workload.Written.Promised.Count); // the final flush promised all

        var (block, _) = plan.Workload.Written.Promised.First();
        int sectors = Workloads.BlkWorkloadActor.SectorsPerBlock(plan.Spec);
        plan.Store!.TryWrite((ulong)(block * sectors), new byte[sectors * 512]); // the media loses a flushed write
        Assert.Equal((1L, 0L), FleetRunner.WritesLost(plan, plan.Store));
    }

    [Fact]
    public void With_the_cache_off_every_completed_write_is_promised_at_once()
    {
        // Before the final flush: a writethrough device's driver promises each write at completion, a writeback one's none.
        foreach (bool writeCache in new[] { false, true })
        {
            var spec = Scenario(writeCache) with { Faults = [] };
            int promisedEarly = -1, writtenEarly = -1;
            var report = FleetRunner.Run(spec, spec.DefaultSeed, null, (world, sim) => sim.Schedule(TimeSpan.FromMicroseconds(300), () =>
            {
                var written = world.Results.Single().Written;
                (promisedEarly, writtenEarly) = (written.Promised.Count, written.Acknowledged.Count);
            }), out _);
            Assert.True(report.PassedChecks, report.ToJson());
            Assert.True(writtenEarly > 0);
            Assert.Equal(writeCache ? 0 : writtenEarly, promisedEarly);
        }
    }
}
