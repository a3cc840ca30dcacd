using Akka.Actor;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>
/// Blk load with seeded crashes of the device actor and of its backend, on the simulation dispatcher, over any store;
/// and the checks every persistence test makes afterwards.
/// </summary>
internal static class CrashLoad
{
    public const string Path = "host-1/vm-1/blk0";

    /// <summary>A writethrough blk device of the vendor, slowed (<see cref="Worlds.Slowed"/>) so that crashes find requests at the backend.</summary>
    public static DeviceSpec Device(string vendor, int requests, bool packed = false, TransportKind transport = TransportKind.Pci) =>
        Worlds.Blk(transport, Worlds.Slowed(vendor), requests, packed) with { WriteCache = false, QueueDepth = 32 };

    /// <summary>Runs <paramref name="device"/> with <paramref name="deviceCrashes"/> device and <paramref name="backendCrashes"/> backend crashes at seeded times.</summary>
    public static RunReport Run(DeviceSpec device, int seed, FleetPersistence persistence, int deviceCrashes, int backendCrashes, out FleetWorld world,
        Akka.Configuration.Config? akka = null)
    {
        var random = new Random(seed);
        var times = Enumerable.Range(0, deviceCrashes + backendCrashes)
            .Select(i => (At: TimeSpan.FromMicroseconds(30 + random.Next(400)), Device: i < deviceCrashes)).ToList();
        return FleetRunner.Run(Worlds.OneDevice(device), seed, new RunOptions
        {
            Persistence = persistence,
            Akka = akka,
            Inspect = (w, sim) =>
            {
                foreach (var (at, isDevice) in times)
                {
                    object message = isDevice ? new CrashDevice("injected") : new CrashBackend("injected");
                    sim.Schedule(at, () => w.Endpoint(Path).Tell(message, ActorRefs.NoSender));
                }
            },
        }, out world);
    }

    /// <summary>Every request completed exactly once, and every acknowledged write is on the disk and in the journal.</summary>
    public static async Task AssertNothingLostOrDoubled(RunReport report, FleetWorld world, DeviceSpec device)
    {
        Assert.True(report.Completed, report.ToJson());
        var r = world.Results.Single();
        Assert.True(r.Issued == r.Completed, $"lost requests: {report.ToJson()}");
        Assert.Equal(0, r.Duplicates);
        Assert.Equal(0, r.Errors);
        Assert.Equal(0, r.IntegrityErrors);
        Assert.Equal(0, report.AckedWritesLost);
        Assert.NotEmpty(r.Blocks);
        AckedWrites.AssertDurable(world.Disk(Path), device, r.Blocks);
        // The disk rebuilt from the journal alone (no actor, no surviving object) holds them too.
        var rebuilt = DiskRebuild.From(world.Store!, world.Persistence!, Path, device.DiskSectors, Devices.DeviceFactory.BlkOptions(world.Devices.Single()));
        await Task.CompletedTask;
        AckedWrites.AssertDurable(rebuilt, device, r.Blocks);
    }
}
