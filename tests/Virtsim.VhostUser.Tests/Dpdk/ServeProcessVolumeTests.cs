using System.Diagnostics;
using System.Text.Json;
using Virtsim.TestSupport;
using Virtsim.VhostUser.Tests.Frontend;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.VhostUser.Tests.Restart;
using Xunit.Abstractions;

namespace Virtsim.VhostUser.Tests.Dpdk;

/// <summary>
/// <c>virtsim vhost-user serve</c> as a separate process against DPDK's virtio driver (testpmd's net_virtio_user), in
/// every ring variant testpmd offers (split or packed, in_order 0 or 1, mrg_rxbuf 0 or 1) and each of the forward
/// modes txonly, rxonly and io: at least <see cref="Volume"/> frames must pass, and their bytes must be right. A
/// back-end that stops after a burst never reaches the volume and fails. testpmd runs with <c>--stats-period 1</c>,
/// so it forwards until a signal whatever its stdin, and prints its port counters every second; each run ends as
/// soon as those counters show the volume.
/// </summary>
[Collection(DpdkCollection.Name)]
public sealed class ServeProcessVolumeTests(ITestOutputHelper output)
{
    private const long Volume = 100_000;
    private const int InjectedFrameSize = 128;
    private const int TxonlyFrameSize = 64; // testpmd's default --txpkts
    // Generous: a healthy run needs 2 to 6 s on two busy cores, but one took 30 s while other builds shared them.
    private const int VolumeTimeoutMs = 90_000;

    public static TheoryData<string, bool, bool, bool> Variants()
    {
        var data = new TheoryData<string, bool, bool, bool>();
        foreach (var mode in new[] { "txonly", "rxonly", "io" })
            foreach (bool packed in new[] { false, true })
                foreach (bool inOrder in new[] { false, true })
                    foreach (bool mergeable in new[] { false, true })
                        data.Add(mode, packed, inOrder, mergeable);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Serve_carries_a_hundred_thousand_intact_frames(string mode, bool packed, bool inOrder, bool mergeable)
    {
        Assert.True(Testpmd.Binary != null, "dpdk-testpmd is not installed: run scripts/test.sh, which installs the dpdk package");
        string socket = DriveAgainstServeTests.SocketPath();
        // rxonly: exactly the volume, so testpmd's port counter must end on it; io: more than testpmd can take before
        // it is stopped (it drops what it flushes at start and what finds its transmit ring full).
        string[] inject = mode switch
        {
            "rxonly" => ["--inject-frames", Volume.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            "io" => ["--inject-frames", "1000000000"],
            _ => [],
        };
        using var serve = ServeProcess.Start(["vhost-user", "serve", "--socket", socket, "--device", "net", "--inject-frame-size", $"{InjectedFrameSize}", .. inject]);
        try
        {
            Wait.ForSocket(socket, serve);
            using var testpmd = Testpmd.StartPeriodic(socket, mode, packed, inOrder, mergeable);
            var watch = Stopwatch.StartNew();
            Func<PortStatistics, bool> reached = mode == "rxonly" ? s => s.RxPackets >= Volume : s => s.TxPackets >= Volume;
            bool done = Wait.Until(() => { Thread.Sleep(50); return testpmd.PortStatistics() is { } s && reached(s); }, VolumeTimeoutMs);
            var port = testpmd.PortStatistics();
            if (!done)
            {
                // Which side stopped: serve's own count of frames given to the driver says.
                serve.Stop();
                Assert.Fail($"{mode}: testpmd's port counters stopped at {port} short of {Volume} frames; serve said:\n{serve.Output}\ntestpmd said:\n{testpmd.Output}");
            }
            double seconds = watch.Elapsed.TotalSeconds;
            Assert.True(testpmd.Interrupt(), "testpmd did not exit on SIGINT");
            var (rx, tx) = testpmd.Totals();
            Assert.True(serve.Stop(), "serve did not stop on SIGTERM");
            var summary = JsonDocument.Parse(ServeProcess.LastJsonLine(serve.Output)).RootElement;
            output.WriteLine($"{mode} packed={packed} in_order={inOrder} mrg_rxbuf={mergeable}: volume within {seconds:F1} s of testpmd's start; port {port}; forwarded RX {rx} TX {tx}\n{summary}");

            Assert.Equal(1, summary.GetProperty("connections").GetInt32());
            Assert.Empty(summary.GetProperty("errors").EnumerateArray());
            string features = summary.GetProperty("featureNames").GetString()!;
            Assert.Equal(packed, features.Contains("RING_PACKED"));
            Assert.Equal(inOrder, features.Contains("IN_ORDER"));
            Assert.Equal(mergeable, features.Contains("MRG_RXBUF"));
            long fromDriver = summary.GetProperty("framesFromDriver").GetInt64();
            long toDriver = summary.GetProperty("framesToDriver").GetInt64();
            long verified = summary.GetProperty("framesVerified").GetInt64();
            switch (mode)
            {
                case "txonly":
                    // Every frame testpmd sent was taken, with its length (testpmd's payload bytes are not defined).
                    Assert.True(tx >= Volume, $"testpmd sent {tx}");
                    Assert.Equal(tx, fromDriver);
                    Assert.Equal(TxonlyFrameSize * fromDriver, summary.GetProperty("bytesFromDriver").GetInt64());
                    Assert.Equal(0, toDriver);
                    break;
                case "rxonly":
                    // All injected frames reached the driver, each at its size, and testpmd took every one (it flushes
                    // nothing at start: --no-flush-rx).
                    Assert.Equal(Volume, toDriver);
                    Assert.Equal(0, summary.GetProperty("framesNotInjected").GetInt64());
                    Assert.Equal(Volume, port!.RxPackets);
                    Assert.Equal(Volume * InjectedFrameSize, port.RxBytes);
                    Assert.Equal(Volume, rx);
                    Assert.Equal(0, fromDriver);
                    break;
                default:
                    // What testpmd forwarded back is exactly what serve took, and every frame of it is an injected frame
                    // with every byte intact: both directions carried the bytes unchanged.
                    Assert.True(tx >= Volume, $"testpmd forwarded {tx}");
                    Assert.Equal(tx, fromDriver);
                    Assert.Equal(fromDriver, verified);
                    Assert.InRange(rx, tx, toDriver);
                    // Every frame is 128 bytes. The counters were read while frames flowed, and testpmd's packet and
                    // byte counts may be one burst apart (743,361 packets beside 743,362 frames' bytes was seen).
                    Assert.Equal(0, port!.RxBytes % InjectedFrameSize);
                    Assert.InRange(port.RxBytes / InjectedFrameSize - port.RxPackets, -32, 32);
                    break;
            }
        }
        finally
        {
            File.Delete(socket);
        }
    }
}
