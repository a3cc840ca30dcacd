using System.Diagnostics;
using Virtsim.Experiments.Peers;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Conformance;

/// <summary>
/// Runs one device-side case against a driver: Virtsim serves a <see cref="HostileBackend"/> (a working device that
/// commits the case's fault once, after some sane completions) and the driver under test runs traffic whose data it or
/// the device can check. The verdict comes from what the driver does after the fault: it stops with an error (REJECTED),
/// carries on with the right data (TOLERATED) or wrong data (CORRUPTED), makes no more progress (WEDGED), or dies.
/// </summary>
internal static class DeviceCaseRunner
{
    private const long VirtsimFrames = 2000;

    public static CaseResult Run(ConformanceCase c, ConformancePeer peer, ConformanceOptions options)
    {
        var clock = Stopwatch.StartNew();
        var kind = c.DeviceFor(peer);
        var fault = c.Fault!;
        var log = new TailLog();
        string socket = DevicePeers.NewSocket("hd");
        using var stop = new CancellationTokenSource();
        var inner = kind == VhostUserDeviceKind.Net
            ? new NetBackend(new NetBackendOptions
            {
                Loopback = peer == ConformancePeer.VirtsimDriver,
                InjectFrames = peer == ConformancePeer.DpdkVirtioUser ? 1_000_000_000 : 0,
                InjectFrameSize = 128,
            })
            : (VhostUserDevice)BlkBackend.Create(new VhostUserServeOptions { SocketPath = socket, Device = kind, ImageSize = 1 << 20 });
        var hostile = new HostileBackend(inner, fault);
        var server = VhostUserServer.RunAsync(hostile, new VhostUserServeOptions { SocketPath = socket, Device = kind }, log, stop.Token);
        (Verdict? verdict, string reason, IReadOnlyList<string> output) result;
        try
        {
            result = peer == ConformancePeer.VirtsimDriver
                ? RunVirtsimDriver(c, kind, socket, hostile, options)
                : RunTestpmd(c, socket, hostile, (NetBackend)inner, options);
        }
        finally
        {
            stop.Cancel();
            try { server.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
            File.Delete(socket);
        }
        var output = result.output.Count > 0 ? result.output : log.Last(options.OutputLines);
        return new CaseResult(c, peer, result.verdict, result.reason, output, clock.Elapsed);
    }

    private static (Verdict?, string, IReadOnlyList<string>) RunVirtsimDriver(ConformanceCase c, VhostUserDeviceKind kind, string socket, HostileBackend hostile, ConformanceOptions options)
    {
        var log = new TailLog();
        VhostUserDriveSummary summary;
        try
        {
            summary = VhostUserDriver.RunAsync(new VhostUserDriveOptions
            {
                SocketPath = socket, Device = kind, Frames = VirtsimFrames, FrameSize = 200, Packed = c.RunFormat == QueueFormat.Packed,
                EventIdx = false, InOrder = false, MergeableRxBuffers = c.Fault!.Mergeable, RequestSize = 16 * 1024,
                Timeout = options.ExchangeTimeout, Seed = 0xC0F1,
            }, log, log).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            return (Verdict.Crashed, $"the driver threw {e.GetType().Name}: {e.Message}", log.Last(options.OutputLines));
        }
        var output = log.Last(options.OutputLines).Append(summary.Json).ToList();
        if (!hostile.State.Triggered) return (Verdict.Error, "the fault was never committed: " + (summary.Error ?? "the run ended first"), output);
        string fault = hostile.State.What!;
        if (summary.Ok) return (Verdict.Tolerated, $"after {fault} the run completed with every byte verified", output);
        if (summary.Error is { } error)
            return IsProgressTimeout(error)
                ? (Verdict.Wedged, $"after {fault} the run made no progress: {error}", output)
                : (Verdict.Rejected, $"after {fault} the driver stopped with: {error}", output);
        if (summary.Blk is { } blk)
        {
            if (blk.Mismatches > 0) return (Verdict.Corrupted, $"after {fault} the driver accepted wrong data ({blk.Mismatches} mismatches)", output);
            if (blk.FailedRequests > 0) return (Verdict.Rejected, $"after {fault} the driver failed the request ({blk.FailedRequests} requests without status OK)", output);
        }
        if (summary.Net is { } net)
        {
            if (net.Mismatches + net.Duplicates > 0)
                return (Verdict.Corrupted, $"after {fault} the driver accepted wrong frames ({net.Mismatches} mismatches, {net.Duplicates} duplicates)", output);
            return (Verdict.Wedged, $"after {fault} {net.Lost} frames never came back and the driver saw no error", output);
        }
        return (Verdict.Wedged, $"after {fault} the run did not complete", output);
    }

    // VhostUserDriver's words for a run that stopped moving.
    private static bool IsProgressTimeout(string error) =>
        error.Contains(" within ", StringComparison.Ordinal) || error.Contains("timed out", StringComparison.OrdinalIgnoreCase);

    private static (Verdict?, string, IReadOnlyList<string>) RunTestpmd(ConformanceCase c, string socket, HostileBackend hostile, NetBackend net, ConformanceOptions options)
    {
        bool packed = c.RunFormat == QueueFormat.Packed;
        PeerProcess process;
        string prefix;
        try
        {
            (process, prefix) = Testpmd.Start(
                $"--vdev=net_virtio_user0,path={socket},queues=1,packed_vq={(packed ? 1 : 0)},in_order=0,mrg_rxbuf={(c.Fault!.Mergeable ? 1 : 0)}", 512);
        }
        catch (InvalidOperationException e)
        {
            return (Verdict.Error, e.Message, []);
        }
        try
        {
            var clock = Stopwatch.StartNew();
            while (!hostile.State.Triggered && clock.Elapsed < options.TriggerTimeout && !process.Exited(out _)) Thread.Sleep(10);
            if (process.Exited(out string early)) return (Verdict.Error, $"testpmd {early} before the fault", process.Output(options.OutputLines));
            if (!hostile.State.Triggered)
                return (Verdict.Error, $"the fault was not committed within {options.TriggerTimeout.TotalSeconds:0} s ({net.FramesFromDriver} frames from the driver)", process.Output(options.OutputLines));
            long sent0 = net.FramesFromDriver, wrong0 = net.FramesMismatched;
            var window = Stopwatch.StartNew();
            while (window.Elapsed < options.DriverWindow)
            {
                if (process.Exited(out string how)) return (Verdict.Crashed, $"after {hostile.State.What} testpmd {how}", process.Output(options.OutputLines));
                Thread.Sleep(20);
            }
            // One counter for wrong frames: sent and verified, read apart while the device runs, would not agree exactly.
            long sent = net.FramesFromDriver - sent0, wrong = net.FramesMismatched - wrong0;
            string fault = hostile.State.What!;
            if (sent < 100)
                return (Verdict.Wedged, $"after {fault} testpmd forwarded {sent} frames in {options.DriverWindow.TotalSeconds:0.#} s while the device kept offering frames", process.Output(options.OutputLines));
            if (wrong == 0) return (Verdict.Tolerated, $"after {fault} testpmd kept forwarding ({sent} frames in {options.DriverWindow.TotalSeconds:0.#} s, every one intact)", process.Output(options.OutputLines));
            return (Verdict.Corrupted, $"after {fault} testpmd kept forwarding but {wrong} of {sent} frames came back wrong", process.Output(options.OutputLines));
        }
        finally
        {
            process.Dispose();
            Testpmd.Clean(prefix);
        }
    }
}
