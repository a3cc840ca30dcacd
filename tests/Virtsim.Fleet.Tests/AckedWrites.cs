using Virtsim.Fleet.Workloads;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Tests;

/// <summary>The check behind "no acknowledged write is ever lost", on the media itself.</summary>
internal static class AckedWrites
{
    /// <summary>
    /// Every block in <paramref name="blocks"/> (the workload's acknowledged writes and their checksums) is durable on
    /// <paramref name="disk"/>: read from the media only, so a write still in the volatile cache counts as lost.
    /// </summary>
    public static void AssertDurable(MemoryBlockStore disk, DeviceSpec device, IReadOnlyDictionary<long, ulong> blocks)
    {
        int sectors = BlkWorkloadActor.SectorsPerBlock(device);
        var data = new byte[sectors * 512];
        foreach (var (index, sum) in blocks)
        {
            Assert.True(disk.TryReadDurable((ulong)(index * sectors), data), $"block {index}: out of range");
            Assert.True(sum == Checksum.Of(data), $"block {index}: acknowledged write lost");
        }
    }
}
