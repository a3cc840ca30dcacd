using System.Text.Json;
using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Conformance;

/// <summary>
/// Virtsim's device turned hostile: a real back-end (<see cref="NetBackend"/>, <see cref="BlkBackend"/>) whose fault ring
/// is served through a <see cref="HostileQueue"/>. Everything else is the back-end's own behaviour, so the driver under
/// test sees a working device that lies once.
/// </summary>
internal sealed class HostileBackend(VhostUserDevice inner, DeviceFault fault) : VhostUserDevice(inner.Handler), IDisposable
{
    private readonly Dictionary<IDeviceQueue, HostileQueue> _wrapped = new(ReferenceEqualityComparer.Instance);

    /// <summary>The fault's state.</summary>
    public FaultState State { get; } = new();

    /// <summary>The device underneath.</summary>
    public VhostUserDevice Inner => inner;

    public override FeatureSet OfferedFeatures => inner.OfferedFeatures;
    public override int RingCount => inner.RingCount;
    public override ulong QueueNum => inner.QueueNum;
    // Plain core queues underneath, so a split used element's slot is the queue's next used index.
    public override bool TracksInflight => false;
    public override bool BatchesInOrderCompletions(int index) => false;
    public override bool HasPendingWork => inner.HasPendingWork;
    public override string? ValidateFeatures(FeatureSet accepted) => inner.ValidateFeatures(accepted);
    public override void Activate(FeatureSet negotiated) => inner.Activate(negotiated);
    public override void Reset() => inner.Reset();
    public override QueueProcessResult OnKick(int index, IDeviceQueue queue) => inner.OnKick(index, Wrap(index, queue));
    public override QueueProcessResult OnDisabledKick(int index, IDeviceQueue queue) => inner.OnDisabledKick(index, Wrap(index, queue));
    public override void Service(IRingAccess rings) => inner.Service(new Rings(this, rings));
    public override void WriteSummary(Utf8JsonWriter writer) => inner.WriteSummary(writer);

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private IDeviceQueue Wrap(int index, IDeviceQueue queue)
    {
        if (index != fault.Ring) return queue;
        lock (_wrapped)
        {
            if (!_wrapped.TryGetValue(queue, out var hostile)) _wrapped[queue] = hostile = new HostileQueue(queue, fault, State);
            return hostile;
        }
    }

    private sealed class Rings(HostileBackend owner, IRingAccess rings) : IRingAccess
    {
        public bool TryGetActive(int index, out IDeviceQueue queue)
        {
            if (!rings.TryGetActive(index, out queue)) return false;
            queue = owner.Wrap(index, queue);
            return true;
        }

        public void Interrupt(int index) => rings.Interrupt(index);
        public void Broken(int index, QueueError error) => rings.Broken(index, error);
    }
}
