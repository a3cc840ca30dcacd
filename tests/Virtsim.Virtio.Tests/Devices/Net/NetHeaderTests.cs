using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Tests.Devices.Net;

public class NetHeaderTests
{
    private static NetHeader Sample => new()
    {
        Flags = 0x01, GsoType = 0x04, HdrLen = 0x0302, GsoSize = 0x0504, CsumStart = 0x0706, CsumOffset = 0x0908,
        NumBuffers = 0x0B0A, HashValue = 0x0F0E0D0C, HashReport = 0x1110, PaddingReserved = 0x1312,
    };

    [Theory]
    [InlineData(NetHeader.LegacySize, "0104020304050607" + "0809")]
    [InlineData(NetHeader.Size, "0104020304050607" + "08090a0b")]
    [InlineData(NetHeader.HashReportSize, "0104020304050607" + "08090a0b" + "0c0d0e0f" + "1011" + "1213")]
    public void Header_bytes_match_the_spec_layout_for_each_size(int size, string hex)
    {
        var bytes = new byte[24];
        Sample.Write(bytes, size);
        Assert.Equal(hex + new string('0', 2 * (24 - size)), Convert.ToHexStringLower(bytes));
        var back = NetHeader.Read(bytes, size);
        var expected = Sample;
        if (size < NetHeader.Size) expected.NumBuffers = 0;
        if (size < NetHeader.HashReportSize) { expected.HashValue = 0; expected.HashReport = 0; expected.PaddingReserved = 0; }
        Assert.Equal(expected, back);
    }

    [Fact]
    public void Header_size_follows_the_negotiated_features()
    {
        Assert.Equal(10, NetHeader.SizeFor(FeatureSet.None));
        Assert.Equal(12, NetHeader.SizeFor(FeatureSet.Of(FeatureBit.Version1)));
        Assert.Equal(12, NetHeader.SizeFor(FeatureSet.Of(NetFeatureBit.MrgRxbuf)));
        Assert.Equal(20, NetHeader.SizeFor(FeatureSet.Of(FeatureBit.Version1, NetFeatureBit.HashReport)));
        Assert.Throws<ArgumentOutOfRangeException>(() => NetHeader.Read(new byte[20], 11));
    }

    [Fact]
    public void Queue_indices_follow_the_pair_layout()
    {
        Assert.Equal(0, NetQueueLayout.ReceiveQueue(0));
        Assert.Equal(1, NetQueueLayout.TransmitQueue(0));
        Assert.Equal(2, NetQueueLayout.ControlQueue(1));
        Assert.Equal(6, NetQueueLayout.ReceiveQueue(3));
        Assert.Equal(7, NetQueueLayout.TransmitQueue(3));
        Assert.Equal(8, NetQueueLayout.ControlQueue(4));
        Assert.True(NetQueueLayout.IsReceive(6, 4));
        Assert.False(NetQueueLayout.IsReceive(8, 4));
        Assert.True(NetQueueLayout.IsTransmit(7, 4));
        Assert.False(NetQueueLayout.IsTransmit(9, 4));
        Assert.Equal(3, NetQueueLayout.PairOf(7));

        var device = new NetDevice(null, new NetDeviceOptions { MaxQueuePairs = 4 });
        Assert.Equal(9, device.QueueCount);
        device.Activate(device.OfferedFeatures);
        Assert.Equal(8, device.ControlQueueIndex);
        device.Activate(device.OfferedFeatures.Without(NetFeatureBit.Mq));
        Assert.Equal(2, device.ControlQueueIndex);
        device.Activate(FeatureSet.Of(FeatureBit.Version1));
        Assert.Equal(-1, device.ControlQueueIndex);
    }

    [Fact]
    public void Toeplitz_hash_matches_the_published_verification_vectors()
    {
        // IPv4 66.9.149.187:2794 -> 161.142.100.80:1766
        var tcp4 = Ipv4Frame([66, 9, 149, 187], [161, 142, 100, 80], 2794, 1766, 6);
        Assert.Equal(0x51ccc178u, NetFlowHash.Compute(tcp4, NetFlowHash.DefaultKey, NetHashType.Supported, out ushort report));
        Assert.Equal(NetHashType.ReportTcpV4, report);
        Assert.Equal(0x323e8fc2u, NetFlowHash.Compute(tcp4, NetFlowHash.DefaultKey, NetHashType.IPv4, out report));
        Assert.Equal(NetHashType.ReportIPv4, report);
        Assert.Equal(0u, NetFlowHash.Compute(tcp4, NetFlowHash.DefaultKey, NetHashType.IPv6, out report));
        Assert.Equal(NetHashType.ReportNone, report);
    }

    internal static byte[] Ipv4Frame(byte[] source, byte[] destination, ushort sourcePort, ushort destinationPort, byte protocol)
    {
        var frame = new byte[14 + 20 + 20];
        NetTestKit.OwnMac.CopyTo(frame, 0);
        frame[12] = 0x08;
        frame[14] = 0x45;
        frame[14 + 9] = protocol;
        source.CopyTo(frame, 14 + 12);
        destination.CopyTo(frame, 14 + 16);
        frame[34] = (byte)(sourcePort >> 8); frame[35] = (byte)sourcePort;
        frame[36] = (byte)(destinationPort >> 8); frame[37] = (byte)destinationPort;
        return frame;
    }
}
