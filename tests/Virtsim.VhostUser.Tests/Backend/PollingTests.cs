using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Tests.Backend;

/// <summary>
/// Busy-polling: while the back-end polls a ring it turns the driver's doorbells off; a driver that kicks only when
/// the ring asks for it (as DPDK's does) must still get every frame served, whenever polling starts and stops.
/// </summary>
public class PollingTests
{
    [Theory]
    [InlineData(QueueFormat.Split, false)]
    [InlineData(QueueFormat.Split, true)]
    [InlineData(QueueFormat.Packed, false)]
    [InlineData(QueueFormat.Packed, true)]
    public void A_driver_that_kicks_only_when_asked_never_stalls(QueueFormat format, bool eventIdx)
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net);
        var (_, tx, _) = f.StartNet(format, eventIdx ? 1UL << FeatureBit.EventIdx : 0);
        var random = new Random(7);
        int sent = 0, kicks = 0, skipped = 0;
        var frame = new byte[12 + 60];
        for (int burst = 0; burst < 300; burst++)
        {
            int count = random.Next(1, 8);
            for (int i = 0; i < count; i++)
            {
                while (tx.TryTakeUsed(out _) == TakeResult.Taken) { }
                if (tx.FreeDescriptors == 0) Assert.True(Wait.Until(() => tx.TryTakeUsed(out _) == TakeResult.Taken), $"stalled after {sent} frames");
                ulong address = SessionFixture.TxData + (ulong)(sent % 64 * SessionFixture.BufferSize);
                Assert.True(f.Ram.Memory.TryWrite(address, frame));
                Assert.True(tx.TryAdd([new BufferSegment(address, (uint)frame.Length, false)], false, out _));
                sent++;
            }
            if (tx.PublishAvailable()) { f.Front.Kicks[1].Signal(); kicks++; }
            else skipped++;
            if (random.Next(4) == 0) Thread.Sleep(random.Next(2)); // sometimes long enough for polling to stop
        }
        Assert.True(Wait.Until(() => net.FramesFromDriver == sent), $"{net.FramesFromDriver} of {sent} frames served ({kicks} kicks, {skipped} skipped)");
        // Once idle past the budget the ring asks for doorbells again.
        Assert.True(Wait.Until(() => !f.Session.Rings[1].Polling));
        Assert.False(f.Session.Rings[1].Broken);
    }

    [Fact]
    public void With_a_zero_budget_every_batch_asks_for_a_doorbell()
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net, TimeSpan.Zero);
        var (_, tx, _) = f.StartNet(QueueFormat.Split);
        var frame = new byte[12 + 60];
        for (int burst = 0; burst < 50; burst++)
        {
            while (tx.TryTakeUsed(out _) == TakeResult.Taken) { }
            ulong address = SessionFixture.TxData + (ulong)(burst % 64 * SessionFixture.BufferSize);
            Assert.True(f.Ram.Memory.TryWrite(address, frame));
            Assert.True(tx.TryAdd([new BufferSegment(address, (uint)frame.Length, false)], false, out _));
            Assert.True(tx.PublishAvailable(), $"burst {burst}: doorbells were turned off");
            f.Front.Kicks[1].Signal();
            Assert.True(Wait.Until(() => net.FramesFromDriver == burst + 1));
            Assert.False(f.Session.Rings[1].Polling);
        }
    }

    [Theory]
    [InlineData(QueueFormat.Split)]
    [InlineData(QueueFormat.Packed)]
    public void Disabling_a_polled_ring_ends_the_polling_and_asks_for_doorbells_again(QueueFormat format)
    {
        var net = new NetBackend();
        using var f = new SessionFixture(net, TimeSpan.FromHours(1)); // polling would never end by itself
        var (_, tx, _) = f.StartNet(format);
        f.Transmit(tx, 4);
        Assert.True(Wait.Until(() => net.FramesFromDriver == 4));
        Assert.True(Wait.Until(() => f.Session.Rings[1].Polling), "the ring did not start polling");

        f.Front.Acked(VhostUserRequest.SetVringEnable, new VringState(1, 0).ToBytes());
        Assert.False(f.Session.Rings[1].Polling);
        // The driver is asked to kick again, and what it kicks comes back unsent, as on any disabled ring.
        while (tx.TryTakeUsed(out _) == TakeResult.Taken) { }
        var frame = new byte[12 + 60];
        for (int i = 0; i < 2; i++)
        {
            ulong address = SessionFixture.TxData + (ulong)((8 + i) * SessionFixture.BufferSize);
            Assert.True(f.Ram.Memory.TryWrite(address, frame));
            Assert.True(tx.TryAdd([new BufferSegment(address, (uint)frame.Length, false)], false, out _));
        }
        Assert.True(tx.PublishAvailable(), "the doorbells are still off");
        f.Front.Kicks[1].Signal();
        int used = 0;
        Assert.True(Wait.Until(() => { while (tx.TryTakeUsed(out _) == TakeResult.Taken) used++; return used == 2; }), $"{used} of 2 back");
        Assert.Equal(2, net.FramesDiscarded);
        Assert.Equal(4, net.FramesFromDriver);
    }
}
