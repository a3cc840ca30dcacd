namespace Virtsim.Virtio.Transport.Pci;

/// <summary>Walks a PCI capability list the way a driver does, guarding against loops and bad pointers.</summary>
public static class PciCapabilityReader
{
    private const int MaxCapabilities = 48;

    /// <summary>
    /// Follows the list from the Capabilities Pointer using <paramref name="readConfig"/> (offset, size) and
    /// decodes every capability; virtio vendor capabilities get their cfg_type, BAR, offset and length.
    /// </summary>
    public static IReadOnlyList<PciCapability> Walk(Func<int, int, uint> readConfig)
    {
        ArgumentNullException.ThrowIfNull(readConfig);
        var found = new List<PciCapability>();
        if ((readConfig(PciLayout.StatusRegister, 2) & 0x10) == 0) return found;
        int at = (int)(readConfig(PciLayout.CapabilityPointerRegister, 1) & 0xFC);
        var seen = new HashSet<int>();
        while (at >= 0x40 && at <= PciLayout.ConfigSpaceSize - 4 && found.Count < MaxCapabilities && seen.Add(at))
        {
            byte id = (byte)readConfig(at, 1);
            byte next = (byte)readConfig(at + 1, 1);
            if (id == PciLayout.VendorCapabilityId && at + 16 <= PciLayout.ConfigSpaceSize)
            {
                byte length = (byte)readConfig(at + 2, 1);
                var type = (PciCapabilityType)readConfig(at + 3, 1);
                uint multiplier = type == PciCapabilityType.NotifyConfig && length >= 20 && at + 20 <= PciLayout.ConfigSpaceSize
                    ? readConfig(at + 16, 4) : 0;
                found.Add(new PciCapability(at, id, next, length, type, (byte)readConfig(at + 4, 1),
                    readConfig(at + 8, 4), readConfig(at + 12, 4), multiplier));
            }
            else
            {
                found.Add(new PciCapability(at, id, next, 0, null, 0, 0, 0, 0));
            }
            at = next & 0xFC;
        }
        return found;
    }
}
