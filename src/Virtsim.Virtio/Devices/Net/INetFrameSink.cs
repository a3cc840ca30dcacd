namespace Virtsim.Virtio.Devices.Net;

/// <summary>Where a virtio-net device sends the frames the driver transmits.</summary>
public interface INetFrameSink
{
    /// <summary>
    /// One frame from transmit queue pair <paramref name="queuePair"/>, without its virtio-net header. The span
    /// may point straight into guest memory: it is valid only during the call.
    /// </summary>
    void Transmit(int queuePair, ReadOnlySpan<byte> frame, in NetHeader header);
}
