namespace Virtsim.VhostUser.Backend;

/// <summary>How the vhost-user net back-end behaves.</summary>
public sealed record NetBackendOptions
{
    /// <summary>Queue pairs (1..<see cref="NetBackend.MaxQueuePairs"/>); more than one offers VIRTIO_NET_F_MQ.</summary>
    public int QueuePairs { get; init; } = 1;

    /// <summary>Send every transmitted frame back on the receive queue of the same pair.</summary>
    public bool Loopback { get; init; }

    /// <summary>Frames to inject into receive queue 0 as buffers become available (0: none).</summary>
    public long InjectFrames { get; init; }

    /// <summary>Size of each injected frame (at least 60 bytes).</summary>
    public int InjectFrameSize { get; init; } = 64;
}
