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

    /// <summary>Net: queue pairs. Blk: request queues.</summary>
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
}
