namespace Virtsim.Virtio.Features;

/// <summary>Virtio device type IDs (spec §5).</summary>
public enum DeviceType : ushort
{
    /// <summary>No device (an empty MMIO slot reads DeviceID 0).</summary>
    Invalid = 0,
    /// <summary>Network card.</summary>
    Net = 1,
    /// <summary>Block device.</summary>
    Block = 2,
    /// <summary>Console.</summary>
    Console = 3,
    /// <summary>Entropy source.</summary>
    Entropy = 4,
    /// <summary>Memory balloon.</summary>
    Balloon = 5,
    /// <summary>SCSI host.</summary>
    Scsi = 8,
    /// <summary>9P transport.</summary>
    NinePTransport = 9,
    /// <summary>GPU.</summary>
    Gpu = 16,
    /// <summary>Input device.</summary>
    Input = 18,
    /// <summary>Socket device.</summary>
    Vsock = 19,
    /// <summary>Crypto device.</summary>
    Crypto = 20,
    /// <summary>IOMMU.</summary>
    Iommu = 23,
    /// <summary>Memory device.</summary>
    Mem = 24,
    /// <summary>Sound device.</summary>
    Sound = 25,
    /// <summary>File system device.</summary>
    Fs = 26,
    /// <summary>Persistent memory.</summary>
    Pmem = 27,
    /// <summary>RPMB.</summary>
    Rpmb = 28,
    /// <summary>SCMI.</summary>
    Scmi = 32,
    /// <summary>I2C adapter.</summary>
    I2c = 34,
    /// <summary>GPIO.</summary>
    Gpio = 41,
}
