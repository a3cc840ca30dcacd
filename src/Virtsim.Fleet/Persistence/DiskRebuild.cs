using Virtsim.Fleet.Backends;
using Virtsim.Persistence;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// Rebuilds a blk device's disk from its backend's journal alone (latest snapshot, then the events after it), outside
/// any actor: what a new backend would hold after a crash, with the volatile cache lost. Tests and reports compare it
/// with what the workload saw acknowledged.
/// </summary>
public static class DiskRebuild
{
    /// <summary>A fresh disk of <paramref name="sectorCount"/> sectors holding what the journal of the blk device at <paramref name="path"/> says.</summary>
    public static async Task<MemoryBlockStore> FromJournalAsync(FleetPersistence persistence, string path, ulong sectorCount, BlkDeviceOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        string id = persistence.BackendId(path);
        var disk = new MemoryBlockStore(sectorCount);
        var server = new BlkBackendServer(disk, options);
        long from = 1;
        var snapshot = await persistence.Snapshots.LoadLatestAsync(id, SnapshotCriteria.Any, cancellationToken).ConfigureAwait(false);
        if (snapshot is not null)
        {
            ((DiskImage)DiskSerializer.Instance.Read(snapshot.Manifest, snapshot.Payload.Span)).ApplyTo(disk);
            from = snapshot.Metadata.SequenceNr + 1;
        }
        await foreach (var e in persistence.Journal.ReadAsync(id, from, long.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            switch (DiskSerializer.Instance.Read(e.Manifest, e.Payload.Span))
            {
                case DiskChange change:
                    server.Serve(change.ToRequest());
                    break;
                case DiskCacheLost:
                    disk.DropCache();
                    break;
            }
        }
        disk.DropCache(); // whatever was only cached did not survive
        return disk;
    }
}
