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
    /// <summary>Runs <paramref name="options"/> on a worker thread; the summary line goes to <paramref name="output"/>, progress lines to <paramref name="progress"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static Task<VhostUserDriveSummary> RunAsync(VhostUserDriveOptions options, TextWriter output, TextWriter? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.Validate() is { } reason) throw new ArgumentException(reason, nameof(options));
        return Task.Factory.StartNew(() =>
        {
            FrontendSession? session = null;
            try
            {
                session = FrontendSession.Connect(options.SocketPath, options.Timeout, options.Time, ct);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                return Finish(null, options, null, null, e.Message, output);
            }
            using (session) return Run(session, options, output, progress, ct);
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Drives the device behind an open <paramref name="session"/> (tests give it a socketpair) and writes the summary line.</summary>
    public static VhostUserDriveSummary Run(FrontendSession session, VhostUserDriveOptions options, TextWriter output, TextWriter? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        NetDriveResult? net = null;
        BlkDriveResult? blk = null;
        string? error = null;
        try
        {
            if (options.Device == VhostUserDeviceKind.Net) net = NetDriver.Run(session, options, progress, ct);
            else
            {
                blk = new BlkDriveResult(); // kept on error: the summary still shows reconnects, duplicates and the rest
                BlkDriver.Run(session, options, blk, progress, ct);
            }
        }
        catch (Exception e) when (e is VhostUserProtocolException or IOException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            error = e.Message;
        }
        return Finish(session, options, net, blk, error, output);
    }

    private static VhostUserDriveSummary Finish(FrontendSession? session, VhostUserDriveOptions options, NetDriveResult? net, BlkDriveResult? blk, string? error, TextWriter output)
    {
        ulong features = (session?.Features ?? 0) & ~VhostUserFeatures.TransportMask;
        ulong protocol = session?.ProtocolFeatures ?? 0;
        long requests = session?.Requests ?? 0;
        var type = options.Device == VhostUserDeviceKind.Net ? DeviceType.Net : DeviceType.Block;
        string names = FeatureNames.Format(new FeatureSet(features, 0), type);
        bool ok = error == null && (net?.Ok ?? blk?.Ok ?? false);
        string json = WriteJson(options, ok, error, net, blk, features, names, protocol, requests);
        output.WriteLine(json);
        output.Flush();
        return new VhostUserDriveSummary(ok, error, net, blk, features, names, protocol, requests, json);
    }

    private static string WriteJson(VhostUserDriveOptions options, bool ok, string? error, NetDriveResult? net, BlkDriveResult? blk,
        ulong features, string names, ulong protocol, long requests)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("device", options.Device.ToString().ToLowerInvariant());
            w.WriteString("socket", options.SocketPath);
            w.WriteBoolean("ok", ok);
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
