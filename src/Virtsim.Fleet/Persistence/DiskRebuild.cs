using Virtsim.Fleet.Backends;
using Virtsim.Simulation.Persistence;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// Rebuilds a blk device's disk from its backend's journal alone (latest snapshot, then the events after it), outside
/// any actor: what a new backend would hold after a crash, with the volatile cache lost. Tests and reports compare it
/// with what the workload saw acknowledged.
/// </summary>
public static class DiskRebuild
{
    /// <summary>A fresh disk of <paramref name="sectorCount"/> sectors holding <paramref name="snapshot"/> and then <paramref name="events"/>.</summary>
    public static MemoryBlockStore From(DiskImage? snapshot, IEnumerable<object> events, ulong sectorCount, BlkDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(events);
        var disk = new MemoryBlockStore(sectorCount);
        var server = new BlkBackendServer(disk, options);
        snapshot?.ApplyTo(disk);
        foreach (var e in events)
        {
            switch (e)
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

    /// <summary>The disk the journal in a simulation's <paramref name="store"/> holds for the blk device at <paramref name="path"/>.</summary>
    public static MemoryBlockStore From(SimulationStore store, FleetPersistence persistence, string path, ulong sectorCount, BlkDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(persistence);
        string id = persistence.BackendId(path);
        var snapshot = store.Snapshots(id).LastOrDefault();
        long from = snapshot?.Metadata.SequenceNr ?? 0;
        var events = store.Events(id).Where(e => e.SequenceNr > from).Select(e => e.Payload);
        return From((DiskImage?)snapshot?.Snapshot, events, sectorCount, options);
    }
}
