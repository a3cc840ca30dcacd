using System.Buffers.Binary;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;

namespace Virtsim.VhostUser.Tests.Restart;

/// <summary>
/// The front-end's side of INFLIGHT_SHMFD over a socketpair, the test playing the device: GET_INFLIGHT_FD asks
/// for the ring count and size, the region in the reply is mapped and its used_idx read where the layout puts it;
/// SET_INFLIGHT_FD hands the same region back; malformed replies are protocol errors naming the request.
/// </summary>
public sealed class FrontendInflightTests
{
    private static VhostUserMessage Reply(VhostUserRequest request, byte[] payload, params int[] fds) =>
        new(new VhostUserHeader(request, VhostUserHeaderFlags.Version1 | VhostUserHeaderFlags.Reply, (uint)payload.Length), payload, fds);

    /// <summary>Runs <paramref name="frontEnd"/> against a device that answers each request with <paramref name="answer"/> (null: no reply; an IOException: it hangs up).</summary>
    private static T WithDevice<T>(Func<VhostUserMessage, VhostUserMessage?> answer, Func<FrontendChannel, T> frontEnd, List<VhostUserMessage>? seen = null)
    {
        var (a, b) = VhostUserConnection.CreatePair(TimeSpan.FromSeconds(2));
        using var channel = new FrontendChannel(a, TimeSpan.FromSeconds(2));
        using (b)
        {
            var device = Task.Run(() =>
            {
                try
                {
                    while (b.WaitReadable(2000) && b.Receive() is { } request)
                    {
                        seen?.Add(request);
                        if (answer(request) is { } reply) b.Send(reply);
                    }
                }
                catch (IOException) { b.Dispose(); } // the device hangs up
            });
            try { return frontEnd(channel); }
            finally
            {
                channel.Dispose();
                device.Wait(5000);
            }
        }
    }

    [Fact]
    public void The_region_is_asked_for_mapped_read_and_handed_back()
    {
        const ushort queueSize = 128;
        ulong size = InflightLayout.RegionSize(2, queueSize);
        using var region = SharedMemoryFile.Create("test-inflight", size);
        // Ring 1's back-end last finished a batch at used index 4242.
        BinaryPrimitives.WriteUInt16LittleEndian(region.Span[(int)(InflightLayout.QueueAreaOffset(1, queueSize) + InflightLayout.UsedIdxOffset)..], 4242);
        var seen = new List<VhostUserMessage>();
        var (asked, ring0, ring1) = WithDevice(request => request.Request == VhostUserRequest.GetInflightFd
                ? Reply(request.Request, new InflightDescription(size, 0, 2, queueSize).ToBytes(), region.Fd)
                : null,
            channel =>
            {
                using var inflight = FrontendInflight.Get(channel, 2, queueSize);
                inflight.Share(channel);
                return (inflight.Description, inflight.SplitUsedIdx(0), inflight.SplitUsedIdx(1));
            }, seen);
        Assert.Equal(new InflightDescription(size, 0, 2, queueSize), asked);
        Assert.Equal((ushort)0, ring0);
        Assert.Equal((ushort)4242, ring1);
        Assert.Equal([VhostUserRequest.GetInflightFd, VhostUserRequest.SetInflightFd], seen.Select(m => m.Request));
        Assert.Equal(new InflightDescription(0, 0, 2, queueSize), InflightDescription.Parse(VhostUserRequest.GetInflightFd, seen[0].Payload));
        Assert.Equal(asked, InflightDescription.Parse(VhostUserRequest.SetInflightFd, seen[1].Payload));
        Assert.Equal(1, seen[1].FdCount);
        foreach (var m in seen) m.CloseFds();
    }

    [Theory]
    [InlineData("no fd")]
    [InlineData("other rings")]
    [InlineData("too small")]
    [InlineData("past the file")]
    public void A_malformed_reply_is_a_protocol_error_naming_the_request(string fault)
    {
        const ushort queueSize = 64;
        ulong size = InflightLayout.RegionSize(1, queueSize);
        using var region = SharedMemoryFile.Create("test-inflight", size);
        var e = Assert.Throws<VhostUserProtocolException>(() => WithDevice(request => fault switch
            {
                "no fd" => Reply(request.Request, new InflightDescription(size, 0, 1, queueSize).ToBytes()),
                "other rings" => Reply(request.Request, new InflightDescription(size, 0, 1, queueSize / 2).ToBytes(), region.Fd),
                "too small" => Reply(request.Request, new InflightDescription(size - 64, 0, 1, queueSize).ToBytes(), region.Fd),
                _ => Reply(request.Request, new InflightDescription(size, 4096, 1, queueSize).ToBytes(), region.Fd),
            },
            channel => FrontendInflight.Get(channel, 1, queueSize)));
        Assert.Equal(VhostUserRequest.GetInflightFd, e.Request);
        Assert.False(e.ConnectionLost);
    }

    [Fact]
    public void A_device_that_hangs_up_is_a_lost_connection_not_a_protocol_violation()
    {
        var e = Assert.Throws<VhostUserProtocolException>(() => WithDevice(_ => throw new IOException("hang up"),
            channel => FrontendInflight.Get(channel, 1, 64)));
        Assert.True(e.ConnectionLost);
    }
}
