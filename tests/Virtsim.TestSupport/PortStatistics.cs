namespace Virtsim.TestSupport;

/// <summary>One port's counters as testpmd prints them in its "NIC statistics" block.</summary>
/// <param name="RxPackets">Frames the port received.</param>
/// <param name="RxBytes">Bytes of those frames (without the virtio-net header).</param>
/// <param name="TxPackets">Frames the port transmitted.</param>
/// <param name="TxBytes">Bytes of those frames.</param>
public sealed record PortStatistics(long RxPackets, long RxBytes, long TxPackets, long TxBytes);
