using System.Collections;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// A virtio-net driver against a real device: receive ring 0 kept full of buffers, transmit ring 1 fed with
/// <see cref="FramePattern"/> frames (at most one receive ring's worth outstanding, so a forwarding device never
/// finds the receive ring empty), every received frame rebuilt and compared. Ends when every frame came back, or
/// when nothing moved for the timeout (the missing frames are then lost).
/// </summary>
public static class NetDriver
{
    /// <summary>The virtio-net header with VERSION_1 (num_buffers included).</summary>
    public const int NetHeaderSize = 12;

    private const int TxSlotSize = 2048;

    /// <summary>Negotiates, sets up both rings and runs the traffic; <paramref name="session"/> is left with the rings stopped.</summary>
    /// <exception cref="VhostUserProtocolException">The device broke the protocol or a ring.</exception>
    public static NetDriveResult Run(FrontendSession session, VhostUserDriveOptions options, TextWriter? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        ulong packed = options.Packed ? 1UL << FeatureBit.RingPacked : 0;
        ulong wanted = (1UL << FeatureBit.Version1) | packed |
                       (options.MergeableRxBuffers ? 1UL << NetFeatureBit.MrgRxbuf : 0) |
                       (options.EventIdx ? 1UL << FeatureBit.EventIdx : 0) |
                       (options.InOrder ? 1UL << FeatureBit.InOrder : 0);
        ulong features = session.Negotiate(wanted, (1UL << FeatureBit.Version1) | packed);
        bool mergeable = (features & (1UL << NetFeatureBit.MrgRxbuf)) != 0;
        var format = options.Packed ? QueueFormat.Packed : QueueFormat.Split;
        ushort size = options.QueueSize;
        var ringFeatures = new FeatureSet(features, 0);

        int frameBytes = NetHeaderSize + options.FrameSize;
        // Without MRG_RXBUF a frame must fit one receive buffer.
        int rxBufferSize = mergeable ? options.RxBufferSize : Math.Max(options.RxBufferSize, frameBytes);
        ulong bytes = 2 * (24UL * size + 4 * 4096) + (ulong)size * (ulong)(rxBufferSize + TxSlotSize) + (1 << 20);
        using var memory = new FrontendMemory(bytes);
        using var rx = FrontendRing.Create(0, format, size, ringFeatures, memory);
        using var tx = FrontendRing.Create(1, format, size, ringFeatures, memory);
        ulong rxBase = memory.Allocate((ulong)size * (ulong)rxBufferSize, 4096);
        ulong txBase = memory.Allocate((ulong)size * TxSlotSize, 4096);
        FrontendRing[] rings = [rx, tx];
        session.ShareMemory(memory);
        session.StartRings(rings, memory);

        var run = new Traffic(memory, rx, tx, rxBase, rxBufferSize, txBase, options, mergeable);
        run.Loop(session, rings, progress, ct);
        session.StopRings(rings);
        run.Result.Kicks = rx.Kicks + tx.Kicks;
        run.Result.Calls = rx.Calls + tx.Calls;
        return run.Result;
    }

    /// <summary>The state of one run: buffer slots, in-flight tables, the frame being reassembled.</summary>
    private sealed class Traffic
    {
        private readonly FrontendMemory _memory;
        private readonly FrontendRing _rx, _tx;
        private readonly ulong _rxBase, _txBase;
        private readonly int _rxBufferSize, _window;
        private readonly VhostUserDriveOptions _options;
        private readonly bool _mergeable;
        private readonly InFlightTable<int> _rxInFlight, _txInFlight;
        private readonly Stack<int> _freeTxSlots = new();
        private readonly BitArray _seen;
        private readonly byte[] _frame;
        private readonly byte[] _pattern;
        private int _frameLength, _buffersLeft, _buffersInFrame;

        public Traffic(FrontendMemory memory, FrontendRing rx, FrontendRing tx, ulong rxBase, int rxBufferSize, ulong txBase, VhostUserDriveOptions options, bool mergeable)
        {
            _rxBufferSize = rxBufferSize;
            // At most as many frames outstanding as the receive ring can hold, so a forwarding device never finds it empty.
            int buffersPerFrame = (NetHeaderSize + options.FrameSize + rxBufferSize - 1) / rxBufferSize;
            _window = Math.Max(1, options.QueueSize / buffersPerFrame);
            _memory = memory;
            _rx = rx;
            _tx = tx;
            _rxBase = rxBase;
            _txBase = txBase;
            _options = options;
            _mergeable = mergeable;
            int size = options.QueueSize;
            _rxInFlight = new InFlightTable<int>(size);
            _txInFlight = new InFlightTable<int>(size);
            for (int slot = size - 1; slot >= 0; slot--) _freeTxSlots.Push(slot);
            _seen = new BitArray((int)Math.Min(options.Frames, int.MaxValue));
            _frame = new byte[64 * 1024];
            _pattern = new byte[NetHeaderSize + options.FrameSize];
        }

        public NetDriveResult Result { get; } = new();

