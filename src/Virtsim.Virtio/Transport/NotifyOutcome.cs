namespace Virtsim.Virtio.Transport;

/// <summary>What a doorbell did.</summary>
public enum NotifyOutcome : byte
{
    /// <summary>The device served the queue.</summary>
    Processed,
    /// <summary>The doorbell was ignored (before DRIVER_OK, queue not enabled, unknown queue, suspended, needs reset).</summary>
    Ignored,
    /// <summary>Serving the queue found a malformed ring: the device set DEVICE_NEEDS_RESET.</summary>
    QueueError,
}
