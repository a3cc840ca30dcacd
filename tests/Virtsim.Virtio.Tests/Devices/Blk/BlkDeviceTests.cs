using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Devices.Blk;

public class BlkDeviceTests
{
    private static FeatureSet Ring => RequestDeviceBase.DefaultRingFeatures;

    [Fact]
    public void Write_then_read_returns_the_data_and_used_lengths_count_written_bytes()
    {
        var kit = new BlkTestKit();
        var data = BlkTestKit.Pattern(1024, 1);
        var (status, used) = kit.Write(10, data);
        Assert.Equal(BlkStatus.Ok, status);
        Assert.Equal(1u, used);
        var read = kit.Read(10, 1024);
        Assert.Equal(BlkStatus.Ok, read.Status);
        Assert.Equal(1025u, read.Used);
        Assert.Equal(data, read.Data);
    }

    [Fact]
    public void Data_split_over_several_segments_is_gathered_and_scattered()
    {
        var kit = new BlkTestKit();
        var data = BlkTestKit.Pattern(1536, 2);
        var write = kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.Out, 3))
            .Readable(data.AsSpan(0, 100)).Readable(data.AsSpan(100, 1000)).Readable(data.AsSpan(1100)).Writable(1);
        Assert.Equal(BlkStatus.Ok, kit.Run(write).Status);
        var read = kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.In, 3)).Writable(7).Writable(1500).Writable(30);
        var r = kit.Run(read);
        Assert.Equal(BlkStatus.Ok, r.Status);
        Assert.Equal(1537u, r.Used);
        Assert.Equal(data, r.Written[..1536]);
    }

    [Theory]
    [InlineData(2048UL, 512)]
    [InlineData(2047UL, 1024)]
    [InlineData(ulong.MaxValue, 512)]
    public void Sectors_past_the_end_give_ioerr(ulong sector, int length)
    {
        var kit = new BlkTestKit(sectors: 2048);
        Assert.Equal(BlkStatus.IoErr, kit.Write(sector, new byte[length]).Status);
        Assert.Equal(BlkStatus.IoErr, kit.Read(sector, length).Status);
        Assert.Equal(0, kit.Store.DurableSectorCount + kit.Store.CachedSectorCount);
    }

    [Fact]
    public void Data_not_a_multiple_of_512_gives_ioerr()
    {
        var kit = new BlkTestKit();
        Assert.Equal(BlkStatus.IoErr, kit.Write(0, new byte[700]).Status);
        Assert.Equal(BlkStatus.IoErr, kit.Read(0, 100).Status);
        Assert.Equal(2, kit.Device.MalformedRequests);
    }

    [Fact]
    public void Short_header_gives_ioerr_and_a_chain_without_writable_bytes_breaks_the_ring()
    {
        var kit = new BlkTestKit();
        var r = kit.Run(kit.Builder.Start().Readable(new byte[10]).Writable(1));
        Assert.Equal(BlkStatus.IoErr, r.Status);
        Assert.Equal(1u, r.Used);
        kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.Out, 0)).Readable(new byte[512]).AddTo(kit.Queue);
        var result = kit.Device.ProcessQueue(0, kit.Queue);
        // No status byte to report the error in: the request is not completed and the device needs a reset.
        Assert.Equal(0, result.Completed);
        Assert.Equal(QueueErrorKind.MalformedRequest, result.Error.Kind);
        Assert.Equal(2, kit.Device.MalformedRequests);
        Assert.Equal(0, kit.Store.DurableSectorCount);
    }

    [Theory]
    [InlineData(BlkRequestType.SecureErase)]
    [InlineData(2u)]
    [InlineData(16u)]
    [InlineData(0xFFFF_FFFFu)]
    public void Unknown_types_give_unsupp(uint type)
    {
        var kit = new BlkTestKit();
        var r = kit.Run(kit.Builder.Start().Readable(BlkTestKit.Header(type, 0)).Writable(512).Writable(1));
        Assert.Equal(BlkStatus.Unsupp, r.Status);
        Assert.Equal(1u, r.Used);
        Assert.Equal(1, kit.Device.Unsupported);
    }

    [Fact]
    public void Read_only_device_refuses_writes_discard_and_write_zeroes_but_reads()
    {
        var options = new BlkDeviceOptions { DeviceFeatures = new BlkDeviceOptions().DeviceFeatures.With(BlkFeatureBit.Ro) };
        var kit = new BlkTestKit(options: options);
        Assert.True(kit.Device.OfferedFeatures.Has(BlkFeatureBit.Ro));
        Assert.Equal(BlkStatus.IoErr, kit.Write(0, BlkTestKit.Pattern(512, 3)).Status);
        Assert.Equal(BlkStatus.IoErr, kit.Ranges(BlkRequestType.Discard, BlkTestKit.Segment(0, 8)));
        Assert.Equal(BlkStatus.IoErr, kit.Ranges(BlkRequestType.WriteZeroes, BlkTestKit.Segment(0, 8)));
        Assert.Equal(0, kit.Store.DurableSectorCount + kit.Store.CachedSectorCount);
        Assert.Equal(BlkStatus.Ok, kit.Read(0, 512).Status);
    }

    [Fact]
    public void Writeback_keeps_writes_volatile_until_flush()
    {
        // FLUSH negotiated without CONFIG_WCE: writeback (spec 5.2.5.1).
        var negotiated = FeatureSet.Of(BlkFeatureBit.Flush) | Ring;
        var kit = new BlkTestKit(negotiate: negotiated);
        Assert.True(kit.Device.Writeback);
        var data = BlkTestKit.Pattern(512, 4);
        Assert.Equal(BlkStatus.Ok, kit.Write(5, data).Status);
        Assert.True(kit.Store.IsCached(5));
        var durable = new byte[512];
        Assert.True(kit.Store.TryReadDurable(5, durable));
        Assert.Equal(new byte[512], durable);
        Assert.Equal(data, kit.Read(5, 512).Data);

        Assert.Equal(BlkStatus.Ok, kit.Flush());
        Assert.False(kit.Store.IsCached(5));
        Assert.True(kit.Store.TryReadDurable(5, durable));
        Assert.Equal(data, durable);
    }

    [Fact]
    public void A_crash_before_flush_loses_cached_writes_only()
    {
        var kit = new BlkTestKit(negotiate: FeatureSet.Of(BlkFeatureBit.Flush) | Ring);
        var first = BlkTestKit.Pattern(512, 5);
        var second = BlkTestKit.Pattern(512, 6);
        kit.Write(1, first);
        kit.Flush();
        kit.Write(2, second);
        kit.Store.DropCache();
        Assert.Equal(first, kit.Read(1, 512).Data);
        Assert.Equal(new byte[512], kit.Read(2, 512).Data);
    }

    [Fact]
    public void The_flush_after_a_crash_that_lost_cached_writes_fails_once_and_still_commits()
    {
        var kit = new BlkTestKit(negotiate: FeatureSet.Of(BlkFeatureBit.Flush) | Ring);
        kit.Write(1, BlkTestKit.Pattern(512, 1));
        kit.Store.DropCache();                 // the write was completed, never flushed: lost
        Assert.True(kit.Store.WritesLost);
        kit.Write(2, BlkTestKit.Pattern(512, 2));
        Assert.Equal(BlkStatus.IoErr, kit.Flush()); // it must not pass for proof that write 1 is durable
        Assert.Equal(BlkTestKit.Pattern(512, 2), kit.Read(2, 512).Data);
        Assert.Equal(0, kit.Store.CachedSectorCount); // what was cached then is durable all the same
        Assert.Equal(BlkStatus.Ok, kit.Flush());     // reported once
        kit.Store.DropCache();                 // nothing cached: nothing lost, nothing to report
        Assert.Equal(BlkStatus.Ok, kit.Flush());
    }

    [Fact]
    public void Without_flush_negotiated_writes_are_durable_at_completion()
    {
        var kit = new BlkTestKit(negotiate: Ring);
        Assert.False(kit.Device.Writeback);
        kit.Write(7, BlkTestKit.Pattern(512, 7));
        Assert.Equal(0, kit.Store.CachedSectorCount);
        kit.Store.DropCache();
        Assert.Equal(BlkTestKit.Pattern(512, 7), kit.Read(7, 512).Data);
    }

    [Fact]
    public void Config_wce_toggles_the_cache_mode_through_the_writeback_byte()
    {
        var kit = new BlkTestKit(negotiate: FeatureSet.Of(BlkFeatureBit.Flush, BlkFeatureBit.ConfigWce) | Ring);
        int changes = 0;
        kit.Device.ConfigChanged += () => changes++;
        var b = new byte[1];
        kit.Device.ReadConfig(BlkConfigLayout.Writeback, b);
        Assert.Equal(1, b[0]);

        kit.Write(1, BlkTestKit.Pattern(512, 8));
        Assert.Equal(1, kit.Store.CachedSectorCount);
        kit.Device.WriteConfig(BlkConfigLayout.Writeback, [0]);
        Assert.Equal(1, changes);
        Assert.False(kit.Device.Writeback);
        Assert.Equal(0, kit.Store.CachedSectorCount); // switching to writethrough commits the cache
        kit.Device.ReadConfig(BlkConfigLayout.Writeback, b);
        Assert.Equal(0, b[0]);
        kit.Write(2, BlkTestKit.Pattern(512, 9));
        Assert.Equal(0, kit.Store.CachedSectorCount);

        kit.Device.WriteConfig(BlkConfigLayout.Writeback, [0]);
        Assert.Equal(1, changes); // no change, no event
        kit.Device.WriteConfig(BlkConfigLayout.Writeback - 2, [9, 9, 1, 9]); // wider write covering the byte
        Assert.Equal(2, changes);
        Assert.True(kit.Device.Writeback);
        kit.Device.ReadConfig(0, new byte[8]);
        kit.Device.ReadConfig(BlkConfigLayout.Writeback - 2, b);
        Assert.Equal(0, b[0]); // the neighbouring field stayed read-only
    }

    [Fact]
    public void Writeback_byte_is_read_only_without_config_wce_and_starts_zero_without_flush()
    {
        var kit = new BlkTestKit(negotiate: FeatureSet.Of(BlkFeatureBit.Flush) | Ring);
        kit.Device.WriteConfig(BlkConfigLayout.Writeback, [0]);
        Assert.True(kit.Device.Writeback);

        var noFlush = new BlkTestKit(negotiate: FeatureSet.Of(BlkFeatureBit.ConfigWce) | Ring);
        Assert.False(noFlush.Device.Writeback);
    }

    [Fact]
    public void Config_wce_without_flush_in_the_offer_is_rejected()
    {
        var options = new BlkDeviceOptions { DeviceFeatures = FeatureSet.Of(BlkFeatureBit.ConfigWce) };
        Assert.Throws<ArgumentException>(() => new BlkDevice(new MemoryBlockStore(8), options));
    }

    [Fact]
    public void Flush_failure_and_failing_sectors_give_ioerr()
    {
        var kit = new BlkTestKit();
        kit.Store.FailFlush = true;
        Assert.Equal(BlkStatus.IoErr, kit.Flush());
        kit.Store.FailingSectors.Add(9);
        Assert.Equal(BlkStatus.IoErr, kit.Write(8, new byte[1024]).Status);
        Assert.Equal(BlkStatus.IoErr, kit.Read(9, 512).Status);
        Assert.Equal(BlkStatus.Ok, kit.Read(8, 512).Status);
    }

    [Fact]
    public void Flush_is_unsupported_when_not_offered()
    {
        var kit = new BlkTestKit(options: new BlkDeviceOptions { DeviceFeatures = FeatureSet.None });
        Assert.Equal(BlkStatus.Unsupp, kit.Flush());
    }

    [Fact]
    public void Get_id_returns_the_nul_padded_id_and_cuts_at_20_bytes()
    {
        var kit = new BlkTestKit(options: new BlkDeviceOptions { Id = "disk-7" });
        var r = kit.Run(kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.GetId, 0)).Writable(20).Writable(1));
        Assert.Equal(BlkStatus.Ok, r.Status);
        Assert.Equal(21u, r.Used);
        Assert.Equal("disk-7"u8.ToArray().Concat(new byte[14]), r.Written[..20]);

        var longId = new BlkTestKit(options: new BlkDeviceOptions { Id = "0123456789abcdefghijKLMNO" });
        var r2 = longId.Run(longId.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.GetId, 0)).Writable(21));
        Assert.Equal("0123456789abcdefghij"u8.ToArray(), r2.Written[..20]);
        Assert.Equal(BlkStatus.Ok, r2.Status);
    }

    [Fact]
    public void Get_lifetime_answers_with_lifetime_and_is_unsupported_without()
    {
        var options = new BlkDeviceOptions
        {
            DeviceFeatures = FeatureSet.Of(BlkFeatureBit.Lifetime, BlkFeatureBit.Flush),
            Lifetime = new BlkLifetime(2, 3, 11),
        };
        var kit = new BlkTestKit(options: options);
        var r = kit.Run(kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.GetLifetime, 0)).Writable(6).Writable(1));
        Assert.Equal(BlkStatus.Ok, r.Status);
        Assert.Equal(7u, r.Used);
        Assert.Equal(new byte[] { 2, 0, 3, 0, 11, 0 }, r.Written[..6]);

        var shortBuffer = kit.Run(kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.GetLifetime, 0)).Writable(4).Writable(1));
        Assert.Equal(BlkStatus.IoErr, shortBuffer.Status);

        var without = new BlkTestKit();
        var r2 = without.Run(without.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.GetLifetime, 0)).Writable(7));
        Assert.Equal(BlkStatus.Unsupp, r2.Status);
    }

    [Fact]
    public void Discard_and_write_zeroes_clear_every_segment()
    {
        var kit = new BlkTestKit();
        for (ulong s = 0; s < 40; s++) kit.Write(s, BlkTestKit.Pattern(512, (int)s + 1));
        Assert.Equal(BlkStatus.Ok, kit.Ranges(BlkRequestType.Discard, BlkTestKit.Segment(0, 4), BlkTestKit.Segment(10, 2)));
        Assert.Equal(BlkStatus.Ok, kit.Ranges(BlkRequestType.WriteZeroes, BlkTestKit.Segment(20, 3, flags: 1), BlkTestKit.Segment(30, 1)));
        for (ulong s = 0; s < 40; s++)
        {
            bool cleared = s < 4 || s is 10 or 11 || s is >= 20 and < 23 || s == 30;
            Assert.Equal(cleared ? new byte[512] : BlkTestKit.Pattern(512, (int)s + 1), kit.Read(s, 512).Data);
        }
    }

    [Fact]
    public void Discard_in_writeback_mode_stays_volatile_until_flush()
    {
        var kit = new BlkTestKit(negotiate: FeatureSet.Of(BlkFeatureBit.Flush, BlkFeatureBit.Discard) | Ring);
        kit.Write(3, BlkTestKit.Pattern(512, 1));
        kit.Flush();
        Assert.Equal(BlkStatus.Ok, kit.Ranges(BlkRequestType.Discard, BlkTestKit.Segment(3, 1)));
        Assert.Equal(new byte[512], kit.Read(3, 512).Data);
        kit.Store.DropCache();
        Assert.Equal(BlkTestKit.Pattern(512, 1), kit.Read(3, 512).Data);
    }

    [Fact]
    public void Range_requests_validate_flags_ranges_and_shape_before_touching_anything()
    {
        var kit = new BlkTestKit(sectors: 100);
        kit.Write(1, BlkTestKit.Pattern(512, 1));
        Assert.Equal(BlkStatus.Unsupp, kit.Ranges(BlkRequestType.Discard, BlkTestKit.Segment(1, 1, flags: 1)));
        Assert.Equal(BlkStatus.Unsupp, kit.Ranges(BlkRequestType.WriteZeroes, BlkTestKit.Segment(1, 1, flags: 2)));
        Assert.Equal(BlkStatus.IoErr, kit.Ranges(BlkRequestType.Discard, BlkTestKit.Segment(1, 1), BlkTestKit.Segment(99, 2)));
        Assert.Equal(BlkStatus.IoErr, kit.Ranges(BlkRequestType.Discard, new byte[20]));
        Assert.Equal(BlkStatus.IoErr, kit.Ranges(BlkRequestType.Discard));
        var tooMany = Enumerable.Range(0, 33).Select(i => BlkTestKit.Segment((ulong)i, 1)).ToArray();
        Assert.Equal(BlkStatus.IoErr, kit.Ranges(BlkRequestType.WriteZeroes, tooMany));
        Assert.Equal(BlkStatus.IoErr, kit.Ranges(BlkRequestType.WriteZeroes, BlkTestKit.Segment(0, (1u << 22) + 1)));
        Assert.Equal(BlkTestKit.Pattern(512, 1), kit.Read(1, 512).Data);
    }

    [Fact]
    public void Range_requests_are_unsupported_when_not_negotiated()
    {
        var kit = new BlkTestKit(negotiate: Ring);
        Assert.Equal(BlkStatus.Unsupp, kit.Ranges(BlkRequestType.Discard, BlkTestKit.Segment(0, 1)));
        Assert.Equal(BlkStatus.Unsupp, kit.Ranges(BlkRequestType.WriteZeroes, BlkTestKit.Segment(0, 1)));
    }

    [Fact]
    public void A_huge_sparse_disk_is_cheap_to_write_read_and_discard_whole()
    {
        ulong sectors = (1UL << 32) + 100; // 2 TiB
        var kit = new BlkTestKit(sectors: sectors, options: new BlkDeviceOptions { MaxDiscardSectors = uint.MaxValue });
        var data = BlkTestKit.Pattern(512, 3);
        Assert.Equal(BlkStatus.Ok, kit.Write(sectors - 1, data).Status);
        Assert.Equal(data, kit.Read(sectors - 1, 512).Data);
        Assert.Equal(BlkStatus.Ok, kit.Ranges(BlkRequestType.Discard, BlkTestKit.Segment(0, uint.MaxValue), BlkTestKit.Segment(uint.MaxValue, 101)));
        Assert.Equal(new byte[512], kit.Read(sectors - 1, 512).Data);
        Assert.Equal(0, kit.Store.DurableSectorCount);
    }

    [Fact]
    public void A_memory_fault_on_request_data_gives_ioerr_and_is_counted()
    {
        var kit = new BlkTestKit();
        var r = kit.Run(kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.Out, 0)).ReadableUnmapped(512).Writable(1));
        Assert.Equal(BlkStatus.IoErr, r.Status);
        var r2 = kit.Run(kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.In, 0)).WritableUnmapped(512).Writable(1));
        Assert.Equal(BlkStatus.IoErr, r2.Status);
        Assert.Equal(1u, r2.Used);
        Assert.Equal(2, kit.Device.MemoryFaults);
    }

    [Fact]
    public void Process_queue_serves_every_chain_and_publishes_once()
    {
        var kit = new BlkTestKit();
        for (int i = 0; i < 5; i++)
            kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.Out, (ulong)i)).Readable(new byte[512]).Writable(1).AddTo(kit.Queue);
        var result = kit.Device.ProcessQueue(0, kit.Queue);
        Assert.Equal(5, result.Completed);
        Assert.True(result.Interrupt);
        Assert.Equal(1, kit.Queue.PublishCount);
        Assert.False(result.Error.IsError);
    }

    [Fact]
    public void A_broken_ring_stops_processing_and_reports_the_queue_error()
    {
        var kit = new BlkTestKit();
        for (int i = 0; i < 4; i++)
            kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.Flush, 0)).Writable(1).AddTo(kit.Queue);
        kit.Queue.BreakAfterPops = 2;
        var result = kit.Device.ProcessQueue(0, kit.Queue);
        Assert.Equal(2, result.Completed);
        Assert.True(result.Interrupt);
        Assert.True(result.Error.IsError);
        Assert.Equal(kit.Queue.Error, result.Error);
    }

    [Fact]
    public void Multiqueue_exposes_num_queues_and_serves_every_queue()
    {
        var options = new BlkDeviceOptions { DeviceFeatures = FeatureSet.Of(BlkFeatureBit.Mq, BlkFeatureBit.Flush), NumQueues = 4 };
        var kit = new BlkTestKit(options: options);
        Assert.Equal(4, kit.Device.QueueCount);
        var b = new byte[2];
        kit.Device.ReadConfig(BlkConfigLayout.NumQueues, b);
        Assert.Equal(new byte[] { 4, 0 }, b);
        kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.Flush, 0)).Writable(1).AddTo(kit.Queue);
        Assert.Equal(1, kit.Device.ProcessQueue(3, kit.Queue).Completed);
        kit.Builder.Start().Readable(BlkTestKit.Header(BlkRequestType.Flush, 0)).Writable(1).AddTo(kit.Queue);
        Assert.Equal(0, kit.Device.ProcessQueue(4, kit.Queue).Completed);
        Assert.Equal(1, new BlkTestKit().Device.QueueCount);
    }

    [Fact]
    public void Config_space_bytes_sit_at_the_spec_offsets()
    {
        var options = new BlkDeviceOptions
        {
            DeviceFeatures = FeatureSet.Of(BlkFeatureBit.SizeMax, BlkFeatureBit.SegMax, BlkFeatureBit.Geometry, BlkFeatureBit.BlkSize,
                BlkFeatureBit.Flush, BlkFeatureBit.Topology, BlkFeatureBit.ConfigWce, BlkFeatureBit.Mq, BlkFeatureBit.Discard,
                BlkFeatureBit.WriteZeroes),
            SizeMax = 0x11223344, SegMax = 0x55667788, Geometry = new BlkGeometry(0x0102, 0x03, 0x04), BlkSize = 4096,
            PhysicalBlockExp = 3, AlignmentOffset = 1, MinIoSize = 0x0506, OptIoSize = 0x0708090A, NumQueues = 2,
            MaxDiscardSectors = 0xA1A2A3A4, MaxDiscardSeg = 0xB1B2B3B4, DiscardSectorAlignment = 0xC1C2C3C4,
            MaxWriteZeroesSectors = 0xD1D2D3D4, MaxWriteZeroesSeg = 0xE1E2E3E4, WriteZeroesMayUnmap = true,
        };
        var device = new BlkDevice(new MemoryBlockStore(0x0000_0102_0304_0506), options);
        device.Activate(device.OfferedFeatures);
        Assert.Equal(72, device.ConfigSize);
        var config = new byte[80];
        device.ReadConfig(0, config);
        string expected =
            "0605040302010000" + // capacity
            "44332211" + "88776655" + // size_max, seg_max
            "0201" + "03" + "04" + // geometry
            "00100000" + // blk_size 4096
            "03" + "01" + "0605" + "0a090807" + // topology
            "01" + "00" + "0200" + // writeback, unused0, num_queues
            "a4a3a2a1" + "b4b3b2b1" + "c4c3c2c1" + // discard
            "d4d3d2d1" + "e4e3e2e1" + "01" + "000000" + // write zeroes
            "00000000" + "00000000" + "00000000" + // secure erase (not offered)
            "0000000000000000"; // past the end
        Assert.Equal(expected, Convert.ToHexStringLower(config));

        var tail = new byte[4];
        device.ReadConfig(20, tail);
        Assert.Equal(new byte[] { 0, 0x10, 0, 0 }, tail);
        device.ReadConfig(70, tail);
        Assert.Equal(new byte[4], tail);
    }

    [Fact]
    public void Fields_of_features_not_offered_read_zero_and_the_type_is_block()
    {
        var device = new BlkDevice(new MemoryBlockStore(8), new BlkDeviceOptions { DeviceFeatures = FeatureSet.None });
        var config = new byte[72];
        device.ReadConfig(0, config);
        Assert.Equal(8, config[0]);
        Assert.All(config[1..], b => Assert.Equal(0, b));
        Assert.Equal(DeviceType.Block, device.Type);
        Assert.True(device.OfferedFeatures.Has(FeatureBit.Version1));
        Assert.Null(device.ValidateFeatures(FeatureSet.Of(FeatureBit.Version1)));
        Assert.NotNull(device.ValidateFeatures(FeatureSet.Of(BlkFeatureBit.Ro)));
    }
}

