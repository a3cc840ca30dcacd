using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.VhostUser.Tests.Inflight;

/// <summary>INFLIGHT_SHMFD at the session level: who offers it and which GET/SET_INFLIGHT_FD requests are refused.</summary>
public class InflightSessionTests
{
    private static BlkBackend Blk() => new(new MemoryBlockStore(64));

    [Fact]
    public void Blk_offers_inflight_tracking_and_net_does_not()
    {
        using (var blk = new SessionFixture(Blk()))
            Assert.NotEqual(0UL, blk.Front.GetU64(VhostUserRequest.GetProtocolFeatures) & VhostUserSession.InflightProtocolFeature);
        using var net = new SessionFixture(new NetBackend());
        Assert.Equal(0UL, net.Front.GetU64(VhostUserRequest.GetProtocolFeatures) & VhostUserSession.InflightProtocolFeature);
    }

    [Fact]
    public void Get_inflight_fd_hands_out_a_zeroed_region_of_the_layout_size_and_tracks_in_it()
    {
        using var f = new SessionFixture(Blk());
        f.Front.Negotiate(1UL << 32);
        f.Front.Send(VhostUserRequest.GetInflightFd, new InflightDescription(0, 0, 1, 128).ToBytes());
        var reply = f.Front.Connection.ReceiveReply()!;
        Assert.Equal(new InflightDescription(2112, 0, 1, 128), InflightDescription.Parse(reply.Request, reply.Payload));
        int fd = reply.TakeFd(0);
        Assert.True(fd >= 0);
        try
        {
            Assert.Equal(2112, LibC.FileSize(fd));
            using var mapping = MappedMemory.Map(fd, 0, 2112);
            unsafe { Assert.True(new ReadOnlySpan<byte>((void*)mapping.Address, 2112).IndexOfAnyExcept((byte)0) < 0); }
            Assert.True(Wait.Until(() => f.Session.Inflight != null));
            Assert.NotNull(f.Session.Rings[0].Inflight);
        }
        finally { LibC.close(fd); }
    }

    [Fact]
    public async Task With_packed_rings_the_region_has_the_packed_layout_and_a_split_sized_one_is_refused()
    {
        using var f = new SessionFixture(Blk());
        f.Front.Negotiate(1UL << 32 | 1UL << 34); // VERSION_1 | RING_PACKED
        f.Front.Send(VhostUserRequest.GetInflightFd, new InflightDescription(0, 0, 1, 128).ToBytes());
        var reply = f.Front.Connection.ReceiveReply()!;
        Assert.Equal(new InflightDescription(4160, 0, 1, 128), InflightDescription.Parse(reply.Request, reply.Payload));
        int fd = reply.TakeFd(0);
        try
        {
            Assert.Equal(4160, LibC.FileSize(fd));
            Assert.True(Wait.Until(() => f.Session.Inflight != null));
            Assert.True(f.Session.Inflight!.Packed);
            Assert.NotNull(f.Session.Rings[0].PackedInflight);
            Assert.Null(f.Session.Rings[0].Inflight);
        }
        finally { LibC.close(fd); }

        using var splitSized = SharedMemoryFile.Create("virtsim-test-inflight", 2112);
        f.Front.Send(VhostUserRequest.SetInflightFd, new InflightDescription(2112, 0, 1, 128).ToBytes(), false, splitSized.Fd);
        var end = await f.Serving.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(SessionEndKind.ProtocolError, end.Kind);
        Assert.Contains("0x1040", end.Reason); // the 4160 bytes 128 packed entries need
    }

    [Theory]
    [InlineData("not negotiated")]
    [InlineData("region too small")]
    [InlineData("no fd")]
    public async Task Bad_inflight_requests_close_the_connection(string name)
    {
        using var f = new SessionFixture(Blk());
        using var small = SharedMemoryFile.Create("virtsim-test-inflight", 4096);
        f.Front.Negotiate(1UL << 32, protocol: name == "not negotiated" ? VhostUserSession.SupportedProtocolFeatures : ulong.MaxValue);
        var description = name == "region too small" ? new InflightDescription(64, 0, 1, 128) : new InflightDescription(4096, 0, 1, 128);
        if (name == "no fd") f.Front.Send(VhostUserRequest.SetInflightFd, description.ToBytes());
        else f.Front.Send(VhostUserRequest.SetInflightFd, description.ToBytes(), false, small.Fd);
        var end = await f.Serving.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(end.Kind == SessionEndKind.ProtocolError, $"{name}: {end}");
        Assert.Contains(name == "not negotiated" ? "not negotiated" : "inflight", end.Reason);
    }

    [Theory]
    [InlineData(VhostUserRequest.GetInflightFd, 65535, 32768)] // would be a 34 GB memfd
    [InlineData(VhostUserRequest.GetInflightFd, 3, 128)]
    [InlineData(VhostUserRequest.SetInflightFd, 3, 128)]
    public async Task A_region_for_more_queues_than_the_device_has_is_refused(VhostUserRequest request, int queues, int queueSize)
    {
        using var f = new SessionFixture(new BlkBackend(new MemoryBlockStore(64), queues: 2));
        f.Front.Negotiate(1UL << 32);
        ulong size = InflightLayout.RegionSize((ushort)queues, (ushort)queueSize);
        var description = new InflightDescription(request == VhostUserRequest.SetInflightFd ? size : 0, 0, (ushort)queues, (ushort)queueSize);
        if (request == VhostUserRequest.SetInflightFd)
        {
            using var region = SharedMemoryFile.Create("virtsim-test-inflight", size);
            f.Front.Send(request, description.ToBytes(), false, region.Fd);
        }
        else f.Front.Send(request, description.ToBytes());
        var end = await f.Serving.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(SessionEndKind.ProtocolError, end.Kind);
        Assert.Contains($"inflight region for {queues} queues, but the device has 2", end.Reason);
        Assert.Null(f.Session.Inflight);
    }

    [Fact]
    public void A_region_for_exactly_the_device_queues_is_handed_out()
    {
        using var f = new SessionFixture(new BlkBackend(new MemoryBlockStore(64), queues: 2));
        f.Front.Negotiate(1UL << 32);
        f.Front.Send(VhostUserRequest.GetInflightFd, new InflightDescription(0, 0, 2, 128).ToBytes());
        var reply = f.Front.Connection.ReceiveReply()!;
        Assert.Equal(new InflightDescription(2 * 2112, 0, 2, 128), InflightDescription.Parse(reply.Request, reply.Payload));
        LibC.close(reply.TakeFd(0));
    }
}
