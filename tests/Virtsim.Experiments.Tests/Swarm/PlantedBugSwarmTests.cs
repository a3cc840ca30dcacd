using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Akka.Actor;
using Virtsim.Cli.Swarm;
using Virtsim.Experiments.Swarm;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;

namespace Virtsim.Experiments.Tests.Swarm;

/// <summary>
/// The swarm command, run in process, over a world in which one blk device has a faulty backend that exists only in
/// this test (<see cref="ForgetfulBackendActor"/>): the real simulated world runs it, the swarm finds the seeds whose
/// plans crash that backend, reports the invariant by name, and shrinks each to a minimal plan and world.
/// </summary>
public sealed class PlantedBugSwarmTests : IDisposable
{
    private const string Faulty = "host-a/vm-2/blk0";

    private const string Scenario = """
        scenario { name = planted-bug, seed = 1, max-virtual-time = 200ms }
        defaults {
          blk { requests = 64, queue-depth = 8, disk-sectors = 4096 }
          net { requests = 64, queue-depth = 8 }
        }
        hosts = [
          { name = host-a, vms = [
              { name = vm-1, devices = [
                  { name = blk0, type = blk, vendor = acme-vf }
                  { name = net0, type = net, vendor = acme-vf }
              ] }
              { name = vm-2, devices = [
                  { name = blk0, type = blk, vendor = swift-vhost }
                  { name = blk1, type = blk, vendor = swift-vhost }
              ] }
          ] }
          { name = host-b, vms = [
              { name = vm-3, devices = [ { name = net0, type = net, vendor = swift-vhost } ] }
          ] }
        ]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("virtsim-planted-").FullName;

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // One run in this process, with the faulty backend in place of the faulty device's own.
    private static RunVerdict RunInProcess(string file, int seed)
    {
        var spec = ScenarioLoader.LoadFile(file);
        var report = FleetRunner.Run(spec, seed, new RunOptions { Place = (system, metrics) => PlantBug(spec, system, metrics) }, out _);
        int exit = report.Outcome switch { RunOutcome.Passed => 0, RunOutcome.StoreFailed => RunVerdict.StoreFailedExit, _ => RunVerdict.ChecksFailedExit };
        return RunVerdict.FromProcess(exit, report.ToJson(), "");
    }

    // The faulty device's backend, placed as a cluster run places one: the device's disk is the one it holds.
    private static RemoteActors PlantBug(WorldSpec spec, ActorSystem system, FleetMetrics metrics)
    {
        var plan = FleetWorld.Plan(spec).SelectMany(h => h.Vms).SelectMany(v => v.Devices).FirstOrDefault(p => p.Path == Faulty);
        if (plan?.Store is not { } disk) return RemoteActors.None;
        var profile = plan.Spec.Profile;
        var options = DeviceFactory.BlkOptions(plan);
        var crashes = new StrongBox<int>(0);
        var backend = ActorFactory.Of(() => new ForgetfulBackendActor(profile.Backend, profile.Timing, disk, options, metrics, crashes));
        return new RemoteActors
        {
            Backends = new Dictionary<string, IActorRef> { [Faulty] = system.ActorOf(Props.Create(() => new PlacedBackendActor(backend)), "forgetful-backend") },
            BlockChecksums = (_, blocks) => PlacedActors.BlockChecksums(plan, disk, blocks),
        };
    }

    [Fact]
    public void A_swarm_finds_the_faulty_backend_names_the_invariant_and_shrinks_it_to_the_faulty_device()
    {
        string path = Path.Combine(_dir, "planted.conf");
        File.WriteAllText(path, Scenario);
        string outDir = Path.Combine(_dir, "out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = SwarmCommand.Run(path, SeedRange.Parse("141..180", out _)!, jobs: 2, maxFaults: 3, shrinkRuns: 30, outDir, RunInProcess, stdout, stderr);

        string output = stdout.ToString();
        Assert.True(exit == 1, output + stderr);
        Assert.Contains("checks-failed: no-acked-write-lost", output);
        // The seeds the planted bug broke, from the list of failing seeds. (The swarm may find other failures too: a
        // corrupted DMA completion, say, can leave requests unfinished on any device; those are not the bug's.)
        var seeds = Regex.Matches(output, @"^  seed (\d+): checks-failed: no-acked-write-lost: virtsim run", RegexOptions.Multiline)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(seeds);
        var original = ScenarioLoader.LoadFile(path);
        foreach (int seed in seeds)
        {
            string file = Path.Combine(outDir, $"seed-{seed}.min.conf");
            var min = ScenarioLoader.LoadFile(file);
            var failing = ScenarioLoader.LoadFile(Path.Combine(outDir, $"seed-{seed}.conf"));
            // The minimal world names the faulty device and is smaller than the one the swarm ran.
            Assert.Contains(Faulty, WorldCuts.Devices(min));
            Assert.True(min.AllDevices().Count() < original.AllDevices().Count(), $"seed {seed}: {string.Join(", ", WorldCuts.Devices(min))}");
            Assert.True(WorldCuts.TotalRequests(min) < WorldCuts.TotalRequests(original));
            Assert.True(min.Faults.Count <= failing.Faults.Count + failing.MessageFaults.Count);
            Assert.Contains(min.Faults, f => f.Kind == ScheduledFaultKind.BackendCrash && f.Device == Faulty);
            // It replays: the same seed still breaks the same invariant.
            Assert.Equal("checks-failed: no-acked-write-lost", RunInProcess(file, seed).Name.Split(',')[0]);
            // And the bug is the faulty backend's: with the device's own backend the same file and seed pass.
            Assert.True(FleetRunner.Run(min, seed).PassedChecks, $"seed {seed} fails without the planted bug");
        }
    }
}
