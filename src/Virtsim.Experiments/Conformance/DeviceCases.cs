using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Queues;
using static Virtsim.Experiments.Conformance.CaseBuilder;

namespace Virtsim.Experiments.Conformance;

/// <summary>Device violations committed by Virtsim's hostile device against a driver (used ring content, net header, blk status).</summary>
internal static class DeviceCases
{
    private const int Rx = 0, Tx = 1;

    public static IEnumerable<ConformanceCase> All()
    {
        foreach (var format in new[] { QueueFormat.Split, QueueFormat.Packed })
        {
            string f = format == QueueFormat.Split ? "split" : "packed";
            string used = format == QueueFormat.Split ? SpecSections.SplitUsedRing : SpecSections.PackedUsed;
            yield return Device($"device.{f}.used-id-out-of-range", "A used entry whose id is queue_size + 3", used,
                "The device returns the id of a buffer the driver made available (split: the chain's head index; packed: its buffer id).", format,
                new DeviceFault(FaultKind.UsedIdOutOfRange, Tx));
            yield return Device($"device.{f}.used-id-stale", "A used entry repeating the id of the buffer returned just before", used,
                "Each available buffer is used once: the device MUST NOT return a buffer it already returned.", format,
                new DeviceFault(FaultKind.UsedIdStale, Tx));
            yield return Device($"device.{f}.used-len-too-large", "A receive buffer returned with 4 KiB more than it holds", used,
                "The device MUST write at least len bytes to the buffer's device-writable part: len cannot exceed that part.", format,
                new DeviceFault(FaultKind.UsedLengthTooLarge, Rx));
            yield return Device($"device.{f}.used-len-on-readonly", "A transmit buffer returned with a written length", format == QueueFormat.Split ? SpecSections.SplitDescriptorTableDevice : SpecSections.PackedDescriptorTableDevice,
                "A device MUST NOT write to a device-readable buffer: a used length above 0 says it did.", format,
                new DeviceFault(FaultKind.UsedLengthOnReadOnly, Tx));
            yield return Device($"device.{f}.num-buffers-zero", "A merged receive header with num_buffers = 0", SpecSections.NetReceiveBuffers,
                "The device MUST set num_buffers to the number of descriptors used to hold the incoming packet.", format,
                new DeviceFault(FaultKind.NumBuffersZero, Rx, Mergeable: true));
            yield return Device($"device.{f}.num-buffers-too-many", "A merged receive header with num_buffers = queue_size + 1", SpecSections.NetReceiveBuffers,
                "The device MUST set num_buffers to the number of descriptors used to hold the incoming packet.", format,
                new DeviceFault(FaultKind.NumBuffersTooMany, Rx, Mergeable: true));
        }
        yield return Device("device.split.used-idx-jump", "The used index moves by queue_size + 1 more than the buffers used", SpecSections.SplitUsedRing,
            "The used idx counts the buffers the device used: it cannot move past the buffers the driver made available.", QueueFormat.Split,
            new DeviceFault(FaultKind.UsedIndexJump, Rx));
        yield return Device("device.split.used-idx-backwards", "The used index goes back by one", SpecSections.SplitUsedRing,
            "The used idx only grows: the device MUST NOT take back a used buffer.", QueueFormat.Split,
            new DeviceFault(FaultKind.UsedIndexBackwards, Rx));
        yield return Device("device.blk.status-invalid", "A blk request completed with status 0x7F", SpecSections.BlkOperationDevice,
            "The device sets the status byte to VIRTIO_BLK_S_OK, VIRTIO_BLK_S_IOERR or VIRTIO_BLK_S_UNSUPP.", null,
            new DeviceFault(FaultKind.BlkStatusInvalid, 0, After: 5), [VhostUserDeviceKind.Blk]);
        yield return Device("device.blk.used-len-zero", "A blk read completed with used length 0", SpecSections.SplitUsedRing,
            "The device MUST write at least len bytes: a completed request wrote its data and status byte, so len is at least 1.", null,
            new DeviceFault(FaultKind.BlkUsedLengthZero, 0, After: 20), [VhostUserDeviceKind.Blk]);
    }
}
