namespace Virtsim.Fleet.Drivers;

/// <summary>
/// Where a driver keeps its rings and buffers in guest memory: a 16 MiB window per device. Queue q's rings at
/// base + q * 256 KiB (descriptors, driver area +64 KiB, device area +128 KiB); request headers from base + 2 MiB
/// (64 bytes per slot); data buffers from base + 4 MiB (4 KiB per slot, a second bank at +8 MiB).
/// </summary>
/// <param name="Base">The window's guest-physical base.</param>
public readonly record struct DriverLayout(ulong Base)
{
    /// <summary>Size of one device's window.</summary>
    public const ulong WindowSize = 16UL << 20;

    /// <summary>The largest number of buffer slots per bank.</summary>
    public const int MaxSlots = 256;

    /// <summary>Bytes per data slot.</summary>
    public const int SlotBytes = 4096;

    /// <summary>The window of the device at <paramref name="indexInVm"/>.</summary>
    public static DriverLayout ForDevice(int indexInVm) => new(WindowSize * (ulong)(indexInVm + 1));

    /// <summary>Queue <paramref name="queue"/>'s descriptor area.</summary>
    public ulong DescriptorArea(int queue) => Base + (ulong)queue * 0x4_0000;

    /// <summary>Queue <paramref name="queue"/>'s driver area.</summary>
    public ulong DriverArea(int queue) => DescriptorArea(queue) + 0x1_0000;

    /// <summary>Queue <paramref name="queue"/>'s device area.</summary>
    public ulong DeviceArea(int queue) => DescriptorArea(queue) + 0x2_0000;

    /// <summary>The 64-byte header block of slot <paramref name="slot"/>.</summary>
    public ulong Header(int slot) => Base + 0x20_0000 + (ulong)slot * 64;

    /// <summary>The data buffer of slot <paramref name="slot"/> in bank <paramref name="bank"/> (0 or 1).</summary>
    public ulong Data(int slot, int bank = 0) => Base + 0x40_0000 + (ulong)bank * 0x40_0000 + (ulong)slot * SlotBytes;
}
