using System.Security.Cryptography;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Tests.Frontend;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.Virtio.Features;
using Xunit.Abstractions;

namespace Virtsim.VhostUser.Tests.Restart;

/// <summary>
/// A blk driver that hangs up itself mid-run, with requests in flight, and reconnects to the same in-process
/// server (which serves the next connection): INFLIGHT_SHMFD hands the new session the region, the ring restarts
/// at the recorded used index, and every request completes exactly once.
/// </summary>
public sealed class DriverReconnectTests(ITestOutputHelper output)
{
    private const int ImageBytes = 4 << 20;

    private static Task<(VhostUserDriveSummary Drive, VhostUserServeSummary Serve)> Run(string socket, string image, VhostUserDriveOptions drive) =>
        InProcessServe.DriveAsync(
            new VhostUserServeOptions { SocketPath = socket, Device = VhostUserDeviceKind.Blk, ImagePath = image, ImageSize = ImageBytes }, drive, TimeSpan.FromSeconds(120));

    [Theory]
    [InlineData(7, 4096, false)]
    [InlineData(100, 4096, false)]
    [InlineData(13, 65536, false)]
    [InlineData(7, 4096, true)]
    [InlineData(13, 65536, true)]
    public async Task A_driver_that_hangs_up_mid_run_and_reconnects_completes_every_request_once(int every, int requestSize, bool packed)
    {
        string socket = DriveAgainstServeTests.SocketPath();
        string image = Path.Combine(Path.GetTempPath(), $"vs-reconnect-{Guid.NewGuid():N}.img");
        try
        {
            var (drive, serve) = await Run(socket, image, new VhostUserDriveOptions
            {
                SocketPath = socket, Device = VhostUserDeviceKind.Blk, Packed = packed, QueueSize = 64, RequestSize = requestSize, Seed = 11,
                DisconnectEvery = every, Timeout = TimeSpan.FromSeconds(20),
            });
            output.WriteLine(drive.Json);
            Assert.Null(drive.Error);
            Assert.True(drive.Ok);
            var blk = drive.Blk!;
            Assert.True(blk.Inflight);
            Assert.Equal(packed, (drive.Features & (1UL << FeatureBit.RingPacked)) != 0);
            Assert.NotEqual(0UL, drive.ProtocolFeatures & (1UL << (int)VhostUserProtocolFeature.InflightShmfd));
            long requests = 2 * (ImageBytes / requestSize) + 1;
            Assert.Equal(requests, blk.Requests);
            // It hangs up once `every` requests retired on a connection while others are in flight; one loop turn
            // retires up to the pipeline depth (64 / 3 = 21), and a turn that retires everything outstanding skips
            // the check, so a connection retires fewer than every + 2 x 21 requests (bar the flush's).
            Assert.True(blk.Disconnects >= requests / (every + 42) - 4, $"only {blk.Disconnects} disconnects");
            Assert.Equal(blk.Disconnects, blk.Reconnects);
            Assert.Equal(0, blk.Duplicates);
            Assert.Equal((ulong)ImageBytes, blk.VerifiedBytes);
            Assert.Equal(blk.Reconnects + 1, serve.Connections);
            Assert.Empty(serve.Errors);
            byte[] content = await File.ReadAllBytesAsync(image);
            Assert.Equal(-1, DiskPattern.FirstMismatch(content, 11, 0));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), blk.Sha256);
        }
        finally
        {
            File.Delete(image);
        }
    }

    [Fact]
    public async Task Reconnection_options_are_refused_for_net_and_when_out_of_range()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => VhostUserDriver.RunAsync(
            new VhostUserDriveOptions { SocketPath = "s", Device = VhostUserDeviceKind.Net, Reconnect = true }, TextWriter.Null));
        await Assert.ThrowsAsync<ArgumentException>(() => VhostUserDriver.RunAsync(
            new VhostUserDriveOptions { SocketPath = "s", Device = VhostUserDeviceKind.Blk, DisconnectEvery = -1 }, TextWriter.Null));
        await Assert.ThrowsAsync<ArgumentException>(() => VhostUserDriver.RunAsync(
            new VhostUserDriveOptions { SocketPath = "s", Device = VhostUserDeviceKind.Blk, ReconnectTimeout = TimeSpan.Zero }, TextWriter.Null));
    }
}
