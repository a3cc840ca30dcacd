using FsCheck;
using FsCheck.Fluent;
using Virtsim.Experiments.Swarm;

namespace Virtsim.Experiments.Tests.Swarm;

/// <summary>
/// The shrinker against a planted bug: an injected run function that "fails" (acked writes lost) whenever the plan
/// crashes a chosen device before a chosen time, the way a faulty device would; no product code knows of it.
/// </summary>
public class ShrinkerTests
{
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(2);
    private static readonly RunVerdict Broken = new(RunVerdictKind.ChecksFailed, ["no-acked-write-lost"]);
    private static readonly string[] Devices = ["h/vm-1/blk0", "h/vm-1/blk1", "h/vm-2/blk0", "h/vm-3/net0"];

    // The planted bug: a device-crash of blk1 before 1 ms loses acknowledged writes.
    private static RunVerdict FaultyDevice(IReadOnlyList<PlannedFault> plan) =>
        plan.Any(f => f.Kind == FaultKinds.DeviceCrash && f.Target == "h/vm-1/blk1" && f.At < TimeSpan.FromMilliseconds(1))
            ? Broken
            : RunVerdict.Passed;

    [Fact]
    public void A_swarm_over_the_planted_bug_finds_it_and_shrinks_it_to_the_one_fault_that_breaks_it()
    {
        var space = new FaultSpace(Devices, ["h"], false, MaxTime);
        var failing = Enumerable.Range(1, 300).Select(seed => PlanDrawer.Draw(space, seed, 4)).Where(p => FaultyDevice(p).Failed).ToList();
        Assert.NotEmpty(failing);
        var plan = failing.First(p => p.Count > 1);
        var result = Shrinker.Shrink(plan, Broken, FaultyDevice, MaxTime, budget: 50);
        var fault = Assert.Single(result.Plan);
        Assert.Equal((FaultKinds.DeviceCrash, "h/vm-1/blk1"), (fault.Kind, fault.Target));
        // Moved later as far as doubling goes while it still fails: the next doubling would pass 1 ms.
        Assert.True(fault.At < TimeSpan.FromMilliseconds(1) && fault.At * 2 >= TimeSpan.FromMilliseconds(1), $"at {fault.At}");
        Assert.True(result.Runs <= 50);
    }

    [Fact]
    public void A_change_that_breaks_another_invariant_is_not_kept()
    {
        var plan = new List<PlannedFault>
        {
            new(TimeSpan.FromMicroseconds(10), FaultKinds.BackendCrash, Devices[0]),
            new(TimeSpan.FromMicroseconds(20), FaultKinds.DeviceCrash, Devices[1]),
        };
        // Without the backend crash the run still fails, but by duplicates: not the same failure.
        RunVerdict Run(IReadOnlyList<PlannedFault> p) =>
            p.Count == 2 ? Broken : p.Count == 1 ? new RunVerdict(RunVerdictKind.ChecksFailed, ["duplicates"]) : RunVerdict.Passed;
        var result = Shrinker.Shrink(plan, Broken, Run, MaxTime, budget: 20);
        Assert.Equal(2, result.Plan.Count);
        Assert.Equal(Broken, result.Verdict);
    }

    [Fact]
    public void The_shrunk_plan_still_fails_the_same_way_and_is_never_larger()
    {
        var gen =
            from n in Gen.Choose(1, 6)
            from faults in Gen.ArrayOf(
                from at in Gen.Choose(1, 2_000_000)
                from kind in Gen.Elements(FaultKinds.DeviceCrash, FaultKinds.BackendCrash)
                from device in Gen.Elements(Devices)
                select new PlannedFault(TimeSpan.FromMicroseconds(at), kind, device), n)
            from bugDevice in Gen.Elements(Devices)
            from bugMicros in Gen.Choose(1, 2_000_000)
            from budget in Gen.Choose(0, 40)
            select (faults, bugDevice, bugMicros, budget);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(gen.ToArbitrary(), input =>
        {
            // A bug of two faults: any crash of the device before the time, together with any backend crash.
            RunVerdict Run(IReadOnlyList<PlannedFault> p) =>
                p.Any(f => f.Target == input.bugDevice && f.At.TotalMicroseconds < input.bugMicros) && p.Any(f => f.Kind == FaultKinds.BackendCrash)
                    ? Broken : RunVerdict.Passed;
            if (!Run(input.faults).Failed) return true;
            var result = Shrinker.Shrink(input.faults, Broken, Run, MaxTime, input.budget);
            return Run(result.Plan).SameFailureAs(Broken) && Broken.SameFailureAs(result.Verdict)
                && result.Plan.Count <= input.faults.Length && result.Runs <= input.budget
                && result.Plan.All(f => f.At < MaxTime);
        }));
    }

    [Fact]
    public void A_verdict_names_the_invariants_a_run_broke()
    {
        var verdict = RunVerdict.FromProcess(1, "seed: 3\n{\"outcome\":\"checks-failed\",\"completed\":true,\"invariants\":[" +
            "{\"name\":\"no-acked-write-lost\",\"held\":false,\"reason\":\"3 blocks\"},{\"name\":\"no-duplicate-completion\",\"held\":true,\"reason\":\"\"}," +
            "{\"name\":\"every-request-completes-or-needs-reset\",\"held\":false,\"reason\":\"3 lost\"}]}\n", "");
        Assert.Equal(["no-acked-write-lost", "every-request-completes-or-needs-reset"], verdict.Invariants);
        Assert.Equal("checks-failed: no-acked-write-lost, every-request-completes-or-needs-reset", verdict.Name);
        // A run that hit its time limit with every invariant held is named by that.
        Assert.Equal(["completed"], RunVerdict.FromProcess(1, "{\"outcome\":\"checks-failed\",\"completed\":false,\"invariants\":[]}", "").Invariants);
        Assert.Equal(RunVerdictKind.Passed, RunVerdict.FromProcess(0, "{\"outcome\":\"passed\",\"lost\":2,\"framesDroppedByCrash\":2}", "").Kind);
        Assert.Equal(RunVerdictKind.StoreFailed, RunVerdict.FromProcess(4, "{\"outcome\":\"store-failed\"}", "").Kind);
        var crash = RunVerdict.FromProcess(134, "seed: 3\n", "Aborted");
        Assert.Equal(RunVerdictKind.Crashed, crash.Kind);
        Assert.Contains("exit 134", crash.Detail);
        Assert.Equal(RunVerdictKind.Crashed, RunVerdict.FromProcess(1, "no summary", "").Kind);
    }
}
