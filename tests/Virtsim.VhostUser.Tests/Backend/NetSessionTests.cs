using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Tests.Backend;

public class NetSessionTests
{
    [Theory]
    [InlineData(QueueFormat.Split)]
    [InlineData(QueueFormat.Packed)]
    public void Transmitted_frames_are_counted_and_returned(QueueFormat format)
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net);
        var (_, tx, _) = f.StartNet(format);
        f.Transmit(tx, 40);
        Assert.True(Wait.Until(() => net.FramesFromDriver == 40), $"served {net.FramesFromDriver} of 40");
        int used = 0;
        Assert.True(Wait.Until(() => { while (tx.TryTakeUsed(out _) == TakeResult.Taken) used++; return used == 40; }));
        Assert.Equal(40 * 60, net.Net.Statistics.TxBytes);
    }

    [Theory]
    [InlineData(false, 40)] // one used descriptor per frame
    [InlineData(true, 2)]   // IN_ORDER: one per burst of 32 (32 + 8 in one pass)
    public void Packed_transmit_rings_publish_one_used_descriptor_per_in_order_burst(bool inOrder, int usedWritten)
    {
        var (f, net, rx, _) = TransmitFortyFrames(QueueFormat.Packed, inOrder);
        using (f)
        {
            Assert.True(net.BatchesInOrderCompletions(1));
            Assert.False(net.BatchesInOrderCompletions(0));
            Assert.Equal(usedWritten, UsedSlots(f, SessionFixture.TxRing, 40));
            // Receive buffers are written only in part, and real drivers read each used length: never merged.
            ReceiveTenFrames(f, net, rx);
            Assert.Equal(10, UsedSlots(f, SessionFixture.RxRing, 16));
        }
    }

    [Theory]
    [InlineData(false, 0)]  // one used entry per frame: entry 0 names buffer 0
    [InlineData(true, 39)]  // IN_ORDER: one entry for the pass's batch, at its start, naming its last buffer
    public void Split_transmit_rings_write_one_used_entry_per_in_order_batch(bool inOrder, uint firstEntryId)
    {
        var (f, net, rx, tx) = TransmitFortyFrames(QueueFormat.Split, inOrder);
        using (f)
        {
            ulong used = tx.Config.DeviceArea;
            Assert.True(f.Ram.Memory.TryReadU16(used + Virtio.Queues.Split.SplitLayout.UsedIndexOffset, out ushort usedIdx));
            Assert.Equal(40, usedIdx);
            Assert.True(f.Ram.Memory.TryReadU32(used + Virtio.Queues.Split.SplitLayout.UsedRingOffset, out uint firstId));
            Assert.Equal(firstEntryId, firstId);
            // Receive rings keep one entry per buffer: each frame's length is its own.
            Assert.All(ReceiveTenFrames(f, net, rx), l => Assert.Equal(112u, l));
        }
    }

    // A session whose driver sent 40 frames in one kick and took all 40 back, with or without IN_ORDER.
    private static (SessionFixture F, NetBackend Net, IDriverQueue Rx, IDriverQueue Tx) TransmitFortyFrames(QueueFormat format, bool inOrder)
    {
        var net = new NetBackend(new NetBackendOptions { InjectFrameSize = 100 });
        var f = new SessionFixture(net);
        try
        {
            var (rx, tx, _) = f.StartNet(format, inOrder ? 1UL << Virtio.Features.FeatureBit.InOrder : 0);
            f.Transmit(tx, 40);
            int taken = 0;
            Assert.True(Wait.Until(() => { while (tx.TryTakeUsed(out _) == TakeResult.Taken) taken++; return taken == 40; }), $"{taken} of 40 came back");
            return (f, net, rx, tx);
        }
        catch
        {
            f.Dispose(); // the caller only disposes what it got
            throw;
        }
    }

    // Injects ten frames into 16 posted receive buffers; returns the lengths the device wrote.
    private static List<uint> ReceiveTenFrames(SessionFixture f, NetBackend net, IDriverQueue rx)
    {
        f.PostReceiveBuffers(rx, 16);
        net.Inject(10);
        var lengths = new List<uint>();
        Assert.True(Wait.Until(() => { while (rx.TryTakeUsed(out var u) == TakeResult.Taken) lengths.Add(u.WrittenLength); return lengths.Count == 10; }));
        return lengths;
    }

    // Ring slots (first lap) whose flags the device wrote as used.
    private static int UsedSlots(SessionFixture f, ulong ring, int slots)
    {
        int used = 0;
        for (int slot = 0; slot < slots; slot++)
        {
            Assert.True(f.Ram.Memory.TryReadU16(PackedLayout.SlotAddress(ring, slot) + PackedLayout.FlagsOffset, out ushort flags));
            if (PackedLayout.IsUsed(flags, true)) used++;
        }
        return used;
    }

    [Theory]
    [InlineData(QueueFormat.Split)]
    [InlineData(QueueFormat.Packed)]
    public void Injected_frames_reach_receive_buffers_with_an_interrupt(QueueFormat format)
    {
        var net = new NetBackend(new NetBackendOptions { InjectFrameSize = 100 });
        using var f = new SessionFixture(net);
        var (rx, _, _) = f.StartNet(format);
        f.PostReceiveBuffers(rx, 16);
        net.Inject(10);
        Assert.True(Wait.Until(() => net.FramesToDriver == 10));
        var lengths = new List<uint>();
        Assert.True(Wait.Until(() => { while (rx.TryTakeUsed(out var u) == TakeResult.Taken) lengths.Add(u.WrittenLength); return lengths.Count == 10; }));
        Assert.All(lengths, l => Assert.Equal(12u + 100u, l));
        // Each buffer holds the next frame of the pattern, in order.
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (ulong?)(ulong)i), ReadReceivedFrames(f, 10, 100).Select(frame => FramePattern.Verify(frame, NetBackend.InjectSeed, 100)));
        Assert.True(f.Front.Calls[0].TryConsume() > 0, "no interrupt on the receive ring");
    }

    [Theory]
    [InlineData(QueueFormat.Split)]
    [InlineData(QueueFormat.Packed)]
    public void Injected_frames_sent_back_intact_are_counted_as_verified_and_altered_ones_are_not(QueueFormat format)
    {
        var net = new NetBackend(new NetBackendOptions { InjectFrameSize = 100 });
        using var f = new SessionFixture(net);
        var (rx, tx, _) = f.StartNet(format);
        f.PostReceiveBuffers(rx, 16);
        net.Inject(10);
        Assert.True(Wait.Until(() => net.FramesToDriver == 10));
        var frames = ReadReceivedFrames(f, 10, 100);
        frames[3][50] ^= 1; // one payload bit
        frames[7] = frames[7][..99]; // one byte short
        f.TransmitFrames(tx, frames);
        Assert.True(Wait.Until(() => net.FramesFromDriver == 10), $"served {net.FramesFromDriver} of 10");
        Assert.Equal(8, net.FramesVerified);
    }

    // The frames the device wrote into the first receive buffers, behind their 12-byte headers.
    private static List<byte[]> ReadReceivedFrames(SessionFixture f, int count, int frameSize)
    {
        var frames = new List<byte[]>();
        for (int i = 0; i < count; i++)
        {
            var frame = new byte[frameSize];
            Assert.True(f.Ram.Memory.TryRead(SessionFixture.RxData + (ulong)(i * SessionFixture.BufferSize) + 12, frame));
            frames.Add(frame);
        }
        return frames;
    }

    [Fact]
    public void A_disabled_transmit_ring_returns_buffers_unsent()
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net);
        var (_, tx, _) = f.StartNet(QueueFormat.Split);
        f.Front.Acked(VhostUserRequest.SetVringEnable, new VringState(1, 0).ToBytes());
        f.Transmit(tx, 6);
        int used = 0;
        Assert.True(Wait.Until(() => { while (tx.TryTakeUsed(out _) == TakeResult.Taken) used++; return used == 6; }));
        Assert.Equal(0, net.FramesFromDriver);
        Assert.Equal(6, net.FramesDiscarded);
    }

    [Fact]
    public void A_kick_with_nofd_makes_the_back_end_poll_the_ring()
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net);
        var (_, tx, _) = f.StartNet(QueueFormat.Packed);
        f.Front.SendU64(VhostUserRequest.SetVringKick, 1UL | VringFile.NoFdMask);
        f.Front.Acked(VhostUserRequest.SetVringEnable, new VringState(1, 1).ToBytes());
        f.Transmit(tx, 4); // its kick goes to the old eventfd, which the back-end no longer watches
        Assert.True(Wait.Until(() => net.FramesFromDriver == 4), $"polled {net.FramesFromDriver} of 4");
    }

    [Fact]
    public void Get_config_past_the_end_answers_with_an_empty_payload()
    {
        using var f = new SessionFixture(new NetBackend());
        f.Front.Negotiate(1UL << 32);
        f.Front.Send(VhostUserRequest.GetConfig, new ConfigAccess(250, 0, new byte[6]).ToBytes());
        Assert.Empty(f.Front.Reply(VhostUserRequest.GetConfig).Payload);
    }

    [Fact]
    public void Loopback_returns_transmitted_frames_on_the_receive_ring()
    {
        var net = new NetBackend(new NetBackendOptions { Loopback = true });
        using var f = new SessionFixture(net);
        var (rx, tx, _) = f.StartNet(QueueFormat.Split);
        f.PostReceiveBuffers(rx, 32);
        f.Transmit(tx, 20);
        Assert.True(Wait.Until(() => net.FramesToDriver == 20), $"looped back {net.FramesToDriver}");
        Assert.Equal(20, net.FramesFromDriver);
    }

    [Theory]
    [InlineData(QueueFormat.Split)]
    [InlineData(QueueFormat.Packed)]
    public void Get_vring_base_stops_the_ring_and_a_restart_continues_from_it(QueueFormat format)
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net);
        var (_, tx, features) = f.StartNet(format, size: 16);
        f.Transmit(tx, 10);
        Assert.True(Wait.Until(() => net.FramesFromDriver == 10));
        uint baseValue = f.Front.GetVringBase(1);
        if (format == QueueFormat.Split) Assert.Equal(10u, baseValue);
        else Assert.Equal(10u | 1u << 15 | 10u << 16 | 1u << 31, baseValue);
        while (tx.TryTakeUsed(out _) == TakeResult.Taken) { }
        f.Transmit(tx, 3); // the ring is stopped: nothing is served
        Thread.Sleep(50);
        Assert.Equal(10, net.FramesFromDriver);
        f.Front.SetupRing(1, FrontEnd.RingAt(format, 16, SessionFixture.TxRing, features), baseValue);
        f.Front.Kicks[1].Signal();
        Assert.True(Wait.Until(() => net.FramesFromDriver == 13), $"after restart {net.FramesFromDriver}");
        f.Transmit(tx, 10); // wraps the 16-entry ring
        Assert.True(Wait.Until(() => net.FramesFromDriver == 23), $"after wrap {net.FramesFromDriver}");
    }

    [Fact]
    public void A_second_memory_table_while_running_remaps_and_rings_continue()
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net);
        var (_, tx, _) = f.StartNet(QueueFormat.Split);
        f.Transmit(tx, 5);
        Assert.True(Wait.Until(() => net.FramesFromDriver == 5));
        var old = f.Session.MemoryMap;
        f.Front.SetMemTable();
        Assert.Equal(2, f.Session.MemoryTables);
        Assert.NotSame(old, f.Session.MemoryMap);
        while (tx.TryTakeUsed(out _) == TakeResult.Taken) { }
        f.Transmit(tx, 7);
        Assert.True(Wait.Until(() => net.FramesFromDriver == 12), $"after remap {net.FramesFromDriver}");
    }

    [Fact]
    public void Set_vring_addr_on_a_running_ring_turns_logging_on_without_stopping_it()
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net);
        var (_, tx, features) = f.StartNet(QueueFormat.Split);
        f.Transmit(tx, 3);
        Assert.True(Wait.Until(() => net.FramesFromDriver == 3));
        var config = FrontEnd.RingAt(QueueFormat.Split, 64, SessionFixture.TxRing, features);
        f.Front.Acked(VhostUserRequest.SetVringAddr, new VringAddress(1, VringAddress.LogFlag, f.Ram.UserOf(config.DescriptorArea),
            f.Ram.UserOf(config.DeviceArea), f.Ram.UserOf(config.DriverArea), config.DeviceArea).ToBytes());
        while (tx.TryTakeUsed(out _) == TakeResult.Taken) { }
        f.Transmit(tx, 4);
        Assert.True(Wait.Until(() => net.FramesFromDriver == 7), $"after SET_VRING_ADDR {net.FramesFromDriver}");
    }

    [Fact]
    public void Control_requests_answer_as_the_spec_says()
    {
        var net = new NetBackend(new NetBackendOptions { QueuePairs = 2 });
        using var f = new SessionFixture(net);
        f.Front.Negotiate(1UL << 32);
        Assert.Equal(2UL, f.Front.GetU64(VhostUserRequest.GetQueueNum));
        f.Front.Send(VhostUserRequest.GetConfig, new ConfigAccess(0, 0, new byte[6]).ToBytes());
        var config = ConfigAccess.Parse(VhostUserRequest.GetConfig, f.Front.Reply(VhostUserRequest.GetConfig).Payload);
        Assert.Equal(net.Net.Mac.ToArray(), config.Data);
        f.Front.Acked(VhostUserRequest.SetStatus, BitConverter.GetBytes(0xBUL));
        Assert.Equal(0xBUL, f.Front.GetU64(VhostUserRequest.GetStatus));
        f.Front.Acked(VhostUserRequest.SetVringNum, new VringState(3, 256).ToBytes());
        f.Front.Acked(VhostUserRequest.ResetDevice, []);
        Assert.Equal(0UL, f.Front.GetU64(VhostUserRequest.GetStatus));
    }

    [Fact]
    public void Dirty_log_marks_the_pages_the_back_end_wrote()
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net);
        var (rx, _, features) = f.StartNet(QueueFormat.Split);
        using var log = SharedMemoryFile.Create("virtsim-test-log", 4096);
        ulong logSize = (GuestRam.GuestBase + f.Ram.Size) / 4096 / 8;
        using var bigLog = SharedMemoryFile.Create("virtsim-test-log2", logSize);
        f.Front.Send(VhostUserRequest.SetLogBase, new LogDescription(logSize, 0).ToBytes(), false, bigLog.Fd);
        f.Front.Reply(VhostUserRequest.SetLogBase);
        f.Front.Acked(VhostUserRequest.SetFeatures, BitConverter.GetBytes(features | 1UL << VhostUserFeatures.LogAll));
        f.PostReceiveBuffers(rx, 4);
        net.Inject(1);
        Assert.True(Wait.Until(() => net.FramesToDriver == 1));
        f.Front.GetVringBase(0); // flushes the log before answering
        Assert.True(f.Session.DirtyLog!.PagesFlushed > 0, "nothing flushed");
        static bool Dirty(ReadOnlySpan<byte> bitmap, ulong gpa) => (bitmap[(int)(gpa / 4096 / 8)] & (1 << (int)(gpa / 4096 % 8))) != 0;
        Assert.True(Dirty(bigLog.Span, SessionFixture.RxData), "the receive buffer page is not dirty");
        Assert.True(Dirty(bigLog.Span, SessionFixture.RxRing + 0x2000), "the used ring page is not dirty");
        Assert.False(Dirty(bigLog.Span, SessionFixture.TxData), "an untouched page is dirty");
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_closes_the_connection_and_nothing_else(string name, Action<FrontEnd> send)
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net);
        f.Front.Negotiate(1UL << 32);
        f.Front.SetMemTable();
        send(f.Front);
        var end = await f.Serving.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(end.Kind == SessionEndKind.ProtocolError, $"{name}: {end}");
        Assert.NotEmpty(end.Reason);
    }

    public static TheoryData<string, Action<FrontEnd>> BadRequests() => new()
    {
        { "ring outside the table", fe => fe.Send(VhostUserRequest.SetVringAddr, new VringAddress(0, 0, 0x1000, 0x2000, 0x3000, 0).ToBytes()) },
        { "ring index out of range", fe => fe.Send(VhostUserRequest.SetVringNum, new VringState(99, 64).ToBytes()) },
        { "ring size zero", fe => fe.Send(VhostUserRequest.SetVringNum, new VringState(0, 0).ToBytes()) },
        { "features not offered", fe => fe.SendU64(VhostUserRequest.SetFeatures, 1UL << 63) },
        { "unsupported request", fe => fe.Send(VhostUserRequest.GetMaxMemSlots, []) },
        { "overlapping regions", fe => fe.Send(VhostUserRequest.SetMemTable, new MemoryTable([
            new MemoryRegionDescription(0, 0x2000, 0x10000, 0), new MemoryRegionDescription(0x1000, 0x2000, 0x20000, 0)]).ToBytes(), false, fe.Ram.File.Fd, fe.Ram.File.Fd) },
        { "region larger than its file", fe => fe.Send(VhostUserRequest.SetMemTable, new MemoryTable([
            new MemoryRegionDescription(GuestRam.GuestBase, fe.Ram.Size * 2, GuestRam.UserBase, 0)]).ToBytes(), false, fe.Ram.File.Fd) },
        { "region offset past its file", fe => fe.Send(VhostUserRequest.SetMemTable, new MemoryTable([
            new MemoryRegionDescription(GuestRam.GuestBase, 0x1000, GuestRam.UserBase, fe.Ram.Size)]).ToBytes(), false, fe.Ram.File.Fd) },
        { "wrong payload size", fe => fe.Connection.Send(new VhostUserMessage(new VhostUserHeader(VhostUserRequest.SetVringNum, VhostUserHeaderFlags.Version1, 4), new byte[4])) },
        { "kick without fd or NOFD", fe => fe.SendU64(VhostUserRequest.SetVringKick, 0) },
        { "two fds on a kick", fe => fe.SendU64(VhostUserRequest.SetVringKick, 0, false, fe.Ram.File.Fd, fe.Ram.File.Fd) },
        { "memory table fd count mismatch", fe => fe.Send(VhostUserRequest.SetMemTable, fe.MemTablePayload(), false) },
        { "config write past the end", fe => fe.Send(VhostUserRequest.SetConfig, new ConfigAccess(250, 0, new byte[6]).ToBytes()) },
        { "bad version", fe => fe.Connection.Send(new VhostUserMessage(new VhostUserHeader(VhostUserRequest.GetFeatures, (VhostUserHeaderFlags)2, 0), [])) },
    };
}
