using System.Diagnostics;
using Virtsim.Experiments.Peers;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Interop;

/// <summary>
/// Runs a vhost-user cell. Virtsim's front-end against a device (Virtsim's back-end, DPDK net_vhost with io
/// forwarding, qemu-storage-daemon): net sends <c>requests</c> pattern frames and checks that each comes back intact
/// once; blk writes the whole 16 MiB disk, reads it back and compares. DPDK net_virtio_user against Virtsim's back-end:
/// once testpmd forwards, the back-end injects <c>requests</c> pattern frames into its receive ring and checks every
/// frame testpmd forwards back. A peer whose process dies fails the cell as peer-crashed; one that stops moving, as a timeout.
/// </summary>
internal static class VhostUserCellRunner
{
    private const ulong Seed = 0x1A7E_0B5E;

    public static CellResult Run(InteropCell cell, InteropOptions options) =>
        cell.Driver.Kind == InteropDriverKind.DpdkVirtioUser ? RunTestpmdDriver(cell, options) : RunVirtsimDriver(cell, options);

    // Lines of a peer's output a failed cell keeps (its command line first).
    private const int OutputLines = 20;

    private static CellResult Result(InteropCell cell, Stopwatch clock, CellOutcome outcome, string reason, ulong features = 0, string traffic = "",
        IReadOnlyList<string>? output = null)
    {
        var set = new FeatureSet(features, 0);
        var type = cell.Type == VhostUserDeviceKind.Blk ? DeviceType.Block : DeviceType.Net;
        return new CellResult(cell, outcome, reason, set, features == 0 ? "" : FeatureNames.Format(set, type), FeatureSet.None, "none", traffic, clock.Elapsed,
            output);
    }

    // What a failed cell keeps of a peer that is a process of its own (Virtsim's in-process back-end has no such output).
    private static IReadOnlyList<string>? Output(IDevicePeer device) => device.ProcessId is null ? null : device.Tail(OutputLines);

    private static CellResult RunVirtsimDriver(InteropCell cell, InteropOptions options)
    {
        var clock = Stopwatch.StartNew();
        IDevicePeer device;
        try
        {
            device = cell.Device.Kind switch
            {
                InteropDeviceKind.DpdkVhost => DevicePeers.DpdkVhost(),
                InteropDeviceKind.QsdBlk => DevicePeers.QemuStorageDaemon(),
                _ => DevicePeers.Virtsim(cell.Type),
            };
        }
        catch (InvalidOperationException e) { return Result(cell, clock, CellOutcome.Failed, "the peer did not start: " + e.Message); }
        using (device)
        {
            if (device.ProcessId is int pid) options.PeerStarted?.Invoke(pid);
            var f = cell.Features;
            var log = new TailLog();
            VhostUserDriveSummary summary;
            try
            {
                summary = VhostUserDriver.RunAsync(new VhostUserDriveOptions
                {
                    SocketPath = device.Socket, Device = cell.Type, Frames = options.Requests, FrameSize = 200,
                    Packed = cell.Ring == QueueFormat.Packed,
                    EventIdx = f.Kind is FeatureSetKind.Default or FeatureSetKind.AllOffered || f.Asks(FeatureBit.EventIdx),
                    InOrder = f.Kind is FeatureSetKind.Default or FeatureSetKind.AllOffered || f.Asks(FeatureBit.InOrder),
                    MergeableRxBuffers = f.Kind is FeatureSetKind.Default or FeatureSetKind.AllOffered || f.Asks(NetFeatureBit.MrgRxbuf),
                    Timeout = options.Timeout, Seed = Seed,
                }, log, log).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or Virtsim.VhostUser.Protocol.VhostUserProtocolException)
            {
                return Died(device, out var how)
                    ? Result(cell, clock, CellOutcome.PeerCrashed, $"{cell.Device.Name} {how}", output: Output(device))
                    : Result(cell, clock, CellOutcome.Failed, $"the driver stopped: {e.Message}", output: Output(device));
            }
            string traffic = Traffic(summary);
            if (summary.Ok) return Result(cell, clock, CellOutcome.Passed, Verified(summary), summary.Features, traffic);
            if (Died(device, out var died))
                return Result(cell, clock, CellOutcome.PeerCrashed, $"{cell.Device.Name} {died}: {summary.Error}", summary.Features, traffic, Output(device));
            if (summary.Net is { } net && net.Mismatches + net.Duplicates > 0)
                return Result(cell, clock, CellOutcome.DataMismatch, $"{net.Mismatches} frames came back wrong, {net.Duplicates} twice", summary.Features, traffic);
            if (summary.Blk is { } blk && blk.Mismatches > 0)
                return Result(cell, clock, CellOutcome.DataMismatch, $"{blk.Mismatches} reads differed from what was written", summary.Features, traffic);
            string error = summary.Error ?? "the run did not complete";
            if (error.Contains(" within ", StringComparison.Ordinal) || error.Contains("timed out", StringComparison.OrdinalIgnoreCase))
                return Result(cell, clock, CellOutcome.Timeout, error, summary.Features, traffic, Output(device));
            if (error.Contains("NEEDS_RESET", StringComparison.Ordinal)) return Result(cell, clock, CellOutcome.NeedsReset, error, summary.Features, traffic);
            if (summary.Net is { Lost: > 0 } lost && summary.Error is null)
                return Result(cell, clock, CellOutcome.DataMismatch, $"{lost.Lost} of {lost.FramesSent} frames never came back", summary.Features, traffic);
            return Result(cell, clock, CellOutcome.Failed, error, summary.Features, traffic, Output(device));
        }
    }

