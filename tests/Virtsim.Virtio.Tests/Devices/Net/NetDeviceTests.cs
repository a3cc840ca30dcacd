using System.Buffers.Binary;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Devices.Net;

public class NetDeviceTests
{
    private static readonly FeatureSet Basic = FeatureSet.Of(FeatureBit.Version1, NetFeatureBit.Mac, NetFeatureBit.Status);

    private static NetDeviceOptions Offering(params int[] bits)
    {
        var features = new NetDeviceOptions().DeviceFeatures;
        foreach (int bit in bits) features = features.With(bit);
        return new NetDeviceOptions { DeviceFeatures = features };
    }

    [Fact]
    public void Transmit_strips_the_header_and_hands_the_frame_to_the_sink()
    {
        // NEEDS_CSUM needs CSUM (spec 5.1.6.2.1).
        var kit = new NetTestKit(Offering(NetFeatureBit.Csum), negotiate: Basic.With(NetFeatureBit.Csum));
        var header = new byte[12];
        header[0] = NetHeader.FlagNeedsCsum;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 34);
        var frame = NetTestKit.Frame(300);
        kit.Builder.Start().Readable(header).Readable(frame.AsSpan(0, 100)).Readable(frame.AsSpan(100)).AddTo(kit.Queue);
        kit.Builder.Start().Readable(header.Concat(frame).ToArray()).AddTo(kit.Queue); // header and frame in one buffer
        var result = kit.Device.ProcessQueue(1, kit.Queue);
        Assert.Equal(2, result.Completed);
        Assert.True(result.Interrupt);
        Assert.Equal(2, kit.Sink.Frames.Count);
        Assert.All(kit.Sink.Frames, f => Assert.Equal(frame, f.Frame));
        Assert.Equal(NetHeader.FlagNeedsCsum, kit.Sink.Frames[0].Header.Flags);
        Assert.Equal(34, kit.Sink.Frames[1].Header.CsumStart);
        Assert.All(kit.Queue.Completed, c => Assert.Equal(0u, c.Length));
        Assert.Equal(2, kit.Device.Statistics.TxFrames);
        Assert.Equal(600, kit.Device.Statistics.TxBytes);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(0)]
    public void Transmit_counts_the_same_data_reads_whether_header_and_frame_share_a_buffer_or_not(int frameLength)
    {
        byte[] frame = frameLength == 0 ? [] : NetTestKit.Frame(frameLength);
        var header = new byte[12];
        header[1] = NetHeader.GsoUdp;
        // A GSO type needs a HOST_ feature, which needs CSUM (spec 5.1.6.2.1, 5.1.3.1).
        var gso = Basic.With(NetFeatureBit.Csum).With(NetFeatureBit.HostUfo);
        var apart = new NetTestKit(Offering(NetFeatureBit.Csum, NetFeatureBit.HostUfo), negotiate: gso);
        apart.Builder.Start().Readable(header).Readable(frame).AddTo(apart.Queue);
        apart.Device.ProcessQueue(1, apart.Queue);
        var together = new NetTestKit(Offering(NetFeatureBit.Csum, NetFeatureBit.HostUfo), negotiate: gso);
        together.Builder.Start().Readable([.. header, .. frame]).AddTo(together.Queue);
        together.Device.ProcessQueue(1, together.Queue);
        foreach (var kit in new[] { apart, together })
        {
            var counters = kit.Queue.Memory.Counters;
            Assert.Equal(frameLength > 0 ? 2 : 1, counters.Reads(Virtsim.Virtio.Memory.MemoryAccessKind.Data));
            Assert.Equal(12 + frameLength, counters.ReadBytes(Virtsim.Virtio.Memory.MemoryAccessKind.Data));
            var (_, sent, sentHeader) = Assert.Single(kit.Sink.Frames);
            Assert.Equal(frame, sent);
            Assert.Equal(NetHeader.GsoUdp, sentHeader.GsoType);
        }
    }

    [Fact]
    public void Transmit_drops_faulting_chains_and_breaks_the_ring_on_one_shorter_than_the_header()
    {
        var kit = new NetTestKit(negotiate: Basic);
        kit.Builder.Start().Readable(new byte[12]).ReadableUnmapped(64).AddTo(kit.Queue);
        kit.Builder.Start().Readable(new byte[12]).AddTo(kit.Queue); // empty frame is fine
        kit.Builder.Start().Readable(new byte[11]).AddTo(kit.Queue);
        var result = kit.Device.ProcessQueue(1, kit.Queue);
        Assert.Equal(2, result.Completed);
        Assert.Single(kit.Sink.Frames);
        Assert.Equal(1, kit.Device.Statistics.TxDropped);
        Assert.Equal(1, kit.Device.Statistics.MemoryFaults);
        // The driver MUST place a whole header first (spec 5.1.6.2): a shorter chain is not completed; the device needs a reset.
        Assert.Equal(QueueErrorKind.MalformedRequest, result.Error.Kind);
    }

    [Fact]
    public void Transmit_queues_map_to_their_pair_and_receive_doorbells_do_nothing()
    {
        var kit = new NetTestKit(new NetDeviceOptions { MaxQueuePairs = 3 });
        kit.Builder.Start().Readable(new byte[12]).Readable(NetTestKit.Frame(60)).AddTo(kit.Queue);
        Assert.Equal(0, kit.Device.ProcessQueue(4, kit.Queue).Completed);
        Assert.Equal(1, kit.Device.ProcessQueue(5, kit.Queue).Completed);
        Assert.Equal(2, kit.Sink.Frames[0].Pair);
        Assert.Equal(0, kit.Device.ProcessQueue(99, kit.Queue).Completed);
    }

    [Fact]
    public void Receive_without_mergeable_buffers_uses_one_chain_with_num_buffers_one()
    {
        var kit = new NetTestKit(negotiate: Basic);
        var chain = kit.Builder.Start().Writable(12).Writable(1514);
        chain.AddTo(kit.Queue);
        var frame = NetTestKit.Frame(1000);
        var result = kit.Device.ReceiveFrame(frame, kit.Queue);
        Assert.Equal(NetReceiveStatus.Delivered, result.Status);
        Assert.Equal(1, result.BuffersUsed);
        Assert.True(result.Interrupt);
        Assert.Equal(1012u, kit.Queue.Completed[0].Length);
        var bytes = chain.WrittenBytes();
        var header = NetHeader.Read(bytes, 12);
        Assert.Equal(new NetHeader { NumBuffers = 1 }, header);
        Assert.Equal(frame, bytes[12..1012]);
        Assert.Equal(1, kit.Device.Statistics.RxFrames);
    }

    [Fact]
    public void Receive_with_a_legacy_header_writes_ten_bytes()
    {
        var kit = new NetTestKit(negotiate: FeatureSet.Of(NetFeatureBit.Mac));
        Assert.Equal(10, kit.Device.HeaderSize);
        var chain = kit.Builder.Start().Writable(200);
        chain.AddTo(kit.Queue);
        var frame = NetTestKit.Frame(64);
        Assert.Equal(NetReceiveStatus.Delivered, kit.Device.ReceiveFrame(frame, kit.Queue).Status);
        Assert.Equal(74u, kit.Queue.Completed[0].Length);
        Assert.Equal(new byte[10], chain.WrittenBytes()[..10]);
        Assert.Equal(frame, chain.WrittenBytes()[10..74]);
    }

    [Fact]
    public void Receive_drops_and_counts_when_the_buffer_is_small_or_missing()
    {
        var kit = new NetTestKit(negotiate: Basic);
        var result = kit.Device.ReceiveFrame(NetTestKit.Frame(100), kit.Queue);
        Assert.Equal(NetReceiveStatus.NoBuffer, result.Status);
        Assert.False(result.Interrupt);
        kit.Builder.Start().Writable(100).AddTo(kit.Queue);
        result = kit.Device.ReceiveFrame(NetTestKit.Frame(100), kit.Queue);
        Assert.Equal(NetReceiveStatus.TooLarge, result.Status);
        Assert.Equal(0u, kit.Queue.Completed[0].Length);
        kit.Builder.Start().WritableUnmapped(200).AddTo(kit.Queue);
        Assert.Equal(NetReceiveStatus.MemoryFault, kit.Device.ReceiveFrame(NetTestKit.Frame(100), kit.Queue).Status);
        Assert.Equal(1, kit.Device.Statistics.RxDroppedNoBuffer);
        Assert.Equal(1, kit.Device.Statistics.RxDroppedTooLarge);
        Assert.Equal(1, kit.Device.Statistics.MemoryFaults);
        Assert.Equal(0, kit.Device.Statistics.RxFrames);
    }

    [Fact]
    public void Mergeable_receive_spreads_a_frame_over_buffers_and_sets_num_buffers()
    {
        var kit = new NetTestKit(negotiate: Basic.With(NetFeatureBit.MrgRxbuf));
        var chains = Enumerable.Range(0, 5).Select(_ => kit.Builder.Start().Writable(40).Writable(60)).ToList();
        chains.ForEach(c => c.AddTo(kit.Queue));
        var frame = NetTestKit.Frame(250);
        var result = kit.Device.ReceiveFrame(frame, kit.Queue);
        Assert.Equal(NetReceiveStatus.Delivered, result.Status);
        Assert.Equal(3, result.BuffersUsed);
        Assert.Equal([100u, 100u, 62u], kit.Queue.Completed.Select(c => c.Length));
        var first = chains[0].WrittenBytes();
        Assert.Equal(3, NetHeader.Read(first, 12).NumBuffers);
        var joined = first[12..].Concat(chains[1].WrittenBytes()).Concat(chains[2].WrittenBytes()[..62]).ToArray();
        Assert.Equal(frame, joined);
        Assert.Equal(2, kit.Queue.AvailableCount);
        Assert.Equal(1, kit.Queue.PublishCount);
    }

    [Fact]
    public void Mergeable_receive_returns_taken_buffers_empty_when_the_queue_runs_dry()
    {
        var kit = new NetTestKit(negotiate: Basic.With(NetFeatureBit.MrgRxbuf));
        kit.Builder.Start().Writable(100).AddTo(kit.Queue);
        kit.Builder.Start().Writable(100).AddTo(kit.Queue);
        var result = kit.Device.ReceiveFrame(NetTestKit.Frame(500), kit.Queue);
        Assert.Equal(NetReceiveStatus.NoBuffer, result.Status);
        Assert.Equal(2, result.BuffersUsed);
        Assert.All(kit.Queue.Completed, c => Assert.Equal(0u, c.Length));
        Assert.Equal(0, kit.Queue.InFlightCount);
    }

    [Fact]
    public void Hash_report_fills_the_hash_fields_once_hash_types_are_configured()
    {
        var options = new NetDeviceOptions { DeviceFeatures = new NetDeviceOptions().DeviceFeatures.With(NetFeatureBit.HashReport) };
        var kit = new NetTestKit(options);
        Assert.Equal(20, kit.Device.HeaderSize);
        var tcp = NetHeaderTests.Ipv4Frame([66, 9, 149, 187], [161, 142, 100, 80], 2794, 1766, 6);
        var udp = NetHeaderTests.Ipv4Frame([66, 9, 149, 187], [161, 142, 100, 80], 2794, 1766, 17);

        var before = kit.Builder.Start().Writable(200);
        before.AddTo(kit.Queue);
        kit.Device.ReceiveFrame(tcp, kit.Queue);
        var h = NetHeader.Read(before.WrittenBytes(), 20);
        Assert.Equal((0u, NetHashType.ReportNone), (h.HashValue, h.HashReport));

        var config = new byte[13];
        BinaryPrimitives.WriteUInt32LittleEndian(config, NetHashType.IPv4 | NetHashType.TcpV4);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassMq, NetControl.MqHashConfig, config).Ack);

        var c1 = kit.Builder.Start().Writable(200);
        var c2 = kit.Builder.Start().Writable(200);
        c1.AddTo(kit.Queue);
        c2.AddTo(kit.Queue);
        kit.Device.ReceiveFrame(tcp, kit.Queue);
        kit.Device.ReceiveFrame(udp, kit.Queue);
        var h1 = NetHeader.Read(c1.WrittenBytes(), 20);
        var h2 = NetHeader.Read(c2.WrittenBytes(), 20);
        Assert.Equal((0x51ccc178u, NetHashType.ReportTcpV4, (ushort)1), (h1.HashValue, h1.HashReport, h1.NumBuffers));
        Assert.Equal((0x323e8fc2u, NetHashType.ReportIPv4), (h2.HashValue, h2.HashReport));
        Assert.Equal(tcp, c1.WrittenBytes()[20..(20 + tcp.Length)]);

        var badTypes = new byte[13];
        BinaryPrimitives.WriteUInt32LittleEndian(badTypes, 1u << 6);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMq, NetControl.MqHashConfig, badTypes).Ack);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMq, NetControl.MqHashConfig, [.. config, 4]).Ack); // key length mismatch
    }

    [Fact]
    public void Vq_pairs_set_validates_the_range()
    {
        var kit = new NetTestKit(new NetDeviceOptions { MaxQueuePairs = 4 });
        Assert.Equal(8, kit.Device.ControlQueueIndex);
        Assert.Equal((NetControl.Ok, 1u), kit.Control(NetControl.ClassMq, NetControl.MqVqPairsSet, 3, 0));
        Assert.Equal(3, kit.Device.ActivePairs);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMq, NetControl.MqVqPairsSet, 0, 0).Ack);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMq, NetControl.MqVqPairsSet, 5, 0).Ack);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMq, NetControl.MqVqPairsSet, 2).Ack);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMq, NetControl.MqRssConfig, 2, 0).Ack);
        Assert.Equal(3, kit.Device.ActivePairs);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassMq, NetControl.MqVqPairsSet, 4, 0).Ack);

        Assert.Equal(NetReceiveStatus.QueueInactive, kit.Device.ReceiveFrame(NetTestKit.Frame(60), 8, kit.Queue).Status);
        kit.Builder.Start().Writable(100).AddTo(kit.Queue);
        Assert.Equal(NetReceiveStatus.Delivered, kit.Device.ReceiveFrame(NetTestKit.Frame(60), 6, kit.Queue).Status);
        var tcp = NetHeaderTests.Ipv4Frame([10, 0, 0, 1], [10, 0, 0, 2], 1000, 80, 6);
        Assert.InRange(kit.Device.SelectReceivePair(tcp), 0, 3);
        Assert.Equal(kit.Device.SelectReceivePair(tcp), kit.Device.SelectReceivePair(tcp));

        var single = new NetTestKit(new NetDeviceOptions { MaxQueuePairs = 4 }, negotiate: new NetTestKit().Device.OfferedFeatures.Without(NetFeatureBit.Mq));
        Assert.Equal(NetControl.Err, single.Control(NetControl.ClassMq, NetControl.MqVqPairsSet, 1, 0).Ack);
    }

    [Fact]
    public void Mac_addr_set_updates_config_and_raises_config_changed()
    {
        var kit = new NetTestKit();
        byte[] mac = [0x02, 0, 0, 0, 0, 0x42];
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassMac, NetControl.MacAddrSet, mac).Ack);
        var config = new byte[6];
        kit.Device.ReadConfig(NetConfigLayout.Mac, config);
        Assert.Equal(mac, config);
        Assert.Equal(1, kit.ConfigChanges);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassMac, NetControl.MacAddrSet, mac).Ack);
        Assert.Equal(1, kit.ConfigChanges); // unchanged
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMac, NetControl.MacAddrSet, 1, 2, 3).Ack);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMac, 7).Ack);

        var noMacAddr = new NetTestKit(negotiate: new NetTestKit().Device.OfferedFeatures.Without(NetFeatureBit.CtrlMacAddr));
        Assert.Equal(NetControl.Err, noMacAddr.Control(NetControl.ClassMac, NetControl.MacAddrSet, mac).Ack);
        Assert.Equal(NetTestKit.OwnMac, noMacAddr.Device.Mac.ToArray());

        kit.Device.Reset();
        Assert.Equal(NetTestKit.OwnMac, kit.Device.Mac.ToArray());
    }

    [Fact]
    public void Mac_table_set_and_rx_modes_drive_the_receive_filter()
    {
        var kit = new NetTestKit();
        byte[] other = [0x02, 1, 1, 1, 1, 1];
        byte[] multicast = [0x01, 0x00, 0x5e, 0, 0, 1];
        byte[] broadcast = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        for (int i = 0; i < 20; i++) kit.Builder.Start().Writable(200).AddTo(kit.Queue);
        NetReceiveStatus Rx(byte[] destination) => kit.Device.ReceiveFrame(NetTestKit.Frame(60, destination), kit.Queue).Status;

        Assert.Equal(NetReceiveStatus.Delivered, Rx(other)); // promiscuous after reset
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassRx, NetControl.RxPromisc, 0).Ack);
        Assert.Equal(NetReceiveStatus.Filtered, Rx(other));
        Assert.Equal(NetReceiveStatus.Filtered, Rx(multicast));
        Assert.Equal(NetReceiveStatus.Delivered, Rx(NetTestKit.OwnMac));
        Assert.Equal(NetReceiveStatus.Delivered, Rx(broadcast));

        var table = new List<byte>();
        table.AddRange(BitConverter.GetBytes(1u)); table.AddRange(other);
        table.AddRange(BitConverter.GetBytes(1u)); table.AddRange(multicast);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassMac, NetControl.MacTableSet, [.. table]).Ack);
        Assert.Equal((1, 1), (kit.Device.Filter.UnicastCount, kit.Device.Filter.MulticastCount));
        Assert.Equal(NetReceiveStatus.Delivered, Rx(other));
        Assert.Equal(NetReceiveStatus.Delivered, Rx(multicast));

        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMac, NetControl.MacTableSet, [.. table.Take(table.Count - 1)]).Ack);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMac, NetControl.MacTableSet, [.. table, 0]).Ack);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassMac, NetControl.MacTableSet, 0xff, 0xff, 0xff, 0xff).Ack);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassMac, NetControl.MacTableSet, 0, 0, 0, 0, 0, 0, 0, 0).Ack);
        Assert.Equal(NetReceiveStatus.Filtered, Rx(other));
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassRx, NetControl.RxAllMulti, 1).Ack);
        Assert.Equal(NetReceiveStatus.Delivered, Rx(multicast));

        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassRx, NetControl.RxPromisc, 2).Ack);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassRx, NetControl.RxPromisc).Ack);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassRx, NetControl.RxNoBcast, 1).Ack); // needs CTRL_RX_EXTRA
        Assert.Equal(3, kit.Device.Statistics.RxDroppedFiltered);
    }

    [Fact]
    public void Rx_extra_commands_work_when_negotiated()
    {
        var options = new NetDeviceOptions { DeviceFeatures = new NetDeviceOptions().DeviceFeatures.With(NetDevice.CtrlRxExtraBit) };
        var kit = new NetTestKit(options);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassRx, NetControl.RxPromisc, 0).Ack);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassRx, NetControl.RxNoBcast, 1).Ack);
        kit.Builder.Start().Writable(200).AddTo(kit.Queue);
        Assert.Equal(NetReceiveStatus.Filtered, kit.Device.ReceiveFrame(NetTestKit.Frame(60, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), kit.Queue).Status);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassRx, NetControl.RxNoUni, 1).Ack);
        Assert.Equal(NetReceiveStatus.Filtered, kit.Device.ReceiveFrame(NetTestKit.Frame(60), kit.Queue).Status);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassRx, 6, 1).Ack);
    }

    [Fact]
    public void Vlan_commands_maintain_the_filter_table()
    {
        var kit = new NetTestKit();
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassVlan, NetControl.VlanAdd, 10, 0).Ack);
        Assert.True(kit.Device.Filter.HasVlan(10));
        var tagged = NetTestKit.Frame(64);
        tagged[12] = 0x81; tagged[13] = 0x00; tagged[14] = 0x00; tagged[15] = 10;
        var otherTag = (byte[])tagged.Clone();
        otherTag[15] = 11;
        for (int i = 0; i < 3; i++) kit.Builder.Start().Writable(200).AddTo(kit.Queue);
        Assert.Equal(NetReceiveStatus.Delivered, kit.Device.ReceiveFrame(tagged, kit.Queue).Status);
        Assert.Equal(NetReceiveStatus.Filtered, kit.Device.ReceiveFrame(otherTag, kit.Queue).Status);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassVlan, NetControl.VlanDel, 10, 0).Ack);
        Assert.False(kit.Device.Filter.HasVlan(10));
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassVlan, NetControl.VlanAdd, 0x00, 0x10).Ack); // 4096
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassVlan, 2, 1, 0).Ack);
    }

    [Fact]
    public void Announce_sets_the_status_bit_until_the_driver_acks()
    {
        var kit = new NetTestKit();
        Assert.True(kit.Device.Announce());
        Assert.Equal(1, kit.ConfigChanges);
        var status = new byte[2];
        kit.Device.ReadConfig(NetConfigLayout.Status, status);
        Assert.Equal(new byte[] { 3, 0 }, status);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassAnnounce, NetControl.AnnounceAck).Ack);
        kit.Device.ReadConfig(NetConfigLayout.Status, status);
        Assert.Equal(new byte[] { 1, 0 }, status);
        Assert.Equal(2, kit.ConfigChanges);
        Assert.False(new NetTestKit(negotiate: Basic).Device.Announce());
    }

    [Fact]
    public void Malformed_control_commands_get_err_and_a_missing_ack_byte_gets_length_zero()
    {
        var kit = new NetTestKit();
        Assert.Equal((NetControl.Err, 1u), kit.Control(9, 0));
        var oneByte = kit.Builder.Start().Readable([NetControl.ClassMq]).Writable(1);
        oneByte.AddTo(kit.Queue);
        kit.Device.ProcessQueue(kit.Device.ControlQueueIndex, kit.Queue);
        Assert.Equal(NetControl.Err, oneByte.WrittenBytes()[0]);
        kit.Builder.Start().Readable([NetControl.ClassRx, NetControl.RxPromisc, 1]).AddTo(kit.Queue);
        kit.Device.ProcessQueue(kit.Device.ControlQueueIndex, kit.Queue);
        Assert.Equal(0u, kit.Queue.Completed[^1].Length);
        var faulting = kit.Builder.Start().Readable([NetControl.ClassRx]).ReadableUnmapped(2).Writable(1);
        faulting.AddTo(kit.Queue);
        kit.Device.ProcessQueue(kit.Device.ControlQueueIndex, kit.Queue);
        Assert.Equal(NetControl.Err, faulting.WrittenBytes()[0]);
        Assert.Equal(4, kit.Device.Statistics.ControlErrors);
    }

    [Fact]
    public void Guest_offloads_set_accepts_only_negotiated_offloads()
    {
        var options = new NetDeviceOptions
        {
            DeviceFeatures = new NetDeviceOptions().DeviceFeatures.With(NetFeatureBit.CtrlGuestOffloads).With(NetFeatureBit.GuestCsum).With(NetFeatureBit.GuestTso4),
        };
        var kit = new NetTestKit(options);
        Assert.Equal((1UL << NetFeatureBit.GuestCsum) | (1UL << NetFeatureBit.GuestTso4), kit.Device.GuestOffloads);
        Assert.Equal(NetControl.Ok, kit.Control(NetControl.ClassGuestOffloads, NetControl.GuestOffloadsSet, BitConverter.GetBytes(1UL << NetFeatureBit.GuestCsum)).Ack);
        Assert.Equal(1UL << NetFeatureBit.GuestCsum, kit.Device.GuestOffloads);
        Assert.Equal(NetControl.Err, kit.Control(NetControl.ClassGuestOffloads, NetControl.GuestOffloadsSet, BitConverter.GetBytes(1UL << NetFeatureBit.GuestTso6)).Ack);
    }

    [Theory]
    [InlineData(NetFeatureBit.GuestTso4, "GUEST_TSO4 requires GUEST_CSUM")]
    [InlineData(NetFeatureBit.GuestUfo, "GUEST_UFO requires GUEST_CSUM")]
    [InlineData(NetFeatureBit.HostTso4, "HOST_TSO4 requires CSUM")]
    [InlineData(NetFeatureBit.HostTso6, "HOST_TSO6 requires CSUM")]
    [InlineData(NetFeatureBit.HostUso, "HOST_USO requires CSUM")]
    [InlineData(NetFeatureBit.Mq, "MQ requires CTRL_VQ")]
    [InlineData(NetFeatureBit.CtrlRx, "CTRL_RX requires CTRL_VQ")]
    [InlineData(NetFeatureBit.CtrlVlan, "CTRL_VLAN requires CTRL_VQ")]
    [InlineData(NetFeatureBit.GuestAnnounce, "GUEST_ANNOUNCE requires CTRL_VQ")]
    [InlineData(NetFeatureBit.CtrlMacAddr, "CTRL_MAC_ADDR requires CTRL_VQ")]
    [InlineData(NetFeatureBit.Rss, "RSS requires CTRL_VQ")]
    [InlineData(NetFeatureBit.GuestEcn, "GUEST_ECN requires GUEST_TSO4 or GUEST_TSO6")]
    [InlineData(NetFeatureBit.HostEcn, "HOST_ECN requires HOST_TSO4 or HOST_TSO6")]
    [InlineData(NetFeatureBit.RscExt, "RSC_EXT requires HOST_TSO4 or HOST_TSO6")]
    public void Feature_dependencies_are_refused_with_a_reason(int feature, string reason)
    {
        var all = FeatureSet.None;
        for (int bit = 0; bit < 64; bit++) all = all.With(bit);
        var device = new NetDevice(null, new NetDeviceOptions { DeviceFeatures = all });
        Assert.Equal(reason, device.ValidateFeatures(FeatureSet.Of(FeatureBit.Version1, feature)));
        Assert.Null(device.ValidateFeatures(FeatureSet.Of(FeatureBit.Version1, NetFeatureBit.Csum, NetFeatureBit.GuestCsum,
            NetFeatureBit.CtrlVq, NetFeatureBit.HostTso4, NetFeatureBit.GuestTso6, feature)));
    }

    [Fact]
    public void Features_not_offered_are_refused()
    {
        var device = new NetDevice(null);
        Assert.NotNull(device.ValidateFeatures(FeatureSet.Of(NetFeatureBit.HashReport)));
        Assert.Null(device.ValidateFeatures(device.OfferedFeatures));
    }

    [Fact]
    public void Link_changes_raise_config_changed_and_stop_receive()
    {
        var kit = new NetTestKit();
        kit.Device.SetLinkUp(true);
        Assert.Equal(0, kit.ConfigChanges);
        kit.Device.SetLinkUp(false);
        Assert.Equal(1, kit.ConfigChanges);
        var status = new byte[2];
        kit.Device.ReadConfig(NetConfigLayout.Status, status);
        Assert.Equal(new byte[2], status);
        kit.Builder.Start().Writable(200).AddTo(kit.Queue);
        Assert.Equal(NetReceiveStatus.LinkDown, kit.Device.ReceiveFrame(NetTestKit.Frame(60), kit.Queue).Status);
        Assert.Equal(1, kit.Queue.AvailableCount);
        var tx = kit.Builder.NewQueue();
        kit.Builder.Start().Readable(new byte[12 + 60]).AddTo(tx);
        kit.Device.ProcessQueue(1, tx);
        Assert.Empty(kit.Sink.Frames);
        Assert.Equal(1, kit.Device.Statistics.TxDropped);
        kit.Device.SetLinkUp(true);
        Assert.Equal(2, kit.ConfigChanges);
        Assert.Equal(NetReceiveStatus.Delivered, kit.Device.ReceiveFrame(NetTestKit.Frame(60), kit.Queue).Status);
    }

    [Fact]
    public void Nothing_is_received_before_driver_ok()
    {
        var device = new NetDevice(null);
        var builder = new ChainBuilder(1 << 20);
        var queue = builder.NewQueue();
        builder.Start().Writable(200).AddTo(queue);
        Assert.Equal(NetReceiveStatus.QueueInactive, device.ReceiveFrame(NetTestKit.Frame(60), queue).Status);
        Assert.Equal(1, queue.AvailableCount);
        device.Activate(device.OfferedFeatures);
        Assert.Equal(NetReceiveStatus.Delivered, device.ReceiveFrame(NetTestKit.Frame(60), queue).Status);
        device.Reset();
        Assert.False(device.IsActive);
    }

    [Fact]
    public void Config_space_bytes_sit_at_the_spec_offsets()
    {
        var options = new NetDeviceOptions
        {
            DeviceFeatures = new NetDeviceOptions().DeviceFeatures.With(NetFeatureBit.HashReport),
            Mac = [0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF], MaxQueuePairs = 0x0102, Mtu = 0x0304, Speed = 0x05060708, Duplex = 1,
        };
        var device = new NetDevice(null, options);
        var config = new byte[28];
        device.ReadConfig(0, config);
        Assert.Equal("aabbccddeeff" + "0100" + "0201" + "0403" + "08070605" + "01" + "28" + "0000" + "3f000000" + "00000000",
            Convert.ToHexStringLower(config));
        Assert.Equal(24, device.ConfigSize);
        device.WriteConfig(0, new byte[6]); // read-only
        device.ReadConfig(0, config);
        Assert.Equal(0xAA, config[0]);
    }

    [Fact]
    public void A_broken_receive_queue_is_reported()
    {
        var kit = new NetTestKit(negotiate: Basic);
        kit.Builder.Start().Writable(200).AddTo(kit.Queue);
        kit.Queue.BreakAfterPops = 0;
        var result = kit.Device.ReceiveFrame(NetTestKit.Frame(60), kit.Queue);
        Assert.Equal(NetReceiveStatus.QueueBroken, result.Status);
        Assert.True(result.Error.IsError);
    }
}
