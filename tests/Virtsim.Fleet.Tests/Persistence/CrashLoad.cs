using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.Workloads;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>
/// Blk load with seeded crashes of the device actor and of its backend, on the simulation dispatcher, over any store;
/// and the checks every persistence test makes afterwards.
/// </summary>
internal static class CrashLoad
{
    public const string Path = "host-1/vm-1/blk0";

    // A vendor profile with at least 4 us of service per request, so requests are at the backend when a crash comes.
    public static DeviceSpec Device(string vendor, int requests, bool packed = false, TransportKind transport = TransportKind.Pci)
    {
        var profile = VendorProfiles.Find(vendor)!;
        var slower = profile with { Timing = profile.Timing with { PerRequestCost = TimeSpan.FromTicks(Math.Max(40, profile.Timing.PerRequestCost.Ticks)) } };
        return Worlds.Blk(transport, slower, requests, packed) with { WriteCache = false, QueueDepth = 32 };
    }

    /// <summary>Runs <paramref name="device"/> with <paramref name="deviceCrashes"/> device and <paramref name="backendCrashes"/> backend crashes at seeded times.</summary>
    public static RunReport Run(DeviceSpec device, int seed, FleetPersistence persistence, int deviceCrashes, int backendCrashes, out FleetWorld world)
    {
        var random = new Random(seed);
        var times = Enumerable.Range(0, deviceCrashes + backendCrashes)
            .Select(i => (At: TimeSpan.FromMicroseconds(30 + random.Next(400)), Device: i < deviceCrashes)).ToList();
        return FleetRunner.Run(Worlds.OneDevice(device), seed, persistence, null, (w, sim) =>
        {
            foreach (var (at, isDevice) in times)
            {
                object message = isDevice ? new CrashDevice("injected") : new CrashBackend("injected");
                sim.ScheduleOnce(at, () => w.Endpoint(Path).Tell(message, null));
            }
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
        AssertHoldsEveryAckedWrite(world.Disk(Path), r.Blocks, device.BlockSize);
        // The disk rebuilt from the journal alone (no actor, no surviving object) holds them too.
        var rebuilt = await DiskRebuild.FromJournalAsync(world.Persistence!, Path, device.DiskSectors, Devices.DeviceFactory.BlkOptions(world.Devices.Single()));
        AssertHoldsEveryAckedWrite(rebuilt, r.Blocks, device.BlockSize);
    }

    private static void AssertHoldsEveryAckedWrite(Virtio.Devices.Blk.MemoryBlockStore disk, SortedDictionary<long, ulong> blocks, int blockSize)
    {
        var data = new byte[blockSize];
        foreach (var (index, sum) in blocks)
        {
            Assert.True(disk.TryReadDurable((ulong)(index * (blockSize / 512)), data));
            Assert.True(sum == Checksum.Of(data), $"block {index}: acknowledged write lost");
        }
    }
}
