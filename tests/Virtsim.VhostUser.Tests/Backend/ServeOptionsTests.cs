using FsCheck;
using FsCheck.Fluent;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Transport;

namespace Virtsim.VhostUser.Tests.Backend;

/// <summary>
/// <see cref="VhostUserServeOptions.Validate"/> is the one check of serve options: whatever it accepts can be built
/// and listened on, whatever it refuses is refused before anything is created.
/// </summary>
public class ServeOptionsTests
{
    private static readonly string SocketInTemp = Path.Combine(Path.GetTempPath(), "virtsim-never-created.sock");

    [Fact]
    public void Whatever_validates_builds_a_device_and_whatever_does_not_is_refused_by_run()
    {
        var devices = Gen.Elements(VhostUserDeviceKind.Net, VhostUserDeviceKind.Blk, (VhostUserDeviceKind)7);
        var queues = Gen.OneOf(ArbMap.Default.GeneratorFor<int>(), Gen.Choose(-2, 130));
        var sizes = Gen.OneOf(ArbMap.Default.GeneratorFor<long>(), Gen.Choose(-2, 4096).Select(i => (long)i * 256));
        var delays = Gen.OneOf(ArbMap.Default.GeneratorFor<long>(), Gen.Choose(-2, 70_000).Select(ms => ms * TimeSpan.TicksPerMillisecond));
        var frameSizes = Gen.OneOf(ArbMap.Default.GeneratorFor<int>(), Gen.Choose(50, 70_000));
        var options =
            from device in devices
            from q in queues
            from size in sizes
            from delay in delays
            from frameSize in frameSizes
            from injected in ArbMap.Default.GeneratorFor<long>()
            from connections in ArbMap.Default.GeneratorFor<int>()
            from loopback in ArbMap.Default.GeneratorFor<bool>()
            select new VhostUserServeOptions
            {
                SocketPath = SocketInTemp, Device = device, Queues = q, ImageSize = size, IoDelay = TimeSpan.FromTicks(delay),
                InjectFrameSize = frameSize, InjectFrames = injected, MaxConnections = connections, Loopback = loopback,
            };
        Prop.ForAll(options.ToArbitrary(), o =>
        {
            if (o.Validate() is { } reason)
            {
                // Thrown at once, before a socket exists: RunAsync checks before it listens.
                var e = Assert.Throws<ArgumentException>(() => { _ = VhostUserServer.RunAsync(o, TextWriter.Null, CancellationToken.None); });
                Assert.StartsWith(reason, e.Message);
                Assert.False(File.Exists(SocketInTemp));
                return true;
            }
            var device = VhostUserServer.CreateDevice(o); // must not throw
            Assert.Equal(o.Device == VhostUserDeviceKind.Net ? 2 * o.Queues : o.Queues, device.RingCount);
            (device as IDisposable)?.Dispose();
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Theory]
    [InlineData(VhostUserDeviceKind.Net, 128, null)]
    [InlineData(VhostUserDeviceKind.Net, 129, "queue pairs must be 1..128 for net (got 129)")]
    [InlineData(VhostUserDeviceKind.Blk, 64, null)]
    [InlineData(VhostUserDeviceKind.Blk, 65, "request queues must be 1..64 for blk (got 65)")]
    [InlineData(VhostUserDeviceKind.Blk, 0, "request queues must be 1..64 for blk (got 0)")]
    public void The_queue_limits_are_the_back_ends_own(VhostUserDeviceKind device, int queues, string? reason)
    {
        var options = new VhostUserServeOptions { SocketPath = SocketInTemp, Device = device, Queues = queues };
        Assert.Equal(reason, options.Validate());
        Assert.Equal(device == VhostUserDeviceKind.Net ? NetBackend.MaxQueuePairs : BlkBackend.MaxQueues, options.MaxQueues);
    }

    [Fact]
    public void Any_string_is_a_socket_address_exactly_when_the_check_passes()
    {
        var paths = Gen.OneOf(ArbMap.Default.GeneratorFor<string>(),
            Gen.Choose(95, 120).Select(n => new string('é', n / 2) + new string('a', n % 2)),
            Gen.Choose(100, 115).Select(n => new string('a', n)));
        Prop.ForAll(paths.ToArbitrary(), path =>
        {
            string? reason = UnixSocketAddress.Check(path);
            bool fits = !string.IsNullOrEmpty(path) && !path.Contains('\0') && System.Text.Encoding.UTF8.GetByteCount(path) <= 107;
            Assert.Equal(fits, reason == null);
            if (reason == null) Assert.Equal(UnixSocketAddress.Size, UnixSocketAddress.Encode(path!).Length);
            else Assert.StartsWith(reason, Assert.Throws<ArgumentException>(() => UnixSocketAddress.Encode(path!)).Message);
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
