using Virtsim.VhostUser.Protocol;

namespace Virtsim.VhostUser.Tests.Inflight;

/// <summary>The GET/SET_INFLIGHT_FD payload: mmap_size u64, mmap_offset u64, num_queues u16, queue_size u16, 4 bytes of padding.</summary>
public class InflightPayloadTests
{
    [Fact]
    public void Encodes_to_the_golden_bytes_and_parses_back()
    {
        var d = new InflightDescription(0x1122_3344_5566_7788, 0x0102_0304_0506_0708, 2, 256);
        byte[] golden =
        [
            0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // mmap_size
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, // mmap_offset
            0x02, 0x00,                                     // num_queues
            0x00, 0x01,                                     // queue_size
            0x00, 0x00, 0x00, 0x00,                         // padding
        ];
        Assert.Equal(golden, d.ToBytes());
        Assert.Equal(d, InflightDescription.Parse(VhostUserRequest.SetInflightFd, golden));
        Assert.Equal(d, InflightDescription.Parse(VhostUserRequest.SetInflightFd, golden.AsSpan(0, 20))); // without the tail padding
    }

    [Fact]
    public void A_get_request_carries_only_the_ring_count_and_size()
    {
        byte[] request = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0x80, 0, 0, 0, 0, 0];
        Assert.Equal(new InflightDescription(0, 0, 1, 128), InflightDescription.Parse(VhostUserRequest.GetInflightFd, request));
        // The same payload as SET_INFLIGHT_FD describes an empty region.
        Assert.Throws<VhostUserProtocolException>(() => InflightDescription.Parse(VhostUserRequest.SetInflightFd, request));
    }

    [Theory]
    [InlineData(VhostUserRequest.GetInflightFd, 24, 0, true)]
    [InlineData(VhostUserRequest.GetInflightFd, 24, 1, false)]
    [InlineData(VhostUserRequest.GetInflightFd, 16, 0, false)]
    [InlineData(VhostUserRequest.SetInflightFd, 24, 1, true)]
    [InlineData(VhostUserRequest.SetInflightFd, 20, 1, true)]
    [InlineData(VhostUserRequest.SetInflightFd, 32, 1, false)]
    [InlineData(VhostUserRequest.SetInflightFd, 8, 1, false)]
    [InlineData(VhostUserRequest.SetInflightFd, 24, 2, false)]
    public void The_request_rules_accept_only_the_payload_sizes_and_fd_counts_of_the_protocol(VhostUserRequest request, int size, int fds, bool ok)
    {
        var header = new VhostUserHeader(request, VhostUserHeaderFlags.Version1, (uint)size);
        var payload = new byte[size];
        if (ok) VhostUserRequestRules.Check(header, payload, fds);
        else Assert.Throws<VhostUserProtocolException>(() => VhostUserRequestRules.Check(header, payload, fds));
    }

    [Theory]
    [InlineData(4096UL, 0UL, 0, 64)]            // no rings
    [InlineData(4096UL, 0UL, 1, 0)]             // empty rings
    [InlineData(4096UL, 0UL, 1, 40000)]         // larger than any ring
    [InlineData(0UL, 0UL, 1, 64)]               // empty region
    [InlineData(4096UL, ulong.MaxValue, 1, 64)] // wraps
    public void Bad_values_are_refused(ulong size, ulong offset, ushort queues, ushort queueSize)
    {
        var bytes = new InflightDescription(size, offset, queues, queueSize).ToBytes();
        Assert.Throws<VhostUserProtocolException>(() => InflightDescription.Parse(VhostUserRequest.SetInflightFd, bytes));
        Assert.Throws<VhostUserProtocolException>(() => InflightDescription.Parse(VhostUserRequest.SetInflightFd, bytes.AsSpan(0, 12)));
    }
}
