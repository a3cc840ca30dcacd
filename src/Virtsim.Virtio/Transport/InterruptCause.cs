namespace Virtsim.Virtio.Transport;

/// <summary>The ISR status / InterruptStatus bits (spec §4.1.4.5, §4.2.2).</summary>
[Flags]
public enum InterruptCause : byte
{
    /// <summary>No pending cause.</summary>
    None = 0,
    /// <summary>Bit 0: a used buffer notification (queue interrupt).</summary>
    Queue = 1,
    /// <summary>Bit 1: a device configuration change notification.</summary>
    Config = 2,
}
