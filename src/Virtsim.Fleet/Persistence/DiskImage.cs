using System.Collections.Immutable;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Persistence;

/// <summary>One sector of a disk snapshot: its durable contents and, when a write to it is still only cached, those.</summary>
/// <param name="Sector">The sector number.</param>
/// <param name="Durable">512 bytes that survive a power loss.</param>
/// <param name="Cached">512 bytes of a completed but unflushed write, or null.</param>
public sealed record DiskSector(ulong Sector, byte[] Durable, byte[]? Cached);

/// <summary>
/// A backend's snapshot: the written sectors of its disk (never-written sectors read as zero and cost nothing) and
/// the cache mode, enough to rebuild the disk without the events before it.
/// </summary>
/// <param name="Writeback">The disk's cache mode.</param>
/// <param name="Sectors">Every sector ever written, in ascending order.</param>
/// <param name="WritesLost">A crash lost cached writes and no flush has reported it yet (<see cref="MemoryBlockStore.WritesLost"/>).</param>
public sealed record DiskImage(bool Writeback, ImmutableArray<DiskSector> Sectors, bool WritesLost = false)
{
    private const int SectorSize = 512;

    /// <summary>Captures <paramref name="sectors"/> of <paramref name="disk"/>.</summary>
    public static DiskImage Capture(MemoryBlockStore disk, IEnumerable<ulong> sectors)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(sectors);
        var list = ImmutableArray.CreateBuilder<DiskSector>();
        foreach (ulong s in sectors.Order())
        {
            var durable = new byte[SectorSize];
            disk.TryReadDurable(s, durable);
            byte[]? cached = null;
            if (disk.IsCached(s))
            {
                cached = new byte[SectorSize];
                disk.TryRead(s, cached);
            }
            list.Add(new DiskSector(s, durable, cached));
        }
        return new DiskImage(disk.CacheMode == WriteCacheMode.Writeback, list.ToImmutable(), disk.WritesLost);
    }

    /// <summary>Empties <paramref name="disk"/>: no durable data, nothing cached (the backend lost its memory).</summary>
    public static void Wipe(MemoryBlockStore disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        disk.DropCache();
        disk.CacheMode = WriteCacheMode.Writethrough;
        disk.TryWriteZeroes(0, disk.SectorCount, unmap: true);
        disk.WritesLost = false;
    }

    /// <summary>Makes a wiped <paramref name="disk"/> hold this image.</summary>
    public void ApplyTo(MemoryBlockStore disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        disk.CacheMode = WriteCacheMode.Writethrough;
        foreach (var s in Sectors) disk.TryWrite(s.Sector, s.Durable);
        disk.CacheMode = WriteCacheMode.Writeback;
        foreach (var s in Sectors)
            if (s.Cached is { } cached) disk.TryWrite(s.Sector, cached);
        if (!Writeback)
        {
            // A writethrough disk holds nothing cached; setting the mode would commit it, so drop it first.
            disk.DropCache();
            disk.CacheMode = WriteCacheMode.Writethrough;
        }
        disk.WritesLost = WritesLost;
    }
}
