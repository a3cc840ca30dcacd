namespace Virtsim.Virtio.Transport.Pci;

/// <summary>
/// A type 0 PCI configuration space of 256 bytes: byte storage plus a per-byte write mask, so that read-only
/// fields ignore writes and BAR sizing works (writing all ones reads back the size mask). Capabilities are
/// appended as a linked list from <see cref="PciLayout.FirstCapability"/>.
/// </summary>
public sealed class PciConfigSpace
{
    private readonly byte[] _bytes = new byte[PciLayout.ConfigSpaceSize];
    private readonly byte[] _writable = new byte[PciLayout.ConfigSpaceSize];
    private int _lastCapability = -1;
    private int _nextCapability = PciLayout.FirstCapability;

    /// <summary>Reads <paramref name="size"/> bytes little-endian at <paramref name="offset"/> (no side effects).</summary>
    public uint Read(int offset, int size)
    {
        uint value = 0;
        for (int i = size - 1; i >= 0; i--) value = (value << 8) | _bytes[offset + i];
        return value;
    }

    /// <summary>Writes through the write mask (read-only bits keep their value).</summary>
    public void Write(int offset, int size, uint value)
    {
        for (int i = 0; i < size; i++)
        {
            int at = offset + i;
            byte mask = _writable[at];
            _bytes[at] = (byte)((_bytes[at] & ~mask) | ((byte)(value >> (8 * i)) & mask));
        }
    }

    /// <summary>Sets a field's value regardless of the mask (device side).</summary>
    public void Set(int offset, int size, uint value)
    {
        for (int i = 0; i < size; i++) _bytes[offset + i] = (byte)(value >> (8 * i));
    }

    /// <summary>Sets which bits of a field the driver may write.</summary>
    public void SetWritable(int offset, int size, uint mask)
    {
        for (int i = 0; i < size; i++) _writable[offset + i] = (byte)(mask >> (8 * i));
    }

    /// <summary>
    /// Appends a capability with ID <paramref name="id"/> and total length <paramref name="length"/> (a multiple
    /// of 4) to the list, links it, and returns its offset.
    /// </summary>
    public int AddCapability(byte id, int length)
    {
        int at = _nextCapability;
        if (length < 2 || length % 4 != 0 || at + length > PciLayout.ConfigSpaceSize)
            throw new InvalidOperationException($"capability of {length} bytes does not fit at 0x{at:x}");
        Set(at, 1, id);
        Set(at + 1, 1, 0);
        if (_lastCapability < 0)
        {
            Set(PciLayout.CapabilityPointerRegister, 1, (uint)at);
            Set(PciLayout.StatusRegister, 2, Read(PciLayout.StatusRegister, 2) | 0x10);
        }
        else
        {
            Set(_lastCapability + 1, 1, (uint)at);
        }
        _lastCapability = at;
        _nextCapability = at + length;
        return at;
    }
}
