using System.Text;
using System.Text.Json;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Features;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// The entry point of <c>virtsim vhost-user drive</c>: connects to a vhost-user device, runs the net or blk
/// driver, and writes exactly one JSON summary line. Errors (protocol, socket, ring, timeout) end the run and are
/// reported in the summary rather than thrown.
/// </summary>
public static class VhostUserDriver
{
    /// <summary>
    /// Runs <paramref name="options"/> on a worker thread; the summary line goes to <paramref name="output"/>, progress
    /// lines to <paramref name="progress"/>. When <paramref name="ct"/> fires (the command maps SIGINT and SIGTERM to
    /// it) the run stops where it is and the summary, marked stopped, has what was counted until then.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static Task<VhostUserDriveSummary> RunAsync(VhostUserDriveOptions options, TextWriter output, TextWriter? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.Validate() is { } reason) throw new ArgumentException(reason, nameof(options));
        // Not started with ct: a token fired before the task ran would cancel it, and there would be no summary.
        return Task.Factory.StartNew(() =>
        {
            FrontendSession? session = null;
            try
            {
                session = FrontendSession.Connect(options.SocketPath, options.Timeout, options.Time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return Finish(null, options, null, null, null, stopped: true, output);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                return Finish(null, options, null, null, e.Message, stopped: false, output);
            }
            using (session) return Run(session, options, output, progress, ct);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Drives the device behind an open <paramref name="session"/> (tests give it a socketpair) and writes the summary line.</summary>
    public static VhostUserDriveSummary Run(FrontendSession session, VhostUserDriveOptions options, TextWriter output, TextWriter? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        // The counters are kept when the run ends early: the summary still shows what was sent, verified, reconnected.
        NetDriveResult? net = options.Device == VhostUserDeviceKind.Net ? new NetDriveResult() : null;
        BlkDriveResult? blk = net == null ? new BlkDriveResult() : null;
        string? error = null;
        bool stopped = false;
        try
        {
            if (net != null) NetDriver.Run(session, options, net, progress, ct);
            else BlkDriver.Run(session, options, blk!, progress, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stopped = true;
        }
        catch (Exception e) when (e is VhostUserProtocolException or IOException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            error = e.Message;
        }
        return Finish(session, options, net, blk, error, stopped, output);
    }

    private static VhostUserDriveSummary Finish(FrontendSession? session, VhostUserDriveOptions options, NetDriveResult? net, BlkDriveResult? blk,
        string? error, bool stopped, TextWriter output)
    {
        ulong features = (session?.Features ?? 0) & ~VhostUserFeatures.TransportMask;
        ulong protocol = session?.ProtocolFeatures ?? 0;
        long requests = session?.Requests ?? 0;
        var type = options.Device == VhostUserDeviceKind.Net ? DeviceType.Net : DeviceType.Block;
        string names = FeatureNames.Format(new FeatureSet(features, 0), type);
        bool ok = error == null && !stopped && (net?.Ok ?? blk?.Ok ?? false);
        string json = WriteJson(options, ok, stopped, error, net, blk, features, names, protocol, requests);
        output.WriteLine(json);
        output.Flush();
        return new VhostUserDriveSummary(ok, error, net, blk, features, names, protocol, requests, json) { Stopped = stopped };
    }

    private static string WriteJson(VhostUserDriveOptions options, bool ok, bool stopped, string? error, NetDriveResult? net, BlkDriveResult? blk,
        ulong features, string names, ulong protocol, long requests)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("device", options.Device.ToString().ToLowerInvariant());
            w.WriteString("socket", options.SocketPath);
            w.WriteBoolean("ok", ok);
            w.WriteBoolean("stopped", stopped);
            w.WriteNumber("seed", options.Seed);
            w.WriteBoolean("packed", options.Packed);
            w.WriteNumber("queueSize", options.QueueSize);
            if (net != null)
            {
                w.WriteNumber("frameSize", options.FrameSize);
                w.WriteNumber("queuePairs", options.QueuePairs);
                w.WriteNumber("framesSent", net.FramesSent);
                w.WriteNumber("framesTransmitted", net.FramesTransmitted);
                w.WriteNumber("framesReceived", net.FramesReceived);
                w.WriteNumber("framesVerified", net.FramesVerified);
                w.WriteNumber("mismatches", net.Mismatches);
                w.WriteNumber("duplicates", net.Duplicates);
                w.WriteNumber("lost", net.Lost);
                w.WriteNumber("mergedFrames", net.MergedFrames);
                w.WriteStartArray("framesReceivedPerPair");
                foreach (long count in net.ReceivedPerPair) w.WriteNumberValue(count);
                w.WriteEndArray();
                w.WriteNumber("kicks", net.Kicks);
                w.WriteNumber("calls", net.Calls);
            }
            if (blk != null)
            {
                w.WriteNumber("capacityBytes", blk.CapacityBytes);
                w.WriteNumber("bytesWritten", blk.BytesWritten);
                w.WriteNumber("bytesRead", blk.BytesRead);
                w.WriteNumber("verifiedBytes", blk.VerifiedBytes);
                w.WriteNumber("mismatches", blk.Mismatches);
                w.WriteNumber("failedRequests", blk.FailedRequests);
                w.WriteNumber("requests", blk.Requests);
                w.WriteBoolean("flushed", blk.Flushed);
                w.WriteString("sha256", blk.Sha256);
                w.WriteNumber("kicks", blk.Kicks);
                w.WriteNumber("calls", blk.Calls);
                w.WriteBoolean("inflight", blk.Inflight);
                w.WriteNumber("reconnects", blk.Reconnects);
                w.WriteNumber("disconnects", blk.Disconnects);
                w.WriteNumber("duplicates", blk.Duplicates);
            }
            w.WriteNumber("vhostRequests", requests);
            w.WriteString("features", $"0x{features:x}");
            w.WriteString("featureNames", names);
            w.WriteString("protocolFeatures", $"0x{protocol:x}");
            if (error == null) w.WriteNull("error");
            else w.WriteString("error", error);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
