using System.Text.Json;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// A Virtsim device served over vhost-user: the pure <see cref="IDeviceHandler"/> plus what the vhost-user
/// layer needs around it (the queue count the front-end asks for, work between doorbells, a summary).
/// </summary>
public abstract class VhostUserDevice
{
    /// <summary>Creates the wrapper for <paramref name="handler"/>.</summary>
    protected VhostUserDevice(IDeviceHandler handler) => Handler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <summary>The device logic.</summary>
    public IDeviceHandler Handler { get; }

    /// <summary>The virtio feature bits offered to the front-end (device-type and ring bits).</summary>
    public virtual FeatureSet OfferedFeatures => Handler.OfferedFeatures;

    /// <summary>Number of rings the back-end serves.</summary>
    public virtual int RingCount => Handler.QueueCount;

    /// <summary>The GET_QUEUE_NUM reply.</summary>
    public virtual ulong QueueNum => (ulong)RingCount;

    /// <summary>
    /// True when the device's requests must survive a back-end restart, so INFLIGHT_SHMFD is offered (blk); a
    /// lost network frame is only a drop, so net does not.
    /// </summary>
    public virtual bool TracksInflight => false;

    /// <summary>
    /// True when ring <paramref name="index"/>, under IN_ORDER, may publish one used entry (split) or descriptor
    /// (packed) for a whole batch of buffers, as the spec allows. Only for rings whose buffers the device reads and
    /// never writes: real drivers free those through the batch (DPDK's in-order transmit cleanup counts the split used
    /// index and walks a packed batch to its id), but read the length of every used entry on rings the device writes
    /// into (DPDK's receive paths).
    /// </summary>
    public virtual bool BatchesInOrderCompletions(int index) => false;

    /// <summary>True when the device has work that does not wait for a doorbell (frames to inject).</summary>
    public virtual bool HasPendingWork => false;

    /// <summary>Checks the features a front-end accepted (at FEATURES_OK); null to accept, else the reason.</summary>
    public virtual string? ValidateFeatures(FeatureSet accepted) => Handler.ValidateFeatures(accepted);

    /// <summary>Adopts the negotiated virtio features.</summary>
    public virtual void Activate(FeatureSet negotiated) => Handler.Activate(negotiated);

    /// <summary>Returns to power-on state (a new front-end, RESET_DEVICE).</summary>
    public virtual void Reset() => Handler.Reset();

    /// <summary>Serves a doorbell on ring <paramref name="index"/>.</summary>
    public virtual QueueProcessResult OnKick(int index, IDeviceQueue queue) => Handler.ProcessQueue(index, queue);

    /// <summary>
    /// Serves a doorbell on a started but disabled ring "without side effects" (spec: ring states): the default does
    /// nothing; a net device returns transmit buffers unsent.
    /// </summary>
    public virtual QueueProcessResult OnDisabledKick(int index, IDeviceQueue queue) => default;

    /// <summary>Work between doorbells (for example injecting received frames).</summary>
    public virtual void Service(IRingAccess rings) { }

    /// <summary>Writes the device's counters into the summary object being written.</summary>
    public abstract void WriteSummary(Utf8JsonWriter writer);
}
