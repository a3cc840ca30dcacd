using Virtsim.VhostUser.Transport;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// What <c>virtsim vhost-user serve</c> serves: <c>--socket PATH --device net|blk [--queues N] [--image FILE]</c>
/// and the net test knobs.
/// </summary>
public sealed record VhostUserServeOptions
{
    /// <summary>
    /// Unix socket path to listen on: a stale socket file there is replaced; another file, or a socket a server
    /// answers on, is refused (see <see cref="Transport.UnixSocketListener.Listen"/>).
    /// </summary>
    public required string SocketPath { get; init; }

    /// <summary>The device type.</summary>
    public VhostUserDeviceKind Device { get; init; } = VhostUserDeviceKind.Net;

    /// <summary>Longest <see cref="IoDelay"/>.</summary>
    public static readonly TimeSpan MaxIoDelay = TimeSpan.FromSeconds(60);

    /// <summary>Largest <see cref="InjectFrameSize"/>.</summary>
    public const int MaxInjectFrameSize = 65535;

    /// <summary>Net: queue pairs (1..<see cref="NetBackend.MaxQueuePairs"/>). Blk: request queues (1..<see cref="BlkBackend.MaxQueues"/>).</summary>
    public int Queues { get; init; } = 1;

    /// <summary>Blk: the image file served (created when missing, with <see cref="ImageSize"/> bytes); null for a RAM disk.</summary>
    public string? ImagePath { get; init; }

    /// <summary>Blk: size of a new image or of the RAM disk, in bytes (a multiple of 512).</summary>
    public long ImageSize { get; init; } = 64L << 20;

    /// <summary>
    /// Blk: every disk access takes at least this long (a slow disk; zero: none). A command-line test knob
    /// (<c>--io-delay-ms</c>) with no reference.conf setting.
    /// </summary>
    public TimeSpan IoDelay { get; init; }

    /// <summary>Net: send transmitted frames back to the driver.</summary>
    public bool Loopback { get; init; }

    /// <summary>Net: frames to inject into receive queue 0.</summary>
    public long InjectFrames { get; init; }

    /// <summary>Net: size of injected frames.</summary>
    public int InjectFrameSize { get; init; } = 64;

    /// <summary>Where every vhost-user request is traced, or null.</summary>
    public TextWriter? Trace { get; init; }

    /// <summary>Stop after this many front-end connections ended (0: serve until cancelled).</summary>
    public int MaxConnections { get; init; }

    /// <summary>Most queues (net: pairs) the device kind serves.</summary>
    public int MaxQueues => Device == VhostUserDeviceKind.Blk ? BlkBackend.MaxQueues : NetBackend.MaxQueuePairs;

    /// <summary>
    /// Checks every value; returns null when the options can be served, else the reason. Values are checked first,
    /// then the file system (the socket's directory, the image path).
    /// </summary>
    public string? Validate()
    {
        if (UnixSocketAddress.Check(SocketPath) is { } socket) return socket;
        if (!Enum.IsDefined(Device)) return $"unknown device {(int)Device} (net or blk)";
        string kind = Device == VhostUserDeviceKind.Blk ? "request queues" : "queue pairs";
        if (Queues < 1 || Queues > MaxQueues) return $"{kind} must be 1..{MaxQueues} for {Name(Device)} (got {Queues})";
        if (ImagePath != null && Device != VhostUserDeviceKind.Blk) return "an image applies to blk only";
        if (ImagePath is "") return "the image path is empty";
        if (ImagePath != null && ImagePath.Contains('\0')) return "the image path contains a NUL character";
        if (ImageSize <= 0 || ImageSize % IBlockStore.SectorSize != 0) return $"the image size must be a positive multiple of {IBlockStore.SectorSize} (got {ImageSize})";
        if (IoDelay < TimeSpan.Zero || IoDelay > MaxIoDelay) return FormattableString.Invariant($"the io delay must be 0..{MaxIoDelay.TotalMilliseconds} ms (got {IoDelay.TotalMilliseconds} ms)");
        if (IoDelay > TimeSpan.Zero && Device != VhostUserDeviceKind.Blk) return "an io delay applies to blk only";
        if (Loopback && Device != VhostUserDeviceKind.Net) return "loopback applies to net only";
        if (InjectFrames < 0) return $"inject-frames must be 0 or more (got {InjectFrames})";
        if (InjectFrames > 0 && Device != VhostUserDeviceKind.Net) return "injected frames apply to net only";
        if (InjectFrameSize < 60 || InjectFrameSize > MaxInjectFrameSize) return $"the injected frame size must be 60..{MaxInjectFrameSize} (got {InjectFrameSize})";
        if (MaxConnections < 0) return $"max-connections must be 0 or more (got {MaxConnections})";
        if (MissingDirectory(SocketPath) is { } socketDirectory) return $"the socket's directory {socketDirectory} does not exist";
        if (ImagePath != null)
        {
            if (Directory.Exists(ImagePath)) return $"the image {ImagePath} is a directory";
            if (MissingDirectory(ImagePath) is { } imageDirectory) return $"the image's directory {imageDirectory} does not exist";
        }
        return null;
    }

    private static string Name(VhostUserDeviceKind device) => device.ToString().ToLowerInvariant();

    /// <summary>The directory <paramref name="path"/> would be created in, when it does not exist; else null.</summary>
    private static string? MissingDirectory(string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        return Directory.Exists(directory) ? null : directory;
    }
}
