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
}