        public void Loop(FrontendSession session, FrontendRing[] rings, TextWriter? progress, CancellationToken ct)
        {
            var time = _options.Time;
            for (int slot = 0; slot < _options.QueueSize; slot++) PostReceive(slot);
            _rx.Publish();
            long lastProgress = time.GetTimestamp(), lastReport = lastProgress;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                bool moved = ReapTransmitted() | ReapReceived() | Send();
                if (Result.FramesSent == _options.Frames && Result.FramesReceived >= Result.FramesSent) break;
                if (moved)
                {
                    lastProgress = time.GetTimestamp();
                    if (progress != null && time.GetElapsedTime(lastReport) >= TimeSpan.FromSeconds(1))
                    {
                        lastReport = lastProgress;
                        progress.WriteLine($"virtsim: net sent {Result.FramesSent} of {_options.Frames}, received {Result.FramesReceived}, verified {Result.FramesVerified}");
                    }
                    continue;
                }
                if (time.GetElapsedTime(lastProgress) >= _options.Timeout) break; // the outstanding frames are lost
                // Ask for interrupts before sleeping; buffers that arrived meanwhile are taken at once.
                if (_rx.Queue.SetInterrupts(true) | _tx.Queue.SetInterrupts(true)) continue;
                session.WaitForCalls(rings, 20);
            }
        }

        private void PostReceive(int slot)
        {
            var segment = new BufferSegment(_rxBase + (ulong)slot * (ulong)_rxBufferSize, (uint)_rxBufferSize, true);
            if (!_rx.Queue.TryAdd([segment], false, out ushort id)) throw new InvalidOperationException("the receive ring is full");
            _rxInFlight.Add(id, slot);
        }

        private bool ReapTransmitted()
        {
            bool any = false;
            TakeResult taken;
            while ((taken = _tx.Queue.TryTakeUsed(out var used)) == TakeResult.Taken)
            {
                if (!_txInFlight.TryComplete(used.Id, out int slot))
                    throw new VhostUserProtocolException($"ring 1: the device returned buffer id {used.Id}, which is not in flight");
                _freeTxSlots.Push(slot);
                Result.FramesTransmitted++;
                any = true;
            }
            if (taken == TakeResult.Broken) _tx.CheckHealthy();
            return any;
        }

        private bool ReapReceived()
        {
            bool any = false;
            TakeResult taken;
            while ((taken = _rx.Queue.TryTakeUsed(out var used)) == TakeResult.Taken)
            {
                if (!_rxInFlight.TryComplete(used.Id, out int slot))
                    throw new VhostUserProtocolException($"ring 0: the device returned buffer id {used.Id}, which is not in flight");
                if (used.WrittenLength > _rxBufferSize)
                    throw new VhostUserProtocolException($"ring 0: the device wrote {used.WrittenLength} bytes into a {_rxBufferSize}-byte buffer");
                Accept(_rxBase + (ulong)slot * (ulong)_rxBufferSize, (int)used.WrittenLength);
                PostReceive(slot);
                any = true;
            }
            if (taken == TakeResult.Broken) _rx.CheckHealthy();
            if (any) _rx.Publish();
            return any;
        }

        /// <summary>Appends one used receive buffer to the frame being assembled; verifies the frame when complete.</summary>
        private void Accept(ulong address, int length)
        {
            if (_buffersLeft == 0)
            {
                _frameLength = 0;
                _buffersLeft = 1;
                if (_mergeable && length >= NetHeaderSize && _memory.Memory.TryReadU16(address + 10, out ushort buffers))
                    _buffersLeft = Math.Max((int)buffers, 1);
                _buffersInFrame = _buffersLeft;
            }
            if (_frameLength + length <= _frame.Length)
                _memory.Memory.TryRead(address, _frame.AsSpan(_frameLength, length));
            _frameLength += length;
            if (--_buffersLeft > 0) return;
            Result.FramesReceived++;
            if (_buffersInFrame > 1) Result.MergedFrames++;
            if (_frameLength > _frame.Length || _frameLength < NetHeaderSize) { Result.Mismatches++; return; }
            ulong? sequence = FramePattern.Verify(_frame.AsSpan(NetHeaderSize, _frameLength - NetHeaderSize), _options.Seed, _options.FrameSize);
            if (sequence is not { } s || s >= (ulong)_seen.Length) { Result.Mismatches++; return; }
            if (_seen[(int)s]) { Result.Duplicates++; return; }
            _seen[(int)s] = true;
            Result.FramesVerified++;
        }

        private bool Send()
        {
            bool any = false;
            while (Result.FramesSent < _options.Frames && Result.FramesSent - Result.FramesReceived < _window && _freeTxSlots.Count > 0)
            {
                int slot = _freeTxSlots.Peek();
                ulong address = _txBase + (ulong)slot * TxSlotSize;
                // A zero virtio-net header: no offloads; num_buffers is unused on transmit.
                _pattern.AsSpan(0, NetHeaderSize).Clear();
                FramePattern.Write(_pattern.AsSpan(NetHeaderSize), _options.Seed, (ulong)Result.FramesSent);
                _memory.Memory.TryWrite(address, _pattern);
                if (!_tx.Queue.TryAdd([new BufferSegment(address, (uint)_pattern.Length, false)], false, out ushort id)) break;
                _freeTxSlots.Pop();
                _txInFlight.Add(id, slot);
                Result.FramesSent++;
                any = true;
            }
            if (any) _tx.Publish();
            return any;
        }
    }
}
