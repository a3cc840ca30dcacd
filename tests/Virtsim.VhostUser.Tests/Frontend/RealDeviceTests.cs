using System.Security.Cryptography;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.VhostUser.Tests.Dpdk;
using Xunit.Abstractions;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>
/// The front-end against real vhost-user devices: DPDK's net_vhost in dpdk-testpmd (io forwarding sends every
/// frame back) and qemu-storage-daemon's vhost-user-blk export. Missing binaries fail the test.
/// </summary>
[Collection(DpdkCollection.Name)]
public sealed class RealDeviceTests(ITestOutputHelper output)
{
    private const int Frames = 100_000;

    [Theory]
    [InlineData(false, true, true, 2048)]
    [InlineData(true, true, true, 2048)]
    [InlineData(false, false, false, 2048)]
    [InlineData(true, false, false, 2048)]
    [InlineData(false, true, true, 128)]
    [InlineData(true, true, true, 128)]
    public Task Every_frame_io_forwarded_by_testpmd_net_vhost_comes_back_verified(bool packed, bool eventIdx, bool mergeable, int rxBufferSize) =>
        DriveThroughTestpmd(queues: 1, socket => new VhostUserDriveOptions
        {
            SocketPath = socket, Frames = Frames, FrameSize = 200, Packed = packed, EventIdx = eventIdx,
            MergeableRxBuffers = mergeable, RxBufferSize = rxBufferSize, Seed = 0xD9D4,
        }, summary =>
        {
            Assert.Equal(0, summary.Net!.Mismatches + summary.Net.Duplicates);
            Assert.Equal(packed, summary.FeatureNames.Contains("RING_PACKED"));
            Assert.Equal(eventIdx, summary.FeatureNames.Contains("EVENT_IDX"));
            Assert.Equal(mergeable, summary.FeatureNames.Contains("MRG_RXBUF"));
            // 12 + 200 bytes do not fit a 128-byte buffer: DPDK spreads every frame over two.
            Assert.Equal(rxBufferSize < 212 ? Frames : 0, summary.Net.MergedFrames);
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Frames_spread_over_two_queue_pairs_of_testpmd_net_vhost_all_come_back_verified(bool packed) =>
        DriveThroughTestpmd(queues: 2, socket => new VhostUserDriveOptions
        {
            SocketPath = socket, Frames = Frames, FrameSize = 200, Packed = packed, QueuePairs = 2, Seed = 0x2222,
        }, summary =>
        {
            Assert.Contains("MQ", summary.FeatureNames);
            // io forwarding returns each frame on the queue it came in by, and frames went out round-robin.
            Assert.Equal(2, summary.Net!.ReceivedPerPair.Count);
            Assert.All(summary.Net.ReceivedPerPair, count => Assert.Equal(Frames / 2, count));
        });

    /// <summary>
    /// Drives <see cref="Frames"/> frames (<paramref name="options"/> for the socket) through testpmd's net_vhost with
    /// <paramref name="queues"/> queue pairs: every frame must come back verified, <paramref name="check"/> then looks
    /// at the summary, and testpmd must have counted the same frames in both directions.
    /// </summary>
    private async Task DriveThroughTestpmd(int queues, Func<string, VhostUserDriveOptions> options, Action<VhostUserDriveSummary> check)
    {
        Assert.True(Testpmd.Binary != null, "dpdk-testpmd is not installed: run scripts/test.sh, which installs the dpdk package");
        string socket = DriveAgainstServeTests.SocketPath();
        try
        {
            using var testpmd = Testpmd.StartVhost(socket, queues);
            Assert.True(testpmd.WaitForwarding(), "testpmd did not start forwarding:\n" + testpmd.Output);
            var summary = await VhostUserDriver.RunAsync(options(socket), TextWriter.Null).WaitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine(summary.Json);
            Assert.True(summary.Error == null, summary.Error + "\n" + testpmd.Output);
            Assert.True(summary.Ok, summary.Json);
            Assert.Equal(Frames, summary.Net!.FramesVerified);
            check(summary);
            Assert.True(testpmd.Quit(), "testpmd did not exit");
            var (rx, tx) = testpmd.Totals();
            Assert.Equal(Frames, rx);
            Assert.Equal(Frames, tx);
        }
        finally
        {
            File.Delete(socket);
        }
    }

    [Fact]
    public async Task The_qemu_storage_daemon_image_holds_exactly_what_the_blk_driver_wrote()
    {
        Assert.True(StorageDaemon.Binary != null, "qemu-storage-daemon is not installed: run scripts/test.sh, which installs qemu-system-common");
        string socket = DriveAgainstServeTests.SocketPath();
        string image = Path.Combine(Path.GetTempPath(), $"vs-fe-{Guid.NewGuid():N}.img");
        try
        {
            await using (var file = File.Create(image)) file.SetLength(16 << 20);
            VhostUserDriveSummary summary;
            using (var daemon = StorageDaemon.Start(image, socket))
            {
                summary = await VhostUserDriver.RunAsync(new VhostUserDriveOptions
                {
                    SocketPath = socket, Device = VhostUserDeviceKind.Blk, Seed = 0xB10C, Timeout = TimeSpan.FromSeconds(10),
                }, TextWriter.Null).WaitAsync(TimeSpan.FromSeconds(30));
                output.WriteLine(summary.Json);
                Assert.True(summary.Error == null, summary.Error + "\n" + daemon.Output);
            }
            Assert.True(summary.Ok, summary.Json);
            var blk = summary.Blk!;
            Assert.Equal(16UL << 20, blk.CapacityBytes);
            Assert.Equal(blk.CapacityBytes, blk.VerifiedBytes);
            Assert.True(blk.Flushed);
            byte[] content = await File.ReadAllBytesAsync(image);
            Assert.Equal(-1, DiskPattern.FirstMismatch(content, 0xB10C, 0));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), blk.Sha256);
        }
        finally
        {
            File.Delete(image);
            File.Delete(socket);
        }
    }
}
