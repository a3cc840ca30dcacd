using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Tests.Protocol;

public class PackedVringBaseTests
{
    [Fact]
    public void Fresh_is_both_positions_at_the_start()
    {
        Assert.Equal(0x8000_8000u, PackedVringBase.Fresh);
        Assert.Equal((RingPosition.Start, RingPosition.Start), PackedVringBase.Decode(PackedVringBase.Fresh));
    }

    [Fact]
    public void A_base_without_a_used_half_decodes_as_the_fresh_one()
    {
        Assert.Equal(PackedVringBase.Decode(PackedVringBase.Fresh), PackedVringBase.Decode(1u << 15));
        Assert.Equal((new RingPosition(5, false), new RingPosition(5, false)), PackedVringBase.Decode(5));
    }

    [Theory]
    [InlineData(0, true, 0, false)]
    [InlineData(10, true, 10, true)]
    [InlineData(0x7FFF, false, 3, true)]
    public void Encode_and_decode_round_trip(ushort availSlot, bool availWrap, ushort usedSlot, bool usedWrap)
    {
        var avail = new RingPosition(availSlot, availWrap);
        var used = new RingPosition(usedSlot, usedWrap);
        uint value = PackedVringBase.Encode(avail, used);
        Assert.Equal(avail.OffWrap | (uint)used.OffWrap << 16, value);
        if (value >> 16 != 0) Assert.Equal((avail, used), PackedVringBase.Decode(value));
    }
}