public class BlkResizeTests
{
    [Fact]
    public void A_resize_shows_the_new_capacity_and_raises_config_changed()
    {
        var kit = new BlkTestKit(sectors: 100);
        int changes = 0;
        kit.Device.ConfigChanged += () => changes++;
        kit.Write(99, BlkTestKit.Pattern(512, 1));
        kit.Store.Resize(50);
        kit.Device.NotifyCapacityChanged();
        Assert.Equal(1, changes);
        var capacity = new byte[8];
        kit.Device.ReadConfig(0, capacity);
        Assert.Equal(50UL, BitConverter.ToUInt64(capacity));
        Assert.Equal(BlkStatus.IoErr, kit.Read(99, 512).Status);
        kit.Store.Resize(100);
        Assert.Equal(new byte[512], kit.Read(99, 512).Data);
    }
}

public class BlkNegotiationTests
{
    [Fact]
    public void Writeback_is_settled_at_features_ok_and_reset_keeps_the_data()
    {
        var store = new MemoryBlockStore(64);
        var device = new BlkDevice(store);
        Assert.Null(device.ValidateFeatures(FeatureSet.Of(FeatureBit.Version1, BlkFeatureBit.ConfigWce)));
        var b = new byte[1];
        device.ReadConfig(BlkConfigLayout.Writeback, b);
        Assert.Equal(0, b[0]); // CONFIG_WCE without FLUSH starts writethrough (spec 5.2.5.2)
        Assert.Equal(WriteCacheMode.Writethrough, store.CacheMode);

        Assert.Null(device.ValidateFeatures(FeatureSet.Of(FeatureBit.Version1, BlkFeatureBit.ConfigWce, BlkFeatureBit.Flush)));
        device.ReadConfig(BlkConfigLayout.Writeback, b);
        Assert.Equal(1, b[0]);
        device.Activate(FeatureSet.Of(FeatureBit.Version1, BlkFeatureBit.ConfigWce, BlkFeatureBit.Flush));
        Assert.True(device.IsActive);

        var data = new byte[512];
        data[0] = 7;
        Assert.True(store.TryWrite(1, data));
        device.Reset();
        Assert.False(device.IsActive);
        var back = new byte[512];
        Assert.True(store.TryRead(1, back));
        Assert.Equal(7, back[0]);
    }
}
