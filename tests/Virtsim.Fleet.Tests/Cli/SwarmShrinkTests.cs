using System.Text.RegularExpressions;
using Virtsim.Cli.Swarm;
using Virtsim.Experiments.Swarm;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>
/// The swarm's orchestration (generated files, table, replay commands, shrinking, the shrunk file) over a planted bug
/// that exists only in this test: a faulty device, as the run function, that loses acknowledged writes whenever the
/// generated scenario crashes host-a/vm-1/blk1 before 1 ms. Each generated file is loaded with the real
/// <see cref="ScenarioLoader"/>, so the files must be valid scenarios carrying the drawn faults.
/// </summary>
public sealed class SwarmShrinkTests : IDisposable
{
    private const string Buggy = "host-a/vm-1/blk1";
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"virtsim-swarm-{Guid.NewGuid():N}");
    private static string CrashRecovery => Path.Combine(CliHarness.RepoRoot(), "scenarios", "crash-recovery.conf");

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    private static RunVerdict FaultyDevice(string file, int seed)
    {
        var spec = ScenarioLoader.LoadFile(file);
        return spec.Faults.Any(f => f.Kind == ScheduledFaultKind.DeviceCrash && f.Device == Buggy && f.At < TimeSpan.FromMilliseconds(1))
            ? new RunVerdict(RunVerdictKind.ChecksFailed, ["no-acked-write-lost"])
            : RunVerdict.Passed;
    }

    [Fact]
    public void The_swarm_finds_the_planted_bug_prints_each_replay_command_and_shrinks_each_failure_to_its_one_fault()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = SwarmCommand.Run(CrashRecovery, new SeedRange(1, 60), jobs: 2, maxFaults: 4, shrinkRuns: 40, _out, FaultyDevice, stdout, stderr);
        string text = stdout.ToString();
        Assert.True(code == 1, $"exit {code}\n{text}\n{stderr}");

        var failing = Regex.Matches(text, @"^  seed (\d+): checks-failed: no-acked-write-lost: virtsim run (\S+) --seed \1$", RegexOptions.Multiline);
        Assert.NotEmpty(failing);
        Assert.Matches(new Regex($@"^checks-failed: no-acked-write-lost\s+{failing.Count}\s", RegexOptions.Multiline), text);
        Assert.Matches(new Regex($@"^passed\s+{60 - failing.Count}\s", RegexOptions.Multiline), text);
        foreach (Match m in failing)
        {
            // The kept file replays the failure; its plan is the seed's draw.
            int seed = int.Parse(m.Groups[1].Value);
            Assert.True(FaultyDevice(m.Groups[2].Value, seed).Failed);
            // The shrunk plan: the buggy device's crash alone, as late as doubling allows.
            var shrunk = Regex.Match(text, $@"^  seed {seed}: (\d+) -> 1 faults, \d+ devices/\d+ requests -> 1 devices/1 requests in \d+ runs, checks-failed: no-acked-write-lost: virtsim run (\S+) --seed {seed}$", RegexOptions.Multiline);
            Assert.True(shrunk.Success, $"seed {seed} not shrunk to one fault:\n{text}");
            // The run function looks at the plan alone: the world shrinks to the device the fault names, with 1 request.
            var min = ScenarioLoader.LoadFile(shrunk.Groups[2].Value);
            Assert.Equal([Buggy], WorldCuts.Devices(min));
            Assert.Equal(1, WorldCuts.RequestsOf(min, Buggy));
            var fault = Assert.Single(min.Faults);
            Assert.Equal((ScheduledFaultKind.DeviceCrash, Buggy), (fault.Kind, fault.Device));
            Assert.True(fault.At < TimeSpan.FromMilliseconds(1) && fault.At * 2 >= TimeSpan.FromMilliseconds(1), $"seed {seed}: at {fault.At}");
        }
        // Only failures' files stay: the seed's file and its shrunk plan; no trial file.
        Assert.Equal(failing.Count * 2, Directory.GetFiles(_out).Length);
    }

    [Fact]
    public void A_seed_draws_the_same_plan_into_the_same_file_each_time()
    {
        string Plan(string dir)
        {
            SwarmCommand.Run(CrashRecovery, new SeedRange(5, 5), 1, 5, 0, dir, (_, _) => new RunVerdict(RunVerdictKind.Crashed, [], "test"), TextWriter.Null, TextWriter.Null);
            return File.ReadAllText(Path.Combine(dir, "seed-5.conf"));
        }
        Assert.Equal(Plan(Path.Combine(_out, "a")), Plan(Path.Combine(_out, "b")));
    }
}
