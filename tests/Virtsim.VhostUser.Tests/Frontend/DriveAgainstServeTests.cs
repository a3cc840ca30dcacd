using System.Security.Cryptography;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.VhostUser.Tests.Harness;
using Xunit.Abstractions;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>
/// The front-end against Virtsim's own back-end (<see cref="VhostUserServer"/> in-process): fast, no external
/// peer. Net runs with Loopback, so every frame sent must come back verified; blk writes, reads back and checks the
/// image file itself.
/// </summary>
public sealed class DriveAgainstServeTests(ITestOutputHelper output)
{
    internal static string SocketPath() => Path.Combine(Path.GetTempPath(), $"vs-fe-{Guid.NewGuid():N}"[..18] + ".sock");

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 3)]
    public async Task Frames_spread_over_several_queue_pairs_all_come_back_on_their_pair(bool packed, int pairs)
    {
        string socket = SocketPath();
        var (drive, serve) = await InProcessServe.DriveAsync(
            new VhostUserServeOptions { SocketPath = socket, Loopback = true, MaxConnections = 1, Queues = pairs },
            new VhostUserDriveOptions { SocketPath = socket, Frames = 3001, FrameSize = 100, QueueSize = 64, Packed = packed, QueuePairs = pairs, Seed = 5 });
        output.WriteLine(drive.Json);
        Assert.Null(drive.Error);
        Assert.True(drive.Ok);
        var net = drive.Net!;
        Assert.Equal(3001, net.FramesVerified);
        Assert.Equal(0, net.Mismatches + net.Duplicates + net.Lost);
        // Frame s leaves by pair s mod N, and loopback returns each on its own pair.
        var expected = Enumerable.Range(0, pairs).Select(p => (long)(3001 / pairs + (p < 3001 % pairs ? 1 : 0)));
        Assert.Equal(expected, net.ReceivedPerPair);
        Assert.Contains($"\"queuePairs\":{pairs}", drive.Json);
        Assert.Contains("\"framesFromDriver\":3001", serve.Json);
    }

    [Fact]
    public async Task More_queue_pairs_than_the_device_has_are_refused_with_a_clear_error()
    {
        string socket = SocketPath();
        var (drive, _) = await InProcessServe.DriveAsync(
            new VhostUserServeOptions { SocketPath = socket, Loopback = true, MaxConnections = 1, Queues = 2 },
            new VhostUserDriveOptions { SocketPath = socket, Frames = 10, QueuePairs = 4 });
        Assert.False(drive.Ok);
        Assert.Contains("the device has 2 queue pairs, 4 were asked for", drive.Error);
    }

    [Theory]
    [InlineData(2, true, "queue size must be at least 4 (got 2)")]
    [InlineData(48, false, "split queue size 48 is not a power of two")]
    [InlineData(40000, true, "queue size 40000 is outside 1..32768")]
    [InlineData(48, true, null)]
    [InlineData(32768, false, null)]
    public void Queue_sizes_follow_the_ring_rules_before_connecting(int size, bool packed, string? message) =>
        Assert.Equal(message, new VhostUserDriveOptions { SocketPath = "x", QueueSize = (ushort)size, Packed = packed }.Validate());

    [Theory]
    [InlineData(0, VhostUserDeviceKind.Net, "queue pairs must be 1..64 (got 0)")]
    [InlineData(65, VhostUserDeviceKind.Net, "queue pairs must be 1..64 (got 65)")]
    [InlineData(2, VhostUserDeviceKind.Blk, "queue pairs apply to net only")]
    public void Bad_queue_pair_counts_are_refused_before_connecting(int pairs, VhostUserDeviceKind device, string message) =>
        Assert.Equal(message, new VhostUserDriveOptions { SocketPath = "x", QueuePairs = pairs, Device = device }.Validate());

    [Theory]
    [InlineData(false, true, true, true)]
    [InlineData(true, true, true, true)]
    [InlineData(false, false, false, false)]
    [InlineData(true, false, true, false)]
    public async Task Every_looped_back_frame_is_received_and_verified(bool packed, bool eventIdx, bool mergeable, bool inOrder)
    {
        string socket = SocketPath();
        var (drive, serve) = await InProcessServe.DriveAsync(
            new VhostUserServeOptions { SocketPath = socket, Loopback = true, MaxConnections = 1 },
            new VhostUserDriveOptions
            {
                SocketPath = socket, Frames = 3000, FrameSize = 300, QueueSize = 64, Packed = packed,
                EventIdx = eventIdx, MergeableRxBuffers = mergeable, InOrder = inOrder, Seed = 99,
            });
        output.WriteLine(drive.Json);
        output.WriteLine(serve.Json);
        Assert.Null(drive.Error);
        Assert.True(drive.Ok);
        var net = drive.Net!;
        Assert.Equal(3000, net.FramesSent);
        Assert.Equal(3000, net.FramesReceived);
        Assert.Equal(3000, net.FramesVerified);
        Assert.Equal(0, net.Mismatches + net.Duplicates + net.Lost);
        Assert.Contains("\"framesVerified\":3000", drive.Json);
        // Both sides agree on what crossed the rings and on what was negotiated.
        Assert.Contains("\"framesFromDriver\":3000", serve.Json);
        Assert.Contains("\"framesToDriver\":3000", serve.Json);
        Assert.Empty(serve.Errors);
        Assert.Equal(serve.Features, drive.Features);
        Assert.Equal(packed, drive.FeatureNames.Contains("RING_PACKED"));
        Assert.Equal(eventIdx, drive.FeatureNames.Contains("EVENT_IDX"));
        Assert.Equal(mergeable, drive.FeatureNames.Contains("MRG_RXBUF"));
        Assert.Equal(inOrder, drive.FeatureNames.Contains("IN_ORDER"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_mergeable_buffers_frames_larger_than_a_buffer_arrive_merged_and_verified(bool packed)
    {
        string socket = SocketPath();
        var (drive, _) = await InProcessServe.DriveAsync(
            new VhostUserServeOptions { SocketPath = socket, Loopback = true, MaxConnections = 1 },
            new VhostUserDriveOptions { SocketPath = socket, Frames = 1000, FrameSize = 1000, RxBufferSize = 256, QueueSize = 64, Packed = packed });
        output.WriteLine(drive.Json);
        Assert.True(drive.Ok, drive.Json);
        Assert.Equal(1000, drive.Net!.FramesVerified);
        Assert.Equal(1000, drive.Net.MergedFrames); // 12 + 1000 bytes need 4 buffers of 256
    }

    [Fact]
    public async Task Without_mergeable_buffers_each_receive_buffer_holds_a_whole_frame()
    {
        string socket = SocketPath();
        var (drive, _) = await InProcessServe.DriveAsync(
            new VhostUserServeOptions { SocketPath = socket, Loopback = true, MaxConnections = 1 },
            new VhostUserDriveOptions { SocketPath = socket, Frames = 500, FrameSize = 1000, RxBufferSize = 256, QueueSize = 64, MergeableRxBuffers = false });
        Assert.True(drive.Ok, drive.Json);
        Assert.Equal(0, drive.Net!.MergedFrames);
        Assert.DoesNotContain("MRG_RXBUF", drive.FeatureNames);
    }

    [Fact]
    public async Task Without_loopback_no_frame_comes_back_and_every_one_is_reported_lost()
    {
        string socket = SocketPath();
        var (drive, _) = await InProcessServe.DriveAsync(
            new VhostUserServeOptions { SocketPath = socket, MaxConnections = 1 },
            new VhostUserDriveOptions { SocketPath = socket, Frames = 50, QueueSize = 64, Timeout = TimeSpan.FromSeconds(2) });
        Assert.Null(drive.Error);
        Assert.False(drive.Ok);
        Assert.Equal(50, drive.Net!.FramesSent);
        Assert.Equal(0, drive.Net.FramesVerified);
        Assert.Equal(50, drive.Net.Lost);
        Assert.Contains("\"lost\":50", drive.Json);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_whole_disk_is_written_read_back_and_its_hash_matches_the_image_file(bool packed)
    {
        string socket = SocketPath();
        string image = Path.Combine(Path.GetTempPath(), $"vs-fe-{Guid.NewGuid():N}.img");
        try
        {
            var (drive, serve) = await InProcessServe.DriveAsync(
                new VhostUserServeOptions { SocketPath = socket, Device = VhostUserDeviceKind.Blk, ImagePath = image, ImageSize = 4 << 20, MaxConnections = 1 },
                new VhostUserDriveOptions { SocketPath = socket, Device = VhostUserDeviceKind.Blk, Packed = packed, QueueSize = 32, RequestSize = 16 * 1024, Seed = 5 });
            output.WriteLine(drive.Json);
            Assert.Null(drive.Error);
            Assert.True(drive.Ok);
            var blk = drive.Blk!;
            Assert.Equal(4UL << 20, blk.CapacityBytes);
            Assert.Equal(blk.CapacityBytes, blk.BytesWritten);
            Assert.Equal(blk.CapacityBytes, blk.VerifiedBytes);
            Assert.Equal(2 * 256 + 1, blk.Requests); // 256 writes, a flush, 256 reads
            Assert.True(blk.Flushed);
            Assert.Empty(serve.Errors);
            // The image on disk is exactly the pattern, and the hash reported is the image's.
            byte[] content = await File.ReadAllBytesAsync(image);
            Assert.Equal(-1, DiskPattern.FirstMismatch(content, 5, 0));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), blk.Sha256);
            Assert.Contains($"\"sha256\":\"{blk.Sha256}\"", drive.Json);
        }
        finally
        {
            File.Delete(image);
        }
    }

    [Fact]
    public async Task A_missing_socket_is_an_error_after_the_timeout()
    {
        var drive = await VhostUserDriver.RunAsync(
            new VhostUserDriveOptions { SocketPath = SocketPath(), Timeout = TimeSpan.FromMilliseconds(200) }, TextWriter.Null);
        Assert.False(drive.Ok);
        Assert.Contains("connect", drive.Error);
    }
}
