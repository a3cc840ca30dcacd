namespace Virtsim.Fleet.Messages.Config;

/// <summary>The register operations a driver performs through a transport endpoint (spec §3.1, §4.1, §4.2).</summary>
public enum ConfigOperation : byte
{
    /// <summary>Reads the identity: Value0 = subsystem vendor id (PCI) or VendorID (MMIO), Value1 = device type.</summary>
    Identify,
    /// <summary>Reads device_status into Value0.</summary>
    ReadStatus,
    /// <summary>Writes device_status from Value0 (0 resets the device).</summary>
    WriteStatus,
    /// <summary>Reads the 128 offered feature bits through the four windows: Value0 = low 64, Value1 = high 64.</summary>
    ReadDeviceFeatures,
    /// <summary>Writes the accepted feature bits through the four windows: Value0 = low 64, Value1 = high 64.</summary>
    WriteDriverFeatures,
    /// <summary>
    /// Programs and enables queue Index: Size, Value0 = descriptor area, Value1 = driver area, Value2 = device area,
    /// Vector = MSI-X vector (0xFFFF for none).
    /// </summary>
    SetupQueue,
    /// <summary>Enables MSI-X with Index vectors (PCI only): programs the table and maps config_msix_vector to 0.</summary>
    EnableMsix,
    /// <summary>Reads Size (1..8) bytes of device config at offset Index into Value0 (little-endian).</summary>
    ReadDeviceConfig,
    /// <summary>Reads the config generation into Value0.</summary>
    ReadConfigGeneration,
    /// <summary>Reads and acknowledges the ISR / InterruptStatus bits into Value0.</summary>
    TakeInterruptStatus,
}
