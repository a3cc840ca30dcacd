using System.Text;
using System.Text.Json;
using Virtsim.VhostUser.Transport;
using Virtsim.Virtio.Features;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// The <c>virtsim vhost-user serve</c> entry point: listens on a unix socket and serves one front-end at a time
/// with a Virtsim device until cancelled, then writes one JSON summary line.
/// </summary>
public static class VhostUserServer
{
    /// <summary>
    /// Serves until <paramref name="cancellationToken"/> fires (or <see cref="VhostUserServeOptions.MaxConnections"/>
    /// connections ended), then writes the summary's JSON line to <paramref name="output"/> and returns the summary.
    /// Protocol and socket errors of a front-end close only that connection; the summary counts them and keeps the
    /// last reasons (<see cref="SessionErrorLog"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="VhostUserServeOptions.Validate"/>).</exception>
    /// <exception cref="IOException">The socket cannot be created (or its path is taken: see <see cref="UnixSocketListener.Listen"/>), or the image cannot be opened.</exception>
    public static Task<VhostUserServeSummary> RunAsync(VhostUserServeOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } reason) throw new ArgumentException(reason, nameof(options));
        return RunAsync(CreateDevice(options), options, output, cancellationToken);
    }

    /// <summary>
    /// As <see cref="RunAsync(VhostUserServeOptions, TextWriter, CancellationToken)"/> with a device built by the caller
    /// (tests drive it while it runs, for example <see cref="NetBackend.Inject"/>). The server owns and disposes it.
    /// The socket is listening when this returns.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="VhostUserServeOptions.Validate"/>).</exception>
    /// <exception cref="IOException">The socket cannot be created, or its path is taken (see <see cref="UnixSocketListener.Listen"/>).</exception>
    public static Task<VhostUserServeSummary> RunAsync(VhostUserDevice device, VhostUserServeOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        UnixSocketListener listener;
        try
        {
            if (options.Validate() is { } reason) throw new ArgumentException(reason, nameof(options));
            listener = UnixSocketListener.Listen(options.SocketPath);
        }
        catch
        {
            (device as IDisposable)?.Dispose();
            throw;
        }
        return Task.Factory.StartNew(() =>
        {
            try { return Serve(device, listener, options, output, cancellationToken); }
            finally
            {
                listener.Dispose();
                (device as IDisposable)?.Dispose();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Creates the device the options ask for.</summary>
    public static VhostUserDevice CreateDevice(VhostUserServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Device switch
        {
            VhostUserDeviceKind.Net => new NetBackend(new NetBackendOptions
            {
                QueuePairs = options.Queues, Loopback = options.Loopback,
                InjectFrames = options.InjectFrames, InjectFrameSize = options.InjectFrameSize,
            }),
            _ => BlkBackend.Create(options),
        };
    }

    private static VhostUserServeSummary Serve(VhostUserDevice device, UnixSocketListener listener, VhostUserServeOptions options, TextWriter output, CancellationToken ct)
    {
        var errors = new SessionErrorLog();
        int connections = 0;
        long requests = 0;
        ulong features = 0, protocolFeatures = 0;
        while (!ct.IsCancellationRequested && (options.MaxConnections == 0 || connections < options.MaxConnections))
        {
            using var connection = listener.Accept(50);
            if (connection == null) continue;
            connections++;
            using var session = new VhostUserSession(device, output) { Trace = options.Trace };
            var end = session.Run(connection, ct);
            requests += session.Requests;
            if (session.Features != 0) features = session.Features;
            if (session.ProtocolFeatures != 0) protocolFeatures = session.ProtocolFeatures;
            errors.Add(end);
        }
        var virtio = new FeatureSet(features & ~Protocol.VhostUserFeatures.TransportMask, 0);
        string names = FeatureNames.Format(virtio, device.Handler.Type);
        string json = WriteJson(device, options, connections, requests, features, virtio, names, protocolFeatures, errors);
        output.WriteLine(json);
        output.Flush();
        return new VhostUserServeSummary(options.Device, connections, requests, virtio.Low, names, protocolFeatures, errors.LastReasons,
            errors.ProtocolErrors, errors.IoErrors, json);
    }

    private static string WriteJson(VhostUserDevice device, VhostUserServeOptions options, int connections, long requests,
        ulong features, FeatureSet virtio, string names, ulong protocolFeatures, SessionErrorLog errors)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("device", options.Device.ToString().ToLowerInvariant());
            w.WriteString("socket", options.SocketPath);
            w.WriteNumber("connections", connections);
            w.WriteNumber("vhostRequests", requests);
            device.WriteSummary(w);
            w.WriteString("features", $"0x{virtio.Low:x}");
            w.WriteString("featureNames", names);
            w.WriteBoolean("logAll", (features & (1UL << Protocol.VhostUserFeatures.LogAll)) != 0);
            w.WriteString("protocolFeatures", $"0x{protocolFeatures:x}");
            w.WriteStartObject("errorCounts");
            w.WriteNumber("protocol", errors.ProtocolErrors);
            w.WriteNumber("io", errors.IoErrors);
            w.WriteEndObject();
            w.WriteStartArray("errors");
            foreach (var e in errors.LastReasons) w.WriteStringValue(e);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
