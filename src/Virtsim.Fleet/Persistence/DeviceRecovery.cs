using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Transport;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// Turns a journaled <see cref="DeviceImage"/> and the guest memory the rings live in into a model state a fresh
/// device can restore (pure logic). The rings' positions are not journaled: a blk device completes its chains in pop
/// order and publishes the used index at the end of every pass, so between messages a split ring's chains in flight
/// are exactly the available entries from the published used index on. The restored queue therefore resumes at that
/// index (next available = next used = the used index in guest memory) and pops those chains again, so each is served
/// and completed exactly once and nothing completed is redone. A packed ring's used position cannot be read back
/// that way; its device falls back to DEVICE_NEEDS_RESET (the driver resets and resubmits).
/// </summary>
public static class DeviceRecovery
{
    /// <summary>
    /// The state to restore from <paramref name="image"/>, and the reason the device must then enter DEVICE_NEEDS_RESET
    /// (null when it resumes exactly).
    /// </summary>
    public static (DeviceModelState State, string? NeedsReset) Prepare(DeviceImage image, DeviceMemory memory)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(memory);
        var model = image.Model;
        var features = model.NegotiatedFeatures;
        bool packed = features.Has(FeatureBit.RingPacked);
        string? needsReset = null;
        var queues = model.Queues.ToBuilder();
        for (int i = 0; i < queues.Count; i++)
        {
            var q = queues[i];
            if (!q.Enabled) continue;
            var config = new QueueConfig(packed ? QueueFormat.Packed : QueueFormat.Split, q.Size, q.DescriptorArea, q.DriverArea, q.DeviceArea, features);
            var state = new QueueState { Config = config };
            if (packed)
            {
                needsReset ??= "device crashed: a packed ring's positions are not journaled";
            }
            else if (memory.TryReadU16Acquire(q.DeviceArea + 2, MemoryAccessKind.RingIndex, out ushort used))
            {
                state = state with { NextAvail = used, NextUsed = used, SignalledUsed = used };
            }
            else
            {
                needsReset ??= $"device crashed: queue {i}'s used index is unreadable ({memory.LastFault.Kind})";
            }
            queues[i] = q with { Queue = state };
        }
        return (model with { Queues = queues.ToImmutable() }, needsReset);
    }
}
