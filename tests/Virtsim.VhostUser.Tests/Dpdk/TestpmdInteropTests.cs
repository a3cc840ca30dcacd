using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Tests.Harness;
using Xunit.Abstractions;

namespace Virtsim.VhostUser.Tests.Dpdk;

/// <summary>
/// Virtsim's net back-end, in this process, against the real DPDK virtio driver (dpdk-testpmd, net_virtio_user over
/// the socket): every run must carry at least <see cref="Volume"/> frames, the frames testpmd reports and the frames
/// the back-end counted must agree exactly, and what comes back must be intact. <see cref="ServeProcessVolumeTests"/>
/// does the same through the <c>serve</c> command in every ring variant.
/// </summary>
[Collection(DpdkCollection.Name)]
public sealed class TestpmdInteropTests(ITestOutputHelper output)
{
    private const long Volume = 100_000;
    private const int TxonlyFrameSize = 64; // testpmd's default --txpkts
    private const int InjectedFrameSize = 64; // NetBackendOptions' default
    private const int VolumeTimeoutMs = 90_000; // generous: two cores that other work may share
    private sealed class Run : IDisposable
    {
        private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(45));
        public readonly string Socket = $"/tmp/virtsim-vu-{Guid.NewGuid():N}"[..30] + ".sock";
        public readonly NetBackend Net;
        public readonly StringWriter Log = new();
        public readonly Task<VhostUserServeSummary> Server;

        public Run(int pairs = 1, int connections = 1)
        {
            Net = new NetBackend(new NetBackendOptions { QueuePairs = pairs });
            Server = VhostUserServer.RunAsync(Net, new VhostUserServeOptions { SocketPath = Socket, MaxConnections = connections }, TextWriter.Synchronized(Log), _cts.Token);
        }

        public async Task<VhostUserServeSummary> Finish() => await Server.WaitAsync(TimeSpan.FromSeconds(15));

        public void Dispose()
        {
            _cts.Cancel();
            try { Server.Wait(5000); } catch (AggregateException) { }
            File.Delete(Socket);
        }
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    public async Task Txonly_frames_sent_by_testpmd_equal_frames_the_back_end_served(bool packed, bool inOrder, bool mergeable)
    {
        Assert.True(Testpmd.Binary != null, "dpdk-testpmd is not installed: run scripts/test.sh, which installs the dpdk package");
        using var run = new Run();
        using var testpmd = Testpmd.Start(run.Socket, "txonly", packed, inOrder, mergeable);
        Assert.True(testpmd.WaitForwarding(), "testpmd did not start forwarding:\n" + testpmd.Output + run.Log);
        Assert.True(Wait.Until(() => run.Net.FramesFromDriver >= Volume, VolumeTimeoutMs), $"the back-end took {run.Net.FramesFromDriver} of {Volume} frames");
        Assert.True(testpmd.Quit(), "testpmd did not exit");
        var summary = await run.Finish();
        var (_, tx) = testpmd.Totals();
        output.WriteLine($"packed={packed} in_order={inOrder} mrg_rxbuf={mergeable}: testpmd TX-packets {tx}, back-end {run.Net.FramesFromDriver}; {summary.Json}");
        Assert.True(tx >= Volume, $"testpmd sent {tx}:\n" + testpmd.Output);
        Assert.Equal(tx, run.Net.FramesFromDriver);
        Assert.Equal(TxonlyFrameSize * tx, run.Net.Net.Statistics.TxBytes);
        Assert.Contains($"\"framesFromDriver\":{tx}", summary.Json);
        Assert.Empty(summary.Errors);
        Assert.Equal(packed, summary.FeatureNames.Contains("RING_PACKED"));
    }

