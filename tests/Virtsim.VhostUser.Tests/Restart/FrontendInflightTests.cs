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
    // Generous: nothing here waits for it unless the test is broken, and a loaded CI machine can be slow to start the device.
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Runs <paramref name="frontEnd"/> against a device that answers each request with <paramref name="answer"/> (null: no reply; an IOException: it hangs up).</summary>
    private static T WithDevice<T>(Func<VhostUserMessage, VhostUserMessage?> answer, Func<FrontendChannel, T> frontEnd, List<VhostUserMessage>? seen = null)
    {
        var (a, b) = VhostUserConnection.CreatePair(ReplyTimeout);
        using var channel = new FrontendChannel(a, ReplyTimeout);
        using (b)
        {
            // Its own thread (LongRunning), not a pool thread: under a busy test run a pool thread may start only after the
            // front-end's reply timeout, and the test would then see a timeout instead of the behaviour it checks.
            var device = Task.Factory.StartNew(() =>
            {
                try
                {
                    while (b.WaitReadable((int)ReplyTimeout.TotalMilliseconds) && b.Receive() is { } request)
                    {
                        seen?.Add(request);
                        if (answer(request) is { } reply) b.Send(reply);
                    }
                }
                catch (IOException) { b.Dispose(); } // the device hangs up
            }, TaskCreationOptions.LongRunning);
            try { return frontEnd(channel); }
            finally
            {
                channel.Dispose();
                device.Wait(ReplyTimeout);
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
                ? VhostUserMessage.Reply(request.Request, new InflightDescription(size, 0, 2, queueSize).ToBytes(), [region.Fd])
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
                "no fd" => VhostUserMessage.Reply(request.Request, new InflightDescription(size, 0, 1, queueSize).ToBytes()),
                "other rings" => VhostUserMessage.Reply(request.Request, new InflightDescription(size, 0, 1, queueSize / 2).ToBytes(), [region.Fd]),
                "too small" => VhostUserMessage.Reply(request.Request, new InflightDescription(size - 64, 0, 1, queueSize).ToBytes(), [region.Fd]),
                _ => VhostUserMessage.Reply(request.Request, new InflightDescription(size, 4096, 1, queueSize).ToBytes(), [region.Fd]),
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

    [Fact]
    public unsafe void A_packed_base_comes_from_the_area_as_recovery_finds_it_and_leaves_the_area_alone()
    {
        const ushort size = 8;
        using var region = InflightRegion.Create(1, size, packed: true);
        var area = new Span<byte>((void*)region.Address, (int)region.Description.MmapSize);
        ushort NothingUsed(ushort slot) => Virtsim.Virtio.Queues.Packed.PackedLayout.AvailableBits(true);
        // A fresh area: both halves at index 0 with wrap counter 1.
        Assert.Equal(0x8000_8000u, FrontendInflight.PackedBase(area, size, NothingUsed));
        Assert.True(area.ToArray().All(b => b == 0));

        var tracker = region.PackedTracker(0);
        tracker.Recover(Virtsim.Virtio.Queues.Packed.RingPosition.Start, NothingUsed);
        var d = new Virtsim.Virtio.Queues.Packed.PackedDescriptor(0x1000, 64, 0, 0x80);
        tracker.Popped([d with { Flags = 0x81 }, d with { Id = 1 }]); // 2 descriptors
        tracker.Popped([d with { Id = 2 }]);
        tracker.Popped([d with { Id = 3 }]);
        tracker.Completing(2, 1); // half-published: used_idx moved to 1, its used descriptor not written
        byte[] before = area.ToArray();
        // Rolled back: nothing used, 4 descriptors in flight.
        Assert.Equal(4u | 0x8000u | 0x8000_0000u, FrontendInflight.PackedBase(area, size, NothingUsed));
        // Its used flags written in slot 0: committed, used 1, 3 descriptors in flight after it.
        Assert.Equal(4u | 0x8000u | 1u << 16 | 0x8000_0000u, FrontendInflight.PackedBase(area, size, slot => slot == 0 ? (ushort)0x8080 : NothingUsed(slot)));
        Assert.Equal(before, area.ToArray()); // the shared area is the back-end's to repair
        byte[] tooSmall = area[..64].ToArray();
        Assert.Throws<ArgumentException>(() => FrontendInflight.PackedBase(tooSmall, size, NothingUsed));
    }
}
