using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Tests.Harness;

/// <summary>A back-end session running on its own thread, a front-end talking to it over a socketpair, and guest RAM.</summary>
internal sealed class SessionFixture : IDisposable
{
    private readonly CancellationTokenSource _cts = new();

    public SessionFixture(VhostUserDevice device, TimeSpan? pollingBudget = null)
    {
        Device = device;
        Ram = new GuestRam();
        var (a, b) = VhostUserConnection.CreatePair(TimeSpan.FromSeconds(2));
        ServerConnection = b;
        Session = pollingBudget is { } budget ? new VhostUserSession(device) { PollingBudget = budget } : new VhostUserSession(device);
        Front = new FrontEnd(a, Ram);
        Serving = Task.Factory.StartNew(() => Session.Run(b, _cts.Token), TaskCreationOptions.LongRunning);
    }

    public VhostUserDevice Device { get; }
    public GuestRam Ram { get; }
    public VhostUserConnection ServerConnection { get; }
    public VhostUserSession Session { get; }
    public FrontEnd Front { get; }
    public Task<SessionEnd> Serving { get; }

    public const ulong RxRing = GuestRam.GuestBase + 0x10000;
    public const ulong TxRing = GuestRam.GuestBase + 0x20000;
    public const ulong RxData = GuestRam.GuestBase + 0x100000;
    public const ulong TxData = GuestRam.GuestBase + 0x200000;
    public const int BufferSize = 2048;

    /// <summary>Negotiates, shares memory and sets up net rings 0 (rx) and 1 (tx); returns the driver queues.</summary>
    public (IDriverQueue Rx, IDriverQueue Tx, ulong Features) StartNet(QueueFormat format, ulong extraFeatures = 0, ushort size = 64)
    {
        ulong wanted = (1UL << FeatureBit.Version1) | (1UL << NetFeatureBit.MrgRxbuf) | extraFeatures |
                       (format == QueueFormat.Packed ? 1UL << FeatureBit.RingPacked : 0);
        ulong features = Front.Negotiate(wanted);
        Front.SetMemTable();
        var rxConfig = FrontEnd.RingAt(format, size, RxRing, features);
        var txConfig = FrontEnd.RingAt(format, size, TxRing, features);
        Front.SetupRing(0, rxConfig);
        Front.SetupRing(1, txConfig);
        return (Virtqueue.CreateDriver(rxConfig, Ram.Memory), Virtqueue.CreateDriver(txConfig, Ram.Memory), features);
    }

    /// <summary>Queues <paramref name="count"/> transmit frames (12-byte header + <paramref name="frameSize"/> bytes) and kicks.</summary>
    public void Transmit(IDriverQueue tx, int count, int frameSize = 60)
    {
        for (int i = 0; i < count; i++)
        {
            while (tx.FreeDescriptors == 0 && tx.TryTakeUsed(out _) == TakeResult.Taken) { }
            ulong address = TxData + (ulong)((i % 64) * BufferSize);
            var frame = new byte[12 + frameSize];
            frame.AsSpan(12, 6).Fill(0xFF);
            frame[12 + 6] = (byte)i;
            Assert.True(Ram.Memory.TryWrite(address, frame));
            Assert.True(tx.TryAdd([new BufferSegment(address, (uint)frame.Length, false)], false, out _), "the transmit ring is full");
        }
        tx.PublishAvailable();
        Front.Kicks[1].Signal();
    }

    /// <summary>Queues each of <paramref name="frames"/> (behind a zero 12-byte header) in its own transmit buffer and kicks.</summary>
    public void TransmitFrames(IDriverQueue tx, IReadOnlyList<byte[]> frames)
    {
        for (int i = 0; i < frames.Count; i++)
        {
            ulong address = TxData + (ulong)((i % 64) * BufferSize);
            var buffer = new byte[12 + frames[i].Length];
            frames[i].CopyTo(buffer, 12);
            Assert.True(Ram.Memory.TryWrite(address, buffer));
            Assert.True(tx.TryAdd([new BufferSegment(address, (uint)buffer.Length, false)], false, out _), "the transmit ring is full");
        }
        tx.PublishAvailable();
        Front.Kicks[1].Signal();
    }

    /// <summary>Makes <paramref name="count"/> receive buffers available and kicks.</summary>
    public void PostReceiveBuffers(IDriverQueue rx, int count, int offset = 0)
    {
        for (int i = 0; i < count; i++)
        {
            ulong address = RxData + (ulong)(((i + offset) % 64) * BufferSize);
            Assert.True(rx.TryAdd([new BufferSegment(address, BufferSize, true)], false, out _));
        }
        rx.PublishAvailable();
        Front.Kicks[0].Signal();
    }

    public SessionEnd Stop()
    {
        _cts.Cancel();
        Assert.True(Serving.Wait(5000), "the session did not stop");
        return Serving.Result;
    }

    public void Dispose()
    {
        _cts.Cancel();
        Serving.Wait(5000);
        Session.Dispose();
        Front.Dispose();
        ServerConnection.Dispose();
        Ram.Dispose();
    }
}
