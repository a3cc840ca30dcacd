using Virtsim.VhostUser.Protocol;

namespace Virtsim.VhostUser.Tests.Protocol;

public class PayloadRuleTests
{
    private static VhostUserHeader H(VhostUserRequest r, int size) => new(r, VhostUserHeaderFlags.Version1, (uint)size);

    [Theory]
    [InlineData(VhostUserRequest.SetFeatures, 8, 0, true)]
    [InlineData(VhostUserRequest.SetFeatures, 4, 0, false)]
    [InlineData(VhostUserRequest.SetFeatures, 8, 1, false)]
    [InlineData(VhostUserRequest.GetFeatures, 0, 0, true)]
    [InlineData(VhostUserRequest.GetFeatures, 3, 0, false)]
    [InlineData(VhostUserRequest.SetVringNum, 8, 0, true)]
    [InlineData(VhostUserRequest.SetVringNum, 12, 0, false)]
    [InlineData(VhostUserRequest.SetVringAddr, 40, 0, true)]
    [InlineData(VhostUserRequest.SetVringAddr, 32, 0, false)]
    [InlineData(VhostUserRequest.SetVringKick, 8, 1, true)]
    [InlineData(VhostUserRequest.SetVringKick, 8, 2, false)]
    [InlineData(VhostUserRequest.SetLogBase, 16, 1, true)]
    [InlineData(VhostUserRequest.SetLogBase, 8, 1, false)]
    [InlineData(VhostUserRequest.GetVringBase, 8, 1, false)]
    public void Sizes_and_descriptor_counts_follow_the_request(VhostUserRequest request, int size, int fds, bool ok)
    {
        var payload = new byte[size];
        if (ok) VhostUserRequestRules.Check(H(request, size), payload, fds);
        else Assert.Throws<VhostUserProtocolException>(() => VhostUserRequestRules.Check(H(request, size), payload, fds));
    }

    [Fact]
    public void A_payload_shorter_than_the_header_says_is_refused() =>
        Assert.Throws<VhostUserProtocolException>(() => VhostUserRequestRules.Check(H(VhostUserRequest.SetFeatures, 8), new byte[7], 0));

    private static MemoryRegionDescription R(ulong gpa, ulong size, ulong user, ulong offset = 0) => new(gpa, size, user, offset);

    [Fact]
    public void A_valid_memory_table_round_trips()
    {
        var table = new MemoryTable([R(0, 0x10000, 0x7000_0000), R(0x100000, 0x2000, 0x8000_0000, 0x1000)]);
        var parsed = MemoryTable.Parse(table.ToBytes(), 2);
        Assert.Equal(table.Regions, parsed.Regions);
    }

    public static TheoryData<string, MemoryRegionDescription[], int> BogusTables() => new()
    {
        { "zero size", [R(0, 0, 0x1000)], 1 },
        { "guest overlap", [R(0, 0x2000, 0x10000), R(0x1000, 0x2000, 0x20000)], 2 },
        { "user overlap", [R(0, 0x2000, 0x10000), R(0x10000, 0x2000, 0x11000)], 2 },
        { "guest wrap", [R(ulong.MaxValue - 0xFFF, 0x2000, 0x10000)], 1 },
        { "user wrap", [R(0, 0x2000, ulong.MaxValue - 0xFFF)], 1 },
        { "offset wrap", [R(0, 0x2000, 0x1000, ulong.MaxValue - 0xFFF)], 1 },
        { "fd count mismatch", [R(0, 0x2000, 0x1000)], 2 },
        { "too many regions", Enumerable.Range(0, 9).Select(i => R((ulong)i << 20, 0x1000, 0x1_0000_0000UL + ((ulong)i << 20))).ToArray(), 9 },
    };

    [Theory]
    [MemberData(nameof(BogusTables))]
    public void Bogus_memory_tables_are_refused(string why, MemoryRegionDescription[] regions, int fds)
    {
        var bytes = new MemoryTable(regions).ToBytes();
        var e = Assert.Throws<VhostUserProtocolException>(() => MemoryTable.Parse(bytes, fds));
        Assert.Contains("SetMemTable", e.Message);
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void An_empty_memory_table_is_refused() =>
        Assert.Throws<VhostUserProtocolException>(() => MemoryTable.Parse(new byte[8], 0));

    [Theory]
    [InlineData(0x0UL, 1, false)]
    [InlineData(0x100UL, 0, true)]
    [InlineData(0x105UL, 0, true)]
    [InlineData(0x100UL, 1, null)]
    [InlineData(0x5UL, 0, null)]
    [InlineData(0x200UL, 1, null)]
    public void Vring_file_payloads_agree_with_their_descriptors(ulong value, int fds, bool? noFd)
    {
        var payload = BitConverter.GetBytes(value);
        if (noFd is null) Assert.Throws<VhostUserProtocolException>(() => VringFile.Parse(VhostUserRequest.SetVringKick, payload, fds));
        else Assert.Equal(noFd.Value, VringFile.Parse(VhostUserRequest.SetVringKick, payload, fds).NoFd);
    }

    [Fact]
    public void Config_access_size_must_match_its_payload()
    {
        var good = new ConfigAccess(0, 0, new byte[6]).ToBytes();
        Assert.Equal(6, ConfigAccess.Parse(VhostUserRequest.GetConfig, good).Data.Length);
        var bad = good.ToArray();
        bad[4] = 7;
        Assert.Throws<VhostUserProtocolException>(() => ConfigAccess.Parse(VhostUserRequest.GetConfig, bad));
        var flags = good.ToArray();
        flags[8] = 2;
        Assert.Throws<VhostUserProtocolException>(() => ConfigAccess.Parse(VhostUserRequest.GetConfig, flags));
    }

    [Fact]
    public void Vring_addresses_with_unknown_flags_are_refused()
    {
        var bytes = new VringAddress(0, 2, 0x1000, 0x2000, 0x3000, 0).ToBytes();
        Assert.Throws<VhostUserProtocolException>(() => VringAddress.Parse(bytes));
        Assert.Equal(0x2000UL, VringAddress.Parse(new VringAddress(0, 1, 0x1000, 0x2000, 0x3000, 0).ToBytes()).Used);
    }
}
