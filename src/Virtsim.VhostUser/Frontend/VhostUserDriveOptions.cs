using Virtsim.Virtio.Queues;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Transport;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// What <c>virtsim vhost-user drive</c> does: connect to a vhost-user device at <see cref="SocketPath"/> and drive
/// it with a Virtsim driver (net: send and verify frames; blk: write, read back and verify the whole disk).
/// </summary>
public sealed record VhostUserDriveOptions
{
    /// <summary>Largest frame (Ethernet header and payload, no FCS) the net driver sends.</summary>
    public const int MaxFrameSize = 1514;

    /// <summary>Smallest frame: Ethernet header plus the 8-byte sequence number.</summary>
    public const int MinFrameSize = FramePattern.HeaderSize;

    /// <summary>The device's unix socket (the device listens; the driver connects).</summary>
    public required string SocketPath { get; init; }

    /// <summary>The device type expected behind the socket.</summary>
    public VhostUserDeviceKind Device { get; init; } = VhostUserDeviceKind.Net;

    /// <summary>Net: frames to send.</summary>
    public long Frames { get; init; } = 10_000;

    /// <summary>Net: size of each frame in bytes (Ethernet header included, virtio-net header and FCS excluded).</summary>
    public int FrameSize { get; init; } = 256;

    /// <summary>Descriptors per ring (split rings: a power of two).</summary>
    public ushort QueueSize { get; init; } = 256;

    /// <summary>Largest number of queue pairs (a virtio-net device has at most 0x8000; this driver's limit).</summary>
    public const int MaxQueuePairs = 64;

    /// <summary>net: queue pairs to drive (more than one negotiates VIRTIO_NET_F_MQ; the device must have them).</summary>
    public int QueuePairs { get; init; } = 1;

    /// <summary>Ask for VIRTIO_F_RING_PACKED (the device must offer it).</summary>
    public bool Packed { get; init; }

    /// <summary>Negotiate VIRTIO_F_EVENT_IDX when offered.</summary>
    public bool EventIdx { get; init; } = true;

    /// <summary>Negotiate VIRTIO_F_IN_ORDER when offered.</summary>
    public bool InOrder { get; init; } = true;

    /// <summary>Net: negotiate VIRTIO_NET_F_MRG_RXBUF when offered.</summary>
    public bool MergeableRxBuffers { get; init; } = true;

    /// <summary>
    /// Net: bytes per receive buffer. With MRG_RXBUF negotiated a frame larger than one buffer arrives spread over
    /// several (num_buffers); without it each buffer is enlarged to hold a whole frame.
    /// </summary>
    public int RxBufferSize { get; init; } = 2048;

    /// <summary>Seed of the frame and disk patterns.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Longest <see cref="Timeout"/> and <see cref="ReconnectTimeout"/>.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>Longest wait for a reply, for the socket to appear, or for any ring progress.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Blk: bytes per read or write request (a multiple of 512).</summary>
    public int RequestSize { get; init; } = 64 * 1024;

    /// <summary>
    /// Blk: when the device goes away mid-run (hang-up, killed back-end), wait for it to come back on the same
    /// socket and continue where it stopped. Needs INFLIGHT_SHMFD (split rings); without it the run ends with an error.
    /// </summary>
    public bool Reconnect { get; init; }

    /// <summary>Blk: longest wait for the device to listen again and accept the reconnection.</summary>
    public TimeSpan ReconnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Blk: after this many requests completed on one connection the driver hangs up itself, with requests in
    /// flight, and reconnects (a simulated driver disconnect; 0: never). Needs INFLIGHT_SHMFD.
    /// </summary>
    public long DisconnectEvery { get; init; }

    /// <summary>Test hook: called on the driver's thread with the number of blk requests retired so far, after each one.</summary>
    internal Action<long>? Retired { get; init; }

    /// <summary>The clock used for timeouts and progress lines.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Checks the values; returns null when valid, else the reason.</summary>
    public string? Validate()
    {
        if (UnixSocketAddress.Check(SocketPath) is { } socket) return socket;
        if (!Enum.IsDefined(Device)) return $"unknown device {(int)Device} (net or blk)";
        if (Frames < 0 || Frames > int.MaxValue) return $"frames must be 0..{int.MaxValue} (got {Frames})";
        if (FrameSize < MinFrameSize || FrameSize > MaxFrameSize) return $"frame size must be {MinFrameSize}..{MaxFrameSize} (got {FrameSize})";
        if (QueuePairs < 1 || QueuePairs > MaxQueuePairs) return $"queue pairs must be 1..{MaxQueuePairs} (got {QueuePairs})";
        if (Device != VhostUserDeviceKind.Net && QueuePairs != 1) return "queue pairs apply to net only";
        if (QueueSize < 4) return $"queue size must be at least 4 (got {QueueSize})";
        // The ring's own size rule (maximum, power of two for split rings), as FrontendRing.Create applies it.
        if (new QueueConfig(Packed ? QueueFormat.Packed : QueueFormat.Split, QueueSize, 0, 0, 0, default).ValidateSize() is { } reason) return reason;
        if (RxBufferSize < 64 || RxBufferSize > 65536) return $"receive buffer size must be 64..65536 (got {RxBufferSize})";
        if (Timeout <= TimeSpan.Zero || Timeout > MaxTimeout) return FormattableString.Invariant($"the timeout must be more than 0 and at most {MaxTimeout.TotalSeconds} s (got {Timeout.TotalSeconds} s)");
        if (ReconnectTimeout <= TimeSpan.Zero || ReconnectTimeout > MaxTimeout)
            return FormattableString.Invariant($"the reconnect timeout must be more than 0 and at most {MaxTimeout.TotalSeconds} s (got {ReconnectTimeout.TotalSeconds} s)");
        if (DisconnectEvery < 0) return $"disconnect-every must be 0 or more (got {DisconnectEvery})";
        if (Device != VhostUserDeviceKind.Blk && (Reconnect || DisconnectEvery > 0)) return "reconnect and disconnect-every apply to blk only";
        if (RequestSize < 512 || RequestSize % 512 != 0 || RequestSize > (4 << 20)) return $"request size must be a multiple of 512 up to 4 MiB (got {RequestSize})";
        return null;
    }
}
