using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>The <c>device-crash</c> fault kind and the <c>scenario.persistence</c> key of scenario files.</summary>
public class DeviceCrashScenarioTests
{
    private const string World = """
        scenario { name = crashes, seed = 5 }
        hosts = [ { name = h, vms = [ { name = vm, devices = [
          { name = blk0, type = blk, vendor = qemu-emu, requests = 300, write-cache = false }
          { name = net0, type = net, vendor = swift-vhost, requests = 10 }
        ] } ] } ]
        """;

    [Fact]
    public void Device_crashes_in_a_scenario_turn_persistence_on_and_recover_with_nothing_lost()
    {
        var spec = ScenarioLoader.Parse(World + "\n" + """
            faults = [
              { at = 50us, kind = device-crash, device = "h/vm/blk0" }
              { at = 150us, kind = device-crash, device = "h/vm/blk0" }
            ]
            """);
        Assert.True(spec.Persistent);
        Assert.All(spec.Faults, f => Assert.Equal((ScheduledFaultKind.DeviceCrash, "h/vm/blk0"), (f.Kind, f.Device)));

        // No persistence given: the runner journals in memory because the spec needs it.
        var report = FleetRunner.Run(spec, spec.DefaultSeed, null, null, out var world);
        Assert.NotNull(world.Persistence);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(2, report[FleetCounter.DeviceCrashes]);
        Assert.Equal(2, report.Recoveries.Count);
    }

    [Fact]
    public void Net_device_crashes_in_a_scenario_recover_and_lose_only_the_frames_they_dropped()
    {
        var spec = ScenarioLoader.Parse("""
            scenario { name = net-crashes, seed = 9 }
            defaults { net { requests = 600 } }
            hosts = [ { name = h, vms = [
              { name = vm1, devices = [ { name = net0, type = net, vendor = acme-vf } ] }
              { name = vm2, devices = [ { name = net0, type = net, vendor = swift-vhost, transport = mmio, driver = poll } ] }
            ] } ]
            faults = [
              { at = 60us, kind = device-crash, device = "h/vm1/net0" }
              { at = 140us, kind = device-crash, device = "h/vm2/net0" }
              { at = 200us, kind = backend-crash, device = "h/vm2/net0" }
            ]
            """);
        Assert.True(spec.Persistent);

        var report = FleetRunner.Run(spec, spec.DefaultSeed, null, null, out var world);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(2, report[FleetCounter.DeviceCrashes]);
        Assert.Equal(2, report.Recoveries.Count);
        Assert.Equal(0, report[FleetCounter.DeviceNeedsReset]);
        Assert.Equal(report.FramesDroppedByCrash, report.Lost);
        Assert.All(world.Results, r => Assert.Equal(600, r.Completed + r.DroppedByCrash));
    }

    [Fact]
    public void Persistence_is_off_unless_asked_for_or_implied()
    {
        Assert.False(ScenarioLoader.Parse(World).Persistent);
        Assert.True(ScenarioLoader.Parse(World.Replace("seed = 5", "seed = 5, persistence = true", StringComparison.Ordinal)).Persistent);
        Assert.False(ScenarioLoader.Parse(World + "\nfaults = [ { at = 1us, kind = backend-crash, device = \"h/vm/blk0\" } ]").Persistent);
    }

    [Theory]
    [InlineData("{ at = 1us, kind = device-crash, device = \"h/vm/net9\" }", "no device 'h/vm/net9'")]
    [InlineData("{ at = 1us, kind = device-explode, device = \"h/vm/blk0\" }", "known: backend-crash, device-crash")]
    [InlineData("{ at = 1us, kind = device-crash }", "device")]
    public void Bad_fault_entries_fail_with_a_position(string fault, string message)
    {
        var ex = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(World + "\nfaults = [\n  " + fault + "\n]", "s.conf"));
        Assert.Contains(message, ex.Message);
        Assert.Contains("s.conf:7:", ex.Message); // the fault's line
    }
}
