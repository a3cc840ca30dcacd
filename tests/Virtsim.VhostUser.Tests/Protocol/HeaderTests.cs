using Virtsim.VhostUser.Protocol;

namespace Virtsim.VhostUser.Tests.Protocol;

public class HeaderTests
{
    private static byte[] Bytes(uint request, uint flags, uint size)
    {
        var b = new byte[12];
        BitConverter.TryWriteBytes(b.AsSpan(0), request);
        BitConverter.TryWriteBytes(b.AsSpan(4), flags);
        BitConverter.TryWriteBytes(b.AsSpan(8), size);
        return b;
    }

    [Fact]
    public void A_request_header_round_trips()
    {
        var header = new VhostUserHeader(VhostUserRequest.SetVringAddr, VhostUserHeaderFlags.Version1 | VhostUserHeaderFlags.NeedReply, 40);
        var bytes = new byte[12];
        header.Write(bytes);
        Assert.Equal(header, VhostUserHeader.ParseRequest(bytes));
        Assert.True(header.NeedsReply);
    }

    [Theory]
    [InlineData(1u, 0u, 0u, "version 0")]
    [InlineData(1u, 2u, 0u, "version 2")]
    [InlineData(1u, 5u, 0u, "REPLY flag")]
    [InlineData(1u, 0x11u, 0u, "reserved bits")]
    [InlineData(0u, 1u, 0u, "request 0")]
    [InlineData(99u, 1u, 0u, "unknown request")]
    [InlineData(1u, 1u, 4097u, "oversized payload")]
    public void Malformed_request_headers_are_refused(uint request, uint flags, uint size, string why)
    {
        var e = Assert.Throws<VhostUserProtocolException>(() => VhostUserHeader.ParseRequest(Bytes(request, flags, size)));
        Assert.False(string.IsNullOrEmpty(e.Message), why);
    }

    [Fact]
    public void A_short_header_is_refused() =>
        Assert.Throws<VhostUserProtocolException>(() => VhostUserHeader.ParseRequest(new byte[11]));

    [Fact]
    public void Replies_must_carry_exactly_version_and_reply()
    {
        Assert.Equal(VhostUserRequest.GetFeatures, VhostUserHeader.ParseReply(Bytes(1, 5, 8)).Request);
        Assert.Throws<VhostUserProtocolException>(() => VhostUserHeader.ParseReply(Bytes(1, 1, 8)));
        Assert.Throws<VhostUserProtocolException>(() => VhostUserHeader.ParseReply(Bytes(1, 0xD, 8)));
    }
}