    private static string Verified(VhostUserDriveSummary s) => s.Blk is { } blk
        ? $"the whole {blk.CapacityBytes >> 20} MiB disk written, read back and compared"
        : $"{s.Net!.FramesVerified} frames of 200 bytes sent and received back, every byte compared";

    private static string Traffic(VhostUserDriveSummary s) => s.Blk is { } blk
        ? $"blk: {blk.BytesWritten >> 10} KiB written, {blk.VerifiedBytes >> 10} KiB verified"
        : s.Net is { } net ? $"net: {net.FramesSent} sent, {net.FramesVerified} verified, {net.Lost} lost" : "";

    private static CellResult RunTestpmdDriver(InteropCell cell, InteropOptions options)
    {
        var clock = Stopwatch.StartNew();
        bool packed = cell.Ring == QueueFormat.Packed;
        var f = cell.Features;
        bool mergeable = f.Kind is FeatureSetKind.Default or FeatureSetKind.AllOffered || f.Asks(NetFeatureBit.MrgRxbuf);
        bool inOrder = f.Kind == FeatureSetKind.AllOffered || f.Asks(FeatureBit.InOrder);
        string socket = DevicePeers.NewSocket("iv");
        var backend = new NetBackend(new NetBackendOptions { InjectFrameSize = 128 });
        var log = new TailLog();
        using var stop = new CancellationTokenSource();
        var server = VhostUserServer.RunAsync(backend, new VhostUserServeOptions { SocketPath = socket, Device = VhostUserDeviceKind.Net }, log, stop.Token);
        try
        {
            PeerProcess process;
            string prefix;
            try
            {
                (process, prefix) = Testpmd.Start(
                    $"--vdev=net_virtio_user0,path={socket},queues=1,packed_vq={(packed ? 1 : 0)},in_order={(inOrder ? 1 : 0)},mrg_rxbuf={(mergeable ? 1 : 0)}", 512);
            }
            catch (InvalidOperationException e) { return Result(cell, clock, CellOutcome.Failed, "testpmd did not start: " + e.Message); }
            using (process)
            {
                try
                {
                    // virtio_user sets its rings up again when testpmd starts the port: frames offered before then are lost.
                    if (!process.WaitFor("Press enter to exit", TimeSpan.FromSeconds(30)))
                        return process.Exited(out string early)
                            ? Result(cell, clock, CellOutcome.PeerCrashed, $"testpmd {early} before it started forwarding", output: process.Output(OutputLines))
                            : Result(cell, clock, CellOutcome.Timeout, "testpmd did not start forwarding within 30 s", output: process.Output(OutputLines));
                    options.PeerStarted?.Invoke(process.Id);
                    long expected = options.Requests;
                    backend.Inject(expected);
                    var progress = Stopwatch.StartNew();
                    long seen = -1;
                    while (backend.FramesFromDriver + backend.FramesMismatched < expected)
                    {
                        long now = backend.FramesFromDriver;
                        if (now != seen) { seen = now; progress.Restart(); }
                        if (process.Exited(out string how))
                            return Result(cell, clock, CellOutcome.PeerCrashed, $"testpmd {how} after forwarding {now} of {expected} frames", Negotiated(backend), TestpmdTraffic(backend),
                                process.Output(OutputLines));
                        if (progress.Elapsed > options.Timeout)
                            return Result(cell, clock, CellOutcome.Timeout,
                                $"testpmd forwarded {now} of {expected} frames and then nothing for {options.Timeout.TotalSeconds:0.#} s", Negotiated(backend), TestpmdTraffic(backend),
                                process.Output(OutputLines));
                        Thread.Sleep(10);
                    }
                    // Let a frame forwarded twice arrive before counting.
                    Thread.Sleep(100);
                    if (backend.FramesMismatched > 0 || backend.FramesFromDriver != expected)
                        return Result(cell, clock, CellOutcome.DataMismatch,
                            $"testpmd sent back {backend.FramesFromDriver} frames for {expected} injected, {backend.FramesMismatched} of them wrong", Negotiated(backend), TestpmdTraffic(backend));
                    return Result(cell, clock, CellOutcome.Passed, $"{expected} injected frames of 128 bytes forwarded back by testpmd, every byte compared",
                        Negotiated(backend), TestpmdTraffic(backend));
                }
                finally { Testpmd.Clean(prefix); }
            }
        }
        finally
        {
            stop.Cancel();
            try { server.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
            File.Delete(socket);
        }
    }

    private static ulong Negotiated(NetBackend backend) => backend.Net.IsActive ? backend.Net.Negotiated.Low : 0;

    private static string TestpmdTraffic(NetBackend b) => $"net: {b.FramesToDriver} injected, {b.FramesFromDriver} back, {b.FramesVerified} verified, {b.FramesMismatched} wrong";

    // A process whose socket closed may need a moment to be reaped (longer on a busy machine). Only a cell that
    // already failed waits here, at most 3 s for a process (300 ms for Virtsim's in-process back-end).
    private static bool Died(IDevicePeer device, out string how)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (device.Died(out how)) return true;
            if (clock.Elapsed > (device.ProcessId is null ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(3))) return false;
            Thread.Sleep(10);
        }
    }
}