    [Fact]
    public async Task A_front_end_killed_mid_run_loses_only_its_connection_and_the_next_one_is_served()
    {
        Assert.True(Testpmd.Binary != null, "dpdk-testpmd is not installed: run scripts/test.sh, which installs the dpdk package");
        using var run = new Run(connections: 2);
        long afterCrash;
        using (var crashing = Testpmd.Start(run.Socket, "txonly", packed: false, inOrder: true, mergeable: true))
        {
            Assert.True(crashing.WaitForwarding(), "testpmd did not start forwarding:\n" + crashing.Output + run.Log);
            Assert.True(Wait.Until(() => run.Net.FramesFromDriver > 0, 10_000), "nothing transmitted before the crash");
            crashing.Crash();
        }
        Assert.True(Wait.Until(() => { long a = run.Net.FramesFromDriver; Thread.Sleep(100); return a == run.Net.FramesFromDriver; }, 10_000));
        afterCrash = run.Net.FramesFromDriver;
        using var testpmd = Testpmd.Start(run.Socket, "txonly", packed: true, inOrder: false, mergeable: false);
        Assert.True(testpmd.WaitForwarding(), "the second testpmd did not start forwarding:\n" + testpmd.Output + run.Log);
        Assert.True(Wait.Until(() => run.Net.FramesFromDriver - afterCrash >= Volume, VolumeTimeoutMs), $"the back-end took {run.Net.FramesFromDriver - afterCrash} of {Volume} frames after the crash");
        Assert.True(testpmd.Quit(), "testpmd did not exit");
        var summary = await run.Finish();
        var (_, tx) = testpmd.Totals();
        output.WriteLine($"after the crash {afterCrash}; second run testpmd TX {tx}, back-end total {run.Net.FramesFromDriver}; {summary.Json}");
        Assert.Equal(2, summary.Connections);
        Assert.True(tx >= Volume, $"testpmd sent {tx}");
        Assert.Equal(afterCrash + tx, run.Net.FramesFromDriver);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Txonly_over_two_queue_pairs_counts_agree(bool packed)
    {
        Assert.True(Testpmd.Binary != null, "dpdk-testpmd is not installed: run scripts/test.sh, which installs the dpdk package");
        using var run = new Run(pairs: 2);
        using var testpmd = Testpmd.Start(run.Socket, "txonly", packed, inOrder: true, mergeable: true, queues: 2);
        Assert.True(testpmd.WaitForwarding(), "testpmd did not start forwarding:\n" + testpmd.Output + run.Log);
        Assert.True(Wait.Until(() => run.Net.FramesFromDriver >= Volume, VolumeTimeoutMs), $"the back-end took {run.Net.FramesFromDriver} of {Volume} frames");
        Assert.True(testpmd.Quit(), "testpmd did not exit");
        var summary = await run.Finish();
        var (_, tx) = testpmd.Totals();
        output.WriteLine($"2 pairs packed={packed}: testpmd TX-packets {tx}, back-end {run.Net.FramesFromDriver}; {summary.Json}");
        Assert.True(tx >= Volume, $"testpmd sent {tx}");
        Assert.Equal(tx, run.Net.FramesFromDriver);
        Assert.Equal(TxonlyFrameSize * tx, run.Net.Net.Statistics.TxBytes);
        Assert.Contains("MQ", summary.FeatureNames);
        Assert.Empty(summary.Errors);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Rxonly_frames_injected_by_the_back_end_are_all_received_by_testpmd(bool packed, bool mergeable)
    {
        Assert.True(Testpmd.Binary != null, "dpdk-testpmd is not installed: run scripts/test.sh, which installs the dpdk package");
        const long frames = Volume;
        using var run = new Run();
        // Port counters every second: the first block says forwarding runs, a later one that every frame arrived.
        using var testpmd = Testpmd.StartPeriodic(run.Socket, "rxonly", packed, inOrder: true, mergeable);
        Assert.True(Wait.Until(() => { Thread.Sleep(20); return testpmd.PortStatistics() != null; }, VolumeTimeoutMs), "testpmd did not start forwarding:\n" + testpmd.Output + run.Log);
        run.Net.Inject(frames); // only now: testpmd flushes its receive queues when forwarding starts
        Assert.True(Wait.Until(() => run.Net.FramesToDriver == frames, VolumeTimeoutMs), $"delivered {run.Net.FramesToDriver} of {frames}");
        Assert.True(Wait.Until(() => { Thread.Sleep(50); return testpmd.PortStatistics()!.RxPackets == frames; }, VolumeTimeoutMs), $"testpmd counted {testpmd.PortStatistics()} of {frames}");
        Assert.True(testpmd.Interrupt(), "testpmd did not exit");
        var summary = await run.Finish();
        var (rx, _) = testpmd.Totals();
        output.WriteLine($"packed={packed} mrg_rxbuf={mergeable}: testpmd RX-packets {rx}, back-end {run.Net.FramesToDriver}; {summary.Json}");
        Assert.Equal(frames, rx);
        Assert.Equal(frames * InjectedFrameSize, testpmd.PortStatistics()!.RxBytes);
        Assert.Contains($"\"framesToDriver\":{frames}", summary.Json);
        Assert.Contains($"\"bytesToDriver\":{frames * InjectedFrameSize}", summary.Json);
        Assert.Empty(summary.Errors);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)] // split IN_ORDER: one used entry per transmit batch, one per receive buffer
    [InlineData(true, false)]
    [InlineData(true, true)] // packed IN_ORDER: transmit completions merged per burst, receive ones not
    public async Task Io_forwarding_counts_agree_in_both_directions_and_every_frame_comes_back_intact(bool packed, bool inOrder)
    {
        Assert.True(Testpmd.Binary != null, "dpdk-testpmd is not installed: run scripts/test.sh, which installs the dpdk package");
        const long frames = Volume * 6 / 5; // room for what testpmd drops when its transmit ring is full
        using var run = new Run();
        using var testpmd = Testpmd.Start(run.Socket, "io", packed, inOrder, mergeable: true);
        Assert.True(testpmd.WaitForwarding(), "testpmd did not start forwarding:\n" + testpmd.Output + run.Log);
        run.Net.Inject(frames);
        Assert.True(Wait.Until(() => run.Net.FramesToDriver == frames, VolumeTimeoutMs), $"delivered {run.Net.FramesToDriver} of {frames}");
        long seen = -1;
        Assert.True(Wait.Until(() => { Thread.Sleep(100); long now = run.Net.FramesFromDriver; bool still = now == seen; seen = now; return still; }, 10_000));
        Assert.True(testpmd.Quit(), "testpmd did not exit");
        await run.Finish();
        var (rx, tx) = testpmd.Totals();
        output.WriteLine($"packed={packed} in_order={inOrder}: testpmd RX {rx} TX {tx}, back-end to driver {run.Net.FramesToDriver} from driver {run.Net.FramesFromDriver}");
        Assert.Equal(frames, rx);
        Assert.Equal(run.Net.FramesToDriver, rx);
        Assert.Equal(run.Net.FramesFromDriver, tx); // what testpmd forwarded (its drops on a full ring are its own)
        Assert.True(tx >= Volume, $"testpmd forwarded {tx}");
        Assert.Equal(tx, run.Net.FramesVerified); // each one an injected frame with every byte intact
    }
}
