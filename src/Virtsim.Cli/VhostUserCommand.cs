using System.CommandLine;
using System.Runtime.InteropServices;
using Virtsim.Cli.Configuration;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.Virtio.Queues;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim vhost-user serve --socket PATH --device net|blk [--queues N] [--image FILE] [--loopback]</c>: serves a Virtsim
/// device to real vhost-user front-ends (DPDK's net_virtio_user, QEMU) until SIGINT or SIGTERM, then prints one
/// JSON summary line; <c>virtsim vhost-user drive --socket PATH --device net|blk ...</c>: drives a real vhost-user
/// device (DPDK's net_vhost, qemu-storage-daemon) with a Virtsim driver and prints one JSON summary line.
/// </summary>
internal static class VhostUserCommand
{
    /// <summary>Builds the <c>vhost-user</c> command and its subcommands.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var socket = new Option<string>("--socket")
        {
            Description = "Path of the unix socket to create and listen on. A stale socket there (nobody listening) is replaced; " +
                          "another file, or a socket a server answers on, is refused. Removed at exit while it is still this server's socket.",
            Required = true,
        };
        var device = new Option<VhostUserDeviceKind>("--device")
        {
            Description = "The device to serve: net or blk.",
            DefaultValueFactory = _ => ServeDefaults.Options.Device,
        };
        var queues = new Option<int>("--queues")
        {
            Description = $"Queue pairs (net, 1..{NetBackend.MaxQueuePairs}) or request queues (blk, 1..{BlkBackend.MaxQueues}) offered to the front-end.",
            DefaultValueFactory = _ => ServeDefaults.Options.Queues,
        };
        var image = new Option<string?>("--image")
        {
            Description = "blk: the disk image file (created when missing; its directory must exist). Without it the disk lives in memory.",
        };
        var ioDelay = DurationOption.Create("--io-delay-ms", TimeSpan.FromMilliseconds(1), "milliseconds");
        ioDelay.Description = $"blk: every disk access takes at least this many milliseconds (a slow disk, for restart tests; 0..{VhostUserServeOptions.MaxIoDelay.TotalMilliseconds}, 0: none).";
        var loopback = new Option<bool>("--loopback")
        {
            Description = "net: return every transmitted frame on the receive ring of the same queue pair (for `drive`).",
            DefaultValueFactory = _ => ServeDefaults.Options.Loopback,
        };
        var injectFrames = new Option<long>("--inject-frames")
        {
            Description = "net: frames to deliver into receive queue 0 as the driver posts buffers (0: none); each carries a sequence number and a seeded pattern, and frames the driver sends back intact are counted in framesVerified.",
            DefaultValueFactory = _ => ServeDefaults.Options.InjectFrames,
        };
        var injectFrameSize = new Option<int>("--inject-frame-size")
        {
            Description = "net: bytes per injected frame, Ethernet header included (60..65535).",
            DefaultValueFactory = _ => ServeDefaults.Options.InjectFrameSize,
        };
        var serve = new Command("serve", "Serve a Virtsim device over vhost-user until SIGINT/SIGTERM; print one JSON summary line.")
        {
            socket, device, queues, image, ioDelay, loopback, injectFrames, injectFrameSize,
        };
        // Settings without a command-line option (image size, ...) keep the reference.conf values.
        serve.SetAction(r => Serve(ServeDefaults.Options with
        {
            SocketPath = r.GetValue(socket)!,
            Device = r.GetValue(device),
            Queues = r.GetValue(queues),
            Loopback = r.GetValue(loopback),
            InjectFrames = r.GetValue(injectFrames),
            InjectFrameSize = r.GetValue(injectFrameSize),
            ImagePath = r.GetValue(image) ?? ServeDefaults.Options.ImagePath,
            IoDelay = r.GetValue(ioDelay),
        }, stdout, stderr));
        return new Command("vhost-user", "Real vhost-user interop: Virtsim devices for real drivers, Virtsim drivers for real devices.")
        {
            serve, BuildDrive(stdout, stderr),
        };
    }

    private static Command BuildDrive(TextWriter stdout, TextWriter stderr)
    {
        var defaults = new VhostUserDriveOptions { SocketPath = "-" };
        var socket = new Option<string>("--socket")
        {
            Description = "Path of the device's unix socket (the device listens; waits up to --timeout for it to appear).",
            Required = true,
        };
        var device = new Option<VhostUserDeviceKind>("--device")
        {
            Description = "The device behind the socket: net or blk.",
            DefaultValueFactory = _ => VhostUserDeviceKind.Net,
        };
        var frames = new Option<long>("--frames")
        {
            Description = "net: frames to send; each must come back (io forwarding or loopback) and verify.",
            DefaultValueFactory = _ => defaults.Frames,
        };
        var frameSize = new Option<int>("--frame-size")
        {
            Description = $"net: bytes per frame, Ethernet header included ({VhostUserDriveOptions.MinFrameSize}..{VhostUserDriveOptions.MaxFrameSize}).",
            DefaultValueFactory = _ => defaults.FrameSize,
        };
        var queueSize = new Option<ushort>("--queue-size")
        {
            Description = $"Descriptors per ring: 4..{QueueConfig.MaxSize}, a power of two for split rings.",
            DefaultValueFactory = _ => defaults.QueueSize,
        };
        var queuePairs = new Option<int>("--queues")
        {
            Description = $"net: queue pairs to drive, frames spread round-robin (1..{VhostUserDriveOptions.MaxQueuePairs}; more than one needs MQ from the device).",
            DefaultValueFactory = _ => defaults.QueuePairs,
        };
        var rxBufferSize = new Option<int>("--rx-buffer-size")
        {
            Description = "net: bytes per receive buffer; with MRG_RXBUF larger frames span several buffers (64..65536).",
            DefaultValueFactory = _ => defaults.RxBufferSize,
        };
        var requestSize = new Option<int>("--request-size")
        {
            Description = "blk: bytes per read or write request (a multiple of 512).",
            DefaultValueFactory = _ => defaults.RequestSize,
        };
        var packed = new Option<bool>("--packed") { Description = "Use packed rings (VIRTIO_F_RING_PACKED must be offered)." };
        var noEventIdx = new Option<bool>("--no-event-idx") { Description = "Do not negotiate VIRTIO_F_EVENT_IDX." };
        var noInOrder = new Option<bool>("--no-in-order") { Description = "Do not negotiate VIRTIO_F_IN_ORDER." };
        var noMrgRxbuf = new Option<bool>("--no-mrg-rxbuf") { Description = "net: do not negotiate VIRTIO_NET_F_MRG_RXBUF." };
        var seed = new Option<ulong>("--seed")
        {
            Description = "Seed of the frame and disk patterns.",
            DefaultValueFactory = _ => defaults.Seed,
        };
        var timeout = DurationOption.Create("--timeout", TimeSpan.FromSeconds(1), "seconds");
        timeout.Description = $"Seconds to wait for the socket, for any reply, and for ring progress before giving up (more than 0, at most {VhostUserDriveOptions.MaxTimeout.TotalSeconds}).";
        timeout.DefaultValueFactory = _ => defaults.Timeout;
        var reconnect = new Option<bool>("--reconnect")
        {
            Description = "blk: when the device goes away mid-run, wait for it on the same socket and continue (needs INFLIGHT_SHMFD, split rings).",
        };
        var reconnectTimeout = DurationOption.Create("--reconnect-timeout", TimeSpan.FromSeconds(1), "seconds");
        reconnectTimeout.Description = $"blk: seconds to wait for the device to come back after it went away (more than 0, at most {VhostUserDriveOptions.MaxTimeout.TotalSeconds}).";
        reconnectTimeout.DefaultValueFactory = _ => defaults.ReconnectTimeout;
        var disconnectEvery = new Option<long>("--disconnect-every")
        {
            Description = "blk: hang up after this many completed requests per connection, with requests in flight, and reconnect (0: never; needs INFLIGHT_SHMFD).",
            DefaultValueFactory = _ => defaults.DisconnectEvery,
        };
        var drive = new Command("drive", "Drive a real vhost-user device with a Virtsim driver; print one JSON summary line (also when SIGINT/SIGTERM stops it early: \"stopped\": true, exit 1).")
        {
            socket, device, frames, frameSize, queueSize, queuePairs, rxBufferSize, requestSize, packed, noEventIdx, noInOrder, noMrgRxbuf, seed, timeout,
            reconnect, reconnectTimeout, disconnectEvery,
        };
        drive.SetAction(r => Drive(new VhostUserDriveOptions
        {
            SocketPath = r.GetValue(socket)!,
            Device = r.GetValue(device),
            Frames = r.GetValue(frames),
            FrameSize = r.GetValue(frameSize),
            QueueSize = r.GetValue(queueSize),
            QueuePairs = r.GetValue(queuePairs),
            RxBufferSize = r.GetValue(rxBufferSize),
            RequestSize = r.GetValue(requestSize),
            Packed = r.GetValue(packed),
            EventIdx = !r.GetValue(noEventIdx),
            InOrder = !r.GetValue(noInOrder),
            MergeableRxBuffers = !r.GetValue(noMrgRxbuf),
            Seed = r.GetValue(seed),
            Timeout = r.GetValue(timeout),
            Reconnect = r.GetValue(reconnect),
            ReconnectTimeout = r.GetValue(reconnectTimeout),
            DisconnectEvery = r.GetValue(disconnectEvery),
        }, stdout, stderr));
        return drive;
    }

    private static int Drive(VhostUserDriveOptions options, TextWriter stdout, TextWriter stderr)
    {
        if (options.Validate() is { } reason)
        {
            stderr.WriteLine($"virtsim: {reason}");
            return ExitCodes.BadScenario;
        }
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        stderr.WriteLine($"virtsim: driving vhost-user {options.Device.ToString().ToLowerInvariant()} on {options.SocketPath} (seed {options.Seed})");
        var summary = VhostUserDriver.RunAsync(options, stdout, stderr, stop.Token).GetAwaiter().GetResult();
        if (summary.Stopped)
        {
            stderr.WriteLine("virtsim: stopped by a signal before the run completed");
            return ExitCodes.ChecksFailed;
        }
        if (summary.Error != null)
        {
            stderr.WriteLine($"virtsim: {summary.Error}");
            return ExitCodes.PeerFailed;
        }
        return summary.Ok ? ExitCodes.Ok : ExitCodes.ChecksFailed;
    }

    private static int Serve(VhostUserServeOptions options, TextWriter stdout, TextWriter stderr)
    {
        if (options.Validate() is { } reason)
        {
            stderr.WriteLine($"virtsim: {reason}");
            return ExitCodes.BadScenario;
        }
        using var stop = new CancellationTokenSource();
        // SIGINT and SIGTERM end the serve loop cleanly instead of killing the process, so the summary is printed.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            // RunAsync returns once the socket listens (or throws when the path is not free to take).
            var serving = VhostUserServer.RunAsync(options, stdout, stop.Token);
            stderr.WriteLine($"virtsim: serving vhost-user {options.Device} on {options.SocketPath} (SIGINT or SIGTERM to stop)");
            // A front-end that misbehaves loses its connection and is listed in the summary's errors; the serve
            // itself still succeeded.
            serving.GetAwaiter().GetResult();
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"virtsim: {e.Message}");
            return ExitCodes.BadScenario;
        }
    }
}
