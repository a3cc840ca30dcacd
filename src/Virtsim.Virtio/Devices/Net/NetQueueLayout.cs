namespace Virtsim.Virtio.Devices.Net;

/// <summary>
/// virtio-net queue numbering (spec §5.1.2): receiveq(i) = 2i, transmitq(i) = 2i+1 for pairs 0..N-1, then the
/// control queue at 2N, where N is max_virtqueue_pairs when MQ is negotiated and 1 otherwise.
/// </summary>
public static class NetQueueLayout
{
    /// <summary>Queue index of the receive queue of <paramref name="pair"/> (0-based).</summary>
    public static int ReceiveQueue(int pair) => 2 * pair;

    /// <summary>Queue index of the transmit queue of <paramref name="pair"/> (0-based).</summary>
    public static int TransmitQueue(int pair) => 2 * pair + 1;

    /// <summary>Queue index of the control queue with <paramref name="pairs"/> queue pairs.</summary>
    public static int ControlQueue(int pairs) => 2 * pairs;

    /// <summary>True for a receive queue index below the control queue.</summary>
    public static bool IsReceive(int queueIndex, int pairs) => queueIndex >= 0 && queueIndex < 2 * pairs && queueIndex % 2 == 0;

    /// <summary>True for a transmit queue index below the control queue.</summary>
    public static bool IsTransmit(int queueIndex, int pairs) => queueIndex >= 0 && queueIndex < 2 * pairs && queueIndex % 2 == 1;

    /// <summary>The 0-based pair a receive or transmit queue belongs to.</summary>
    public static int PairOf(int queueIndex) => queueIndex / 2;
}
