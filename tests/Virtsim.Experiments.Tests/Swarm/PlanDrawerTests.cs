using FsCheck;
using FsCheck.Fluent;
using Virtsim.Experiments.Swarm;

namespace Virtsim.Experiments.Tests.Swarm;

/// <summary>The plan drawer: a seed replays its plan, and a plan names only what the scenario has, within its time.</summary>
public class PlanDrawerTests
{
    private static readonly Gen<FaultSpace> Spaces =
        from hosts in Gen.Choose(1, 3)
        from devices in Gen.Choose(0, 6)
        from migrates in Gen.Elements(false, true)
        from maxMicros in Gen.Choose(1, 20_000_000)
        select new FaultSpace(
            Enumerable.Range(0, devices).Select(d => $"h{d % hosts}/vm-{d}/blk0").ToList(),
            Enumerable.Range(0, hosts).Select(h => $"h{h}").ToList(),
            migrates,
            TimeSpan.FromMicroseconds(maxMicros));

    private static readonly Gen<(FaultSpace Space, int Seed, int K)> Inputs =
        from space in Spaces
        from seed in Gen.Choose(0, int.MaxValue)
        from k in Gen.Choose(1, 10)
        select (space, seed, k);

    [Fact]
    public void The_same_seed_draws_the_same_plan()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Inputs.ToArbitrary(), i =>
            PlanDrawer.Draw(i.Space, i.Seed, i.K).SequenceEqual(PlanDrawer.Draw(i.Space, i.Seed, i.K))));
    }

    [Fact]
    public void A_plan_names_only_the_scenarios_devices_and_hosts_with_kinds_that_apply_within_its_time()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Inputs.ToArbitrary(), i =>
        {
            var plan = PlanDrawer.Draw(i.Space, i.Seed, i.K);
            if (i.Space.Devices.Count == 0 && !i.Space.HostFaults) return plan.Count == 0;
            return plan.Count >= 1 && plan.Count <= i.K && plan.All(f =>
                i.Space.Kinds.Contains(f.Kind)
                && (FaultKinds.TargetsHost(f.Kind) ? i.Space.Hosts.Contains(f.Target) : i.Space.Devices.Contains(f.Target))
                && f.At >= FaultSpace.MinTime && (f.At < i.Space.MaxTime || f.At == FaultSpace.MinTime)
                && (f.Kind is FaultKinds.LinkFailure or FaultKinds.Message or FaultKinds.IommuUnmap || f.Duration == TimeSpan.Zero)
                && (f.Kind != FaultKinds.IommuUnmap || (f.Duration >= FaultSpace.MinTime && f.Duration < FaultSpace.MaxUnmap))
                && (f.Kind == FaultKinds.CorruptMemory) == FaultKinds.MemoryTargets.Contains(f.MemoryTarget ?? "")
                && (f.Kind == FaultKinds.Message) == (f.Message is not null));
        }));
    }

    [Fact]
    public void Host_faults_are_drawn_only_when_the_scenario_migrates()
    {
        var devices = new[] { "h0/vm/blk0", "h1/vm/net0" };
        var still = new FaultSpace(devices, ["h0", "h1"], HostFaults: false, TimeSpan.FromSeconds(1));
        var migrating = still with { HostFaults = true };
        var stillKinds = Enumerable.Range(0, 200).SelectMany(s => PlanDrawer.Draw(still, s, 5)).Select(f => f.Kind).ToHashSet();
        var migratingKinds = Enumerable.Range(0, 200).SelectMany(s => PlanDrawer.Draw(migrating, s, 5)).Select(f => f.Kind).ToHashSet();
        Assert.Equal([FaultKinds.BackendCrash, FaultKinds.CorruptMemory, FaultKinds.DeviceCrash, FaultKinds.IommuUnmap, FaultKinds.Message], stillKinds.Order());
        Assert.Contains(FaultKinds.HostCrash, migratingKinds);
        Assert.Contains(FaultKinds.LinkFailure, migratingKinds);
    }

    [Fact]
    public void A_message_fault_draws_a_class_an_action_a_small_probability_and_a_window()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Inputs.ToArbitrary(), i =>
            PlanDrawer.Draw(i.Space, i.Seed, i.K).Where(f => f.Kind == FaultKinds.Message).All(f =>
                FaultKinds.MessageClasses.Contains(f.Message!.Class) && FaultKinds.MessageActions.Contains(f.Message.Action)
                && f.Message.Probability >= FaultSpace.MinProbability && f.Message.Probability <= FaultSpace.MaxProbability
                && f.Duration >= FaultSpace.MinTime
                && (f.Message.Action == "delay"
                    ? f.Message.Delay >= FaultSpace.MinTime && f.Message.Delay < FaultSpace.MaxDelay
                    : f.Message.Delay == TimeSpan.Zero))));
        // Over many seeds every class and action comes up.
        var space = new FaultSpace(["h/vm-1/blk0"], ["h"], false, TimeSpan.FromSeconds(1));
        var drawn = Enumerable.Range(0, 400).SelectMany(s => PlanDrawer.Draw(space, s, 5)).Where(f => f.Message is not null).ToList();
        Assert.Equal(FaultKinds.MessageClasses.Order(), drawn.Select(f => f.Message!.Class).Distinct().Order());
        Assert.Equal(FaultKinds.MessageActions.Order(), drawn.Select(f => f.Message!.Action).Distinct().Order());
    }

    [Fact]
    public void A_message_fault_is_written_with_its_window_selector_and_delay()
    {
        var fault = new PlannedFault(TimeSpan.FromMicroseconds(40), FaultKinds.Message, "h/vm-1/net0", TimeSpan.FromMicroseconds(100),
            new PlannedMessage("frame", "delay", 0.0125, TimeSpan.FromMicroseconds(7)));
        Assert.Equal("{ kind = message, class = frame, action = delay, probability = 0.0125, from = 40us, until = 140us, devices = [\"h/vm-1/net0\"], delay = 7us }",
            fault.ToHocon());
        Assert.Equal("{ kind = message, class = interrupt, action = drop, probability = 0.001, from = 80us, until = 180us, devices = [\"h/vm-1/net0\"] }",
            (fault with { Message = new PlannedMessage("interrupt", "drop", 0.001) }).StartingAt(TimeSpan.FromMicroseconds(80)).ToHocon());
    }

    [Fact]
    public void Faults_of_places_are_written_with_their_duration_and_target_and_a_packed_ring_gets_no_avail_index()
    {
        Assert.Equal("{ at = 60us, kind = iommu-unmap, device = \"h/vm-1/blk0\", duration = 300us }",
            new PlannedFault(TimeSpan.FromMicroseconds(60), FaultKinds.IommuUnmap, "h/vm-1/blk0", TimeSpan.FromMicroseconds(300)).ToHocon());
        Assert.Equal("{ at = 60us, kind = corrupt-memory, device = \"h/vm-1/blk0\", queue = 0, target = avail-index }",
            new PlannedFault(TimeSpan.FromMicroseconds(60), FaultKinds.CorruptMemory, "h/vm-1/blk0", MemoryTarget: "avail-index").ToHocon());
        var space = new FaultSpace(["h/vm-1/blk0", "h/vm-1/blk1"], ["h"], false, TimeSpan.FromSeconds(1))
        {
            PackedRingDevices = new HashSet<string> { "h/vm-1/blk1" },
        };
        var corruptions = Enumerable.Range(0, 400).SelectMany(s => PlanDrawer.Draw(space, s, 5)).Where(f => f.Kind == FaultKinds.CorruptMemory).ToList();
        Assert.Equal(["avail-index", "descriptor"], corruptions.Where(f => f.Target == "h/vm-1/blk0").Select(f => f.MemoryTarget!).Distinct().Order());
        Assert.Equal(["descriptor"], corruptions.Where(f => f.Target == "h/vm-1/blk1").Select(f => f.MemoryTarget!).Distinct());
    }

    [Fact]
    public void Different_seeds_draw_different_plans()
    {
        var space = new FaultSpace(["h/vm-1/blk0", "h/vm-1/blk1", "h/vm-2/net0"], ["h"], false, TimeSpan.FromSeconds(2));
        var plans = Enumerable.Range(1, 50).Select(s => string.Join(";", PlanDrawer.Draw(space, s, 3).Select(f => f.ToHocon()))).ToHashSet();
        Assert.True(plans.Count > 40, $"only {plans.Count} different plans of 50 seeds");
    }

    [Fact]
    public void A_plan_is_written_as_the_faults_list_of_a_scenario_file()
    {
        var text = FaultPlan.ScenarioText("scenario { name = x }\n",
            [new PlannedFault(TimeSpan.FromMicroseconds(60), FaultKinds.DeviceCrash, "h/vm-1/blk0"),
             new PlannedFault(TimeSpan.FromMilliseconds(2), FaultKinds.LinkFailure, "h", TimeSpan.FromMicroseconds(5))],
            "seed 3");
        Assert.Equal("scenario { name = x }\n\n# seed 3\nfaults = [\n" +
                     "  { at = 60us, kind = device-crash, device = \"h/vm-1/blk0\" }\n" +
                     "  { at = 2000us, kind = link-failure, host = \"h\", duration = 5us }\n]\n", text);
    }
}
