using System.Text;

namespace Virtsim.Persistence.Tests;

/// <summary>The checksum is CRC-32C and covers identity as well as content.</summary>
public sealed class ChecksumTests
{
    [Fact]
    public void Crc32c_matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Checksums.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Every_field_changes_the_event_checksum()
    {
        byte[] p = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        uint c = Checksums.Event("a", 1, 1, "m", p);
        Assert.NotEqual(c, Checksums.Event("b", 1, 1, "m", p));
        Assert.NotEqual(c, Checksums.Event("a", 2, 1, "m", p));
        Assert.NotEqual(c, Checksums.Event("a", 1, 2, "m", p));
        Assert.NotEqual(c, Checksums.Event("a", 1, 1, "n", p));
        Assert.NotEqual(c, Checksums.Event("a", 1, 1, "m", p[..8]));
        Assert.NotEqual(Checksums.Event("ab", 1, 1, "c", p), Checksums.Event("a", 1, 1, "bc", p));
        Assert.Equal(c, Checksums.Event("a", 1, 1, "m", p));
    }
}
