using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Virtsim.Cli.Swarm;
using Virtsim.Experiments.Swarm;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// The swarm draws faults of places too (iommu-unmap, corrupt-memory with its targets): read from the plans it writes,
/// loaded with the real scenario loader; they run in the simulated world; and a shrink keeps the failing invariant.
/// </summary>
public sealed class SwarmPlaceFaultTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"virtsim-swarm-place-{Guid.NewGuid():N}");
    private static string FaultPlan => Path.Combine(CliHarness.RepoRoot(), "scenarios", "fault-plan.conf");

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    [Fact]
    public void A_swarm_over_a_few_seeds_draws_iommu_unmaps_and_both_memory_corruptions_that_load_and_run()
    {
        var drawn = new ConcurrentBag<FaultSpec>();
        var files = new ConcurrentDictionary<int, string>();
        RunVerdict Record(string file, int seed)
        {
            var spec = ScenarioLoader.LoadFile(file); // the written plan reads back as a scenario
            foreach (var f in spec.Faults) drawn.Add(f);
            if (spec.Faults.Any(f => f.Kind is ScheduledFaultKind.IommuUnmap or ScheduledFaultKind.CorruptMemory)) files[seed] = File.ReadAllText(file);
            return RunVerdict.Passed;
        }
        int code = SwarmCommand.Run(FaultPlan, new SeedRange(1, 30), jobs: 2, maxFaults: 4, shrinkRuns: 0, _out, Record, TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, code);
        Assert.Contains(drawn, f => f.Kind == ScheduledFaultKind.IommuUnmap && f.Duration > TimeSpan.Zero && f.Duration <= FaultSpace.MaxUnmap);
        Assert.Contains(drawn, f => f.Kind == ScheduledFaultKind.CorruptMemory && f.Corruption == FaultKind.CorruptNextDescriptor);
        Assert.Contains(drawn, f => f.Kind == ScheduledFaultKind.CorruptMemory && f.Corruption == FaultKind.CorruptAvailIndex);
        Assert.Contains(drawn, f => f.Kind == ScheduledFaultKind.DeviceCrash);
        // One such plan runs in the simulated world to its end, and its faults of places acted.
        var (seed, text) = files.OrderBy(f => f.Key).First();
        var report = FleetRunner.Run(ScenarioLoader.Parse(text, $"seed-{seed}.conf"), seed);
        Assert.True(report.Completed || report.Invariants.Any(i => !i.Held), report.ToJson());
    }

    [Fact]
    public void A_shrink_removes_the_other_faults_and_keeps_the_iommu_unmap_that_breaks_the_invariant()
    {
        // A planted verdict: an iommu-unmap of host-a/vm-1/blk0 breaks driver-recovers; without it, a corrupt-memory
        // breaks another invariant (which the shrink must not take for the same failure).
        const string Device = "host-a/vm-1/blk0";
        static RunVerdict Verdict(string file, int seed)
        {
            var spec = ScenarioLoader.LoadFile(file);
            if (spec.Faults.Any(f => f.Kind == ScheduledFaultKind.IommuUnmap && f.Device == Device))
                return new RunVerdict(RunVerdictKind.ChecksFailed, [RunInvariants.DriverRecovers]);
            return spec.Faults.Any(f => f.Kind == ScheduledFaultKind.CorruptMemory)
                ? new RunVerdict(RunVerdictKind.ChecksFailed, [RunInvariants.DataIntegrity])
                : RunVerdict.Passed;
        }
        var stdout = new StringWriter();
        int code = SwarmCommand.Run(FaultPlan, new SeedRange(1, 40), jobs: 2, maxFaults: 5, shrinkRuns: 40, _out, Verdict, stdout, TextWriter.Null);
        string text = stdout.ToString();
        Assert.Equal(1, code);

        var shrunk = Regex.Matches(text, @"^  seed (\d+): (\d+) -> (\d+) faults, .* checks-failed: driver-recovers: virtsim run (\S+) --seed \1$", RegexOptions.Multiline);
        Assert.NotEmpty(shrunk);
        foreach (Match m in shrunk)
        {
            var min = ScenarioLoader.LoadFile(m.Groups[4].Value);
            var fault = Assert.Single(min.Faults);
            Assert.Equal((ScheduledFaultKind.IommuUnmap, Device), (fault.Kind, fault.Device));
            Assert.Equal([RunInvariants.DriverRecovers], Verdict(m.Groups[4].Value, 0).Invariants);
        }
    }
}
