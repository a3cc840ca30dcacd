namespace Virtsim.Fleet.Network;

/// <summary>
/// The MAC addresses the world gives its net devices: locally administered unicast addresses in QEMU's 52:54:00
/// range, counted up from 52:54:00:00:00:01 through the five bytes after the first, so that no two devices of any
/// fleet share one (a 16-bit count used to repeat after 65,536 devices, and gave one device 52:54:00:00:00:00).
/// </summary>
public static class MacAddress
{
    private const long First = 0x54_00_00_00_01; // bytes 1-5 of device 0's address
    private const long Last = 0xFF_FF_FF_FF_FF;

    /// <summary>The most devices that get distinct addresses.</summary>
    public const long Capacity = Last - First + 1;

    /// <summary>The address of the world's device number <paramref name="index"/> (0-based).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not below <see cref="Capacity"/>.</exception>
    public static byte[] ForDevice(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Capacity);
        long v = First + index;
        return [0x52, (byte)(v >> 32), (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
    }
}
