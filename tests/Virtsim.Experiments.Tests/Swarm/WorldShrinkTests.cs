using FsCheck;
using FsCheck.Fluent;
using Virtsim.Cli;
using Virtsim.Experiments.Swarm;
using Virtsim.Fleet.World;

namespace Virtsim.Experiments.Tests.Swarm;

/// <summary>
/// The shrinker's world passes: devices no fault names are removed, requests halved, and the shrunk world written back
/// as scenario text the loader reads (the built-in quickstart world: 2 hosts, 4 VMs, 8 devices of 2000 requests).
/// </summary>
public class WorldShrinkTests
{
    private static readonly RunVerdict Broken = new(RunVerdictKind.ChecksFailed, ["no-acked-write-lost"]);
    private static readonly string QuickstartText = ScenarioSource.BuiltIn("quickstart")!;
    private static readonly WorldSpec Quickstart = ScenarioLoader.Parse(QuickstartText);

    [Fact]
    public void A_failing_world_of_eight_devices_shrinks_to_the_one_device_the_bug_needs_with_fewer_requests()
    {
        const string Faulty = "host-b/vm-3/blk0";
        // The planted bug: the faulty device loses acknowledged writes once it has issued 100 requests, if it crashes.
        RunVerdict Run(IReadOnlyList<PlannedFault> plan, WorldSpec world) =>
            plan.Any(f => f.Target == Faulty && f.Kind == FaultKinds.DeviceCrash)
            && world.AllDevices().Any(d => WorldCuts.PathOf(d.Host, d.Vm, d.Device) == Faulty && d.Device.Requests >= 100)
                ? Broken : RunVerdict.Passed;
        var plan = new List<PlannedFault>
        {
            new(TimeSpan.FromMicroseconds(40), FaultKinds.BackendCrash, "host-a/vm-1/blk0"),
            new(TimeSpan.FromMicroseconds(70), FaultKinds.DeviceCrash, Faulty),
        };
        var result = Shrinker.Shrink(plan, Quickstart, Broken, Run, Quickstart.MaxVirtualTime, budget: 60);

        Assert.Equal([Faulty], WorldCuts.Devices(result.World));
        Assert.Equal(["host-b"], result.World.Hosts.Select(h => h.Name));
        int requests = WorldCuts.RequestsOf(result.World, Faulty);
        Assert.InRange(requests, 100, 199); // halved from 2000 while it still fails: 1000, 500, 250, 125
        Assert.Equal(Broken, Run(result.Plan, result.World));
        Assert.Single(result.Plan);

        // Written back, the file loads to the same world: one device, its requests.
        var text = FaultPlan.ScenarioText(QuickstartText, result.Plan, "shrunk", HostsOverride.For(ScenarioLoader.ParseConfig(QuickstartText), result.World));
        var loaded = ScenarioLoader.Parse(text);
        Assert.Equal([Faulty], WorldCuts.Devices(loaded));
        Assert.Equal(requests, WorldCuts.RequestsOf(loaded, Faulty));
        var device = loaded.AllDevices().Single().Device;
        Assert.Equal(Quickstart.AllDevices().Single(d => WorldCuts.PathOf(d.Host, d.Vm, d.Device) == Faulty).Device with { Requests = requests }, device);
        Assert.Single(loaded.Faults);
    }

    [Fact]
    public void A_device_a_fault_names_is_never_removed_and_an_unchanged_world_writes_back_as_it_was()
    {
        var plan = new List<PlannedFault> { new(TimeSpan.FromMicroseconds(5), FaultKinds.BackendCrash, "host-a/vm-2/net0") };
        Assert.DoesNotContain("host-a/vm-2/net0", WorldCuts.Removable(Quickstart, plan));
        Assert.Equal(7, WorldCuts.Removable(Quickstart, plan).Count);
        var same = ScenarioLoader.Parse(QuickstartText + "\n" + HostsOverride.For(ScenarioLoader.ParseConfig(QuickstartText), Quickstart));
        Assert.Equal(Quickstart.AllDevices().Select(d => d.Device), same.AllDevices().Select(d => d.Device));
    }

    [Fact]
    public void The_shrunk_world_still_fails_the_same_way_is_never_larger_and_stays_within_budget()
    {
        var paths = WorldCuts.Devices(Quickstart);
        var gen =
            from n in Gen.Choose(1, 4)
            from faults in Gen.ArrayOf(
                from at in Gen.Choose(1, 2_000_000)
                from kind in Gen.Elements(FaultKinds.DeviceCrash, FaultKinds.BackendCrash)
                from device in Gen.Elements(paths.ToArray())
                select new PlannedFault(TimeSpan.FromMicroseconds(at), kind, device), n)
            from needed in Gen.SubListOf(paths.ToArray())
            from minRequests in Gen.Choose(0, 2000)
            from budget in Gen.Choose(0, 60)
            select (faults, needed, minRequests, budget);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(gen.ToArbitrary(), input =>
        {
            // A bug that needs some devices present with enough requests in all, and a crash of any of them.
            RunVerdict Run(IReadOnlyList<PlannedFault> p, WorldSpec w)
            {
                var present = WorldCuts.Devices(w);
                return input.needed.All(present.Contains) && WorldCuts.TotalRequests(w) >= input.minRequests
                    && p.Any(f => f.Kind == FaultKinds.DeviceCrash) ? Broken : RunVerdict.Passed;
            }
            if (!Run(input.faults, Quickstart).Failed) return true;
            var result = Shrinker.Shrink(input.faults, Quickstart, Broken, Run, Quickstart.MaxVirtualTime, input.budget);
            var before = Quickstart.AllDevices().ToDictionary(d => WorldCuts.PathOf(d.Host, d.Vm, d.Device), d => d.Device.Requests);
            return Run(result.Plan, result.World).SameFailureAs(Broken) && Broken.SameFailureAs(result.Verdict)
                && result.Runs <= input.budget && result.Plan.Count <= input.faults.Length
                && result.World.AllDevices().All(d => before.TryGetValue(WorldCuts.PathOf(d.Host, d.Vm, d.Device), out int r) && d.Device.Requests <= r)
                && result.World.Hosts.All(h => h.Vms.All(v => v.Devices.Count > 0));
        }));
    }
}
