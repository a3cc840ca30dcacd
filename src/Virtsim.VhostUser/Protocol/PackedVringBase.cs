using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Protocol;

/// <summary>
/// The SET_VRING_BASE / GET_VRING_BASE value of a packed ring: the next available position in bits 0-15 and the
/// next used position in bits 16-31, each as an off_wrap (index in bits 0-14, wrap counter in bit 15).
/// </summary>
public static class PackedVringBase
{
    /// <summary>The value of a fresh ring: both positions at <see cref="RingPosition.Start"/> (0x8000_8000).</summary>
    public static uint Fresh => Encode(RingPosition.Start, RingPosition.Start);

    /// <summary>Encodes the next available and next used positions.</summary>
    public static uint Encode(RingPosition avail, RingPosition used) => avail.OffWrap | (uint)used.OffWrap << 16;

    /// <summary>
    /// Decodes <paramref name="value"/>. An upper half of 0 (a front-end that sets only the available position)
    /// means the used position is the available one, so 0x8000 and <see cref="Fresh"/> decode the same.
    /// </summary>
    public static (RingPosition Avail, RingPosition Used) Decode(uint value)
    {
        var avail = RingPosition.FromOffWrap((ushort)value);
        ushort used = (ushort)(value >> 16);
        return (avail, used == 0 ? avail : RingPosition.FromOffWrap(used));
    }
}
