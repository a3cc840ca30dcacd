using Akka.Actor;
using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Persistence;
using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Endpoints;

// A device on another node than its VM (placed) recovering from its journal: DeviceRecovery reads each split ring's
// used index from the device's memory view, which holds only what was fetched, so the indexes are fetched first by
// DMA reads to the host. Without them the view reads zero there and the device resumed its rings at 0.
public sealed partial class TransportEndpointActor
{
    /// <summary>The queue byte of the tags of the used-index reads before a restore (no queue has it, so Ready ignores late replies).</summary>
    private const ulong RecoveryTagQueue = 0xFF;

    private readonly Dictionary<ulong, ulong> _usedIndexFetches = [];
    private DeviceImage? _fetchingFor;
    private string? _usedIndexFault;

    // True when the restore of `image` waits for its used indexes (a placed device with enabled split rings).
    private bool FetchUsedIndexes(DeviceImage image)
    {
        if (_context.Access is not RemoteGuestMemory || image.Model.NegotiatedFeatures.Has(FeatureBit.RingPacked)) return false;
        ulong epoch = (ulong)((image.Incarnation + 1) & 0xFFFF) << 48;
        ulong sequence = 0;
        foreach (var queue in image.Model.Queues.Where(q => q.Enabled))
        {
            ulong tag = epoch | (++sequence << 8) | RecoveryTagQueue;
            _usedIndexFetches[tag] = queue.DeviceArea;
            // flags and idx of the used ring: what DeviceRecovery reads.
            _context.Host.Tell(new DmaRead(tag, _context.Pasid, queue.DeviceArea, 4), Self);
        }
        if (_usedIndexFetches.Count == 0) return false;
        _fetchingFor = image;
        _usedIndexFault = null;
        Become(FetchingUsedIndexes);
        return true;
    }

    // As Recovering: everything waits for the restored state, doorbells add nothing.
    private void FetchingUsedIndexes()
    {
        Receive<DmaCompleted>(c =>
        {
            if (!_usedIndexFetches.Remove(c.Tag, out ulong address))
            {
                Stash.Stash();
                return;
            }
            ((RemoteGuestMemory)_context.Access).Fill(address, c.Data);
            if (_usedIndexFetches.Count == 0) RestoreFetched();
        });
        Receive<DmaFaulted>(f =>
        {
            if (!_usedIndexFetches.Remove(f.Tag))
            {
                Stash.Stash();
                return;
            }
            _usedIndexFault ??= $"device crashed: a used index is unreadable ({f.Fault}{(f.Reason is null ? "" : ": " + f.Reason)})";
            if (_usedIndexFetches.Count == 0) RestoreFetched();
        });
        Receive<DoorbellMessage>(_ => { });
        Receive<DoorbellDue>(_ => { });
        ReceiveAny(_ => Stash.Stash());
    }

    private void RestoreFetched()
    {
        var image = _fetchingFor!;
        _fetchingFor = null;
        Become(Ready);
        Restore(image);
        Stash.UnstashAll();
    }

    // After DeviceRecovery read the fetched indexes: the queues' passes fetch what they read themselves (a page
    // fetched for 4 bytes must not pass for a fetched page).
    private void DropRecoveryFetches()
    {
        if (_context.Access is RemoteGuestMemory remote) remote.EndPass();
    }
}
