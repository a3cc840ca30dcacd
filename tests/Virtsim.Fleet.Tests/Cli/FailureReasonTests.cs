using System.Text.Json;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>A run that fails says why, as the drivers and devices said it: in the report, the JSON line, the table and on stderr.</summary>
public class FailureReasonTests
{
    // blk0's backend crashes more often than its device may restart it (10 times a second): it is stopped, the
    // device needs a reset it cannot get past, and the run stalls; blk1 runs normally.
    private const string BackendCrashLoop = """
        scenario { name = crash-loop, seed = 2, max-virtual-time = 3ms }
        hosts = [ { name = h, vms = [ { name = vm, devices = [
          { name = blk0, type = blk, vendor = qemu-emu, requests = 2000 }
          { name = blk1, type = blk, vendor = qemu-emu, requests = 20 }
        ] } ] } ]
        faults = [ FAULTS ]
        """;

    private const string Stopped = "backend stopped after too many restarts";

    [Fact]
    public void A_stopped_backend_is_named_with_its_reason_in_the_json_the_table_and_on_stderr()
    {
        string file = Path.Combine(Path.GetTempPath(), $"virtsim-failure-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, BackendCrashLoop.Replace("FAULTS", """{ at = 100us, kind = backend-crash, device = "h/vm/blk0" }, { at = 101us, kind = backend-crash, device = "h/vm/blk0" }, { at = 102us, kind = backend-crash, device = "h/vm/blk0" }, { at = 103us, kind = backend-crash, device = "h/vm/blk0" }, { at = 104us, kind = backend-crash, device = "h/vm/blk0" }, { at = 105us, kind = backend-crash, device = "h/vm/blk0" }, { at = 106us, kind = backend-crash, device = "h/vm/blk0" }, { at = 107us, kind = backend-crash, device = "h/vm/blk0" }, { at = 108us, kind = backend-crash, device = "h/vm/blk0" }, { at = 109us, kind = backend-crash, device = "h/vm/blk0" }, { at = 110us, kind = backend-crash, device = "h/vm/blk0" }""", StringComparison.Ordinal));
        try
        {
            var (code, output, error) = CrashRecoveryCommandTests.Cli("run", file, "--json");
            Assert.True(code == 1, error);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var root = JsonDocument.Parse(lines[^1]).RootElement;
            Assert.Equal("checks-failed", root.GetProperty("outcome").GetString());
            var failures = root.GetProperty("failures").EnumerateArray()
                .Select(f => (f.GetProperty("device").GetString(), f.GetProperty("reason").GetString())).ToList();
            Assert.Contains(("h/vm/blk0", Stopped), failures);
            Assert.DoesNotContain(failures, f => f.Item1 == "h/vm/blk1");
            Assert.Contains($"error: h/vm/blk0: {Stopped}", error);
            Assert.Contains("backend stopped", output); // the table's failure row (wrapped to the table's width)

            var (tableCode, table, _) = CrashRecoveryCommandTests.Cli("run", file);
            Assert.Equal(1, tableCode);
            Assert.Contains("│ failure ", table);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_driver_that_gave_up_is_named_with_its_reason()
    {
        // The vendor supports 64 descriptors per queue and the driver asks for 128 (a scenario file cannot say this:
        // its loader refuses it; a spec built in code can): the queue setup is refused and the driver gives up.
        var spec = Worlds.OneDevice(Worlds.Blk(TransportKind.Pci, VendorProfiles.Find("qemu-emu")! with { MaxQueueSize = 64 }, 20) with { QueueSize = 128 })
            with { MaxVirtualTime = TimeSpan.FromMilliseconds(5) };
        var report = FleetRunner.Run(spec, 2);
        Assert.Equal(RunOutcome.ChecksFailed, report.Outcome);
        const string gaveUp = "driver gave up: queue 0: queue size 128 exceeds the maximum 64";
        Assert.Contains(new DeviceFailure("host-1/vm-1/blk0", gaveUp), report.Failures);
        Assert.Contains($"\"reason\":\"{gaveUp}\"", report.ToJson());
    }

    [Fact]
    public void A_backend_stopped_after_too_many_restarts_is_the_reason_of_the_stalled_run()
    {
        var faults = Enumerable.Range(0, TransportEndpointActor.MaxBackendRestarts + 1)
            .Select(i => new FaultSpec(TimeSpan.FromMicroseconds(100 + i), ScheduledFaultKind.BackendCrash, "host-1/vm-1/blk0")).ToList();
        var spec = Worlds.OneDevice(Persistence.CrashLoad.Device("acme-vf", 2_000)) with
        {
            MaxVirtualTime = TimeSpan.FromMilliseconds(3),
            Faults = faults,
        };
        var report = FleetRunner.Run(spec, 1);
        Assert.Equal(RunOutcome.ChecksFailed, report.Outcome);
        Assert.Contains(new DeviceFailure("host-1/vm-1/blk0", "backend stopped after too many restarts"), report.Failures);
        Assert.Contains("\"reason\":\"backend stopped after too many restarts\"", report.ToJson());
    }

    [Fact]
    public void A_good_run_has_no_failures()
    {
        var report = FleetRunner.Run(Worlds.OneDevice(Persistence.CrashLoad.Device("swift-vhost", 50)), 1);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Empty(report.Failures);
        Assert.Contains("\"failures\":[]", report.ToJson());
    }

    [Fact]
    public void Failures_are_read_from_what_the_driver_and_the_device_said()
    {
        var health = new DeviceHealth { NeedsResetReason = "queue 1: descriptor 3 out of range", DriverReady = true };
        Assert.Equal([new DeviceFailure("d", "device needs a reset: queue 1: descriptor 3 out of range")], DeviceFailure.Of("d", health, false));
        // A driver still initialising counts only when its workload did not finish.
        var initialising = new DeviceHealth();
        Assert.Empty(DeviceFailure.Of("d", initialising, workloadDone: true));
        Assert.Contains("had not finished initialising", Assert.Single(DeviceFailure.Of("d", initialising, workloadDone: false)).Reason);
        // A stopped backend whose reason is also the pending reset's is said once.
        var stopped = new DeviceHealth { BackendStopped = "backend stopped after too many restarts", NeedsResetReason = "backend stopped after too many restarts" };
        Assert.Single(DeviceFailure.Of("d", stopped, false));
    }
}
