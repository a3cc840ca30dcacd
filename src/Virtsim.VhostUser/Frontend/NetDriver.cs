using System.Collections;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// A virtio-net driver against a real device: for each queue pair (receive ring 2p, transmit ring 2p + 1; more than
/// one pair negotiates VIRTIO_NET_F_MQ) the receive ring is kept full of buffers and the transmit ring fed with
/// <see cref="FramePattern"/> frames, frame s on pair s mod N (at most one receive ring's worth outstanding per
/// pair, so a forwarding device never finds a receive ring empty); every received frame is rebuilt and compared.
/// Ends when every frame came back, or when nothing moved for the timeout (the missing frames are then lost).
/// </summary>
public static class NetDriver
{
    private const int TxSlotSize = 2048;

    /// <summary>Negotiates, sets up the rings of every queue pair and runs the traffic; <paramref name="session"/> is left with the rings stopped.</summary>
    /// <exception cref="VhostUserProtocolException">The device broke the protocol or a ring, or cannot serve the queue pairs asked for.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> fired.</exception>
    public static NetDriveResult Run(FrontendSession session, VhostUserDriveOptions options, TextWriter? progress, CancellationToken ct) =>
        Run(session, options, new NetDriveResult(), progress, ct);

    /// <summary>
    /// As <see cref="Run(FrontendSession, VhostUserDriveOptions, TextWriter?, CancellationToken)"/>, counting into
    /// <paramref name="result"/>, which keeps what was counted when the run ends with an exception (a signal, a device error).
    /// </summary>
    public static NetDriveResult Run(FrontendSession session, VhostUserDriveOptions options, NetDriveResult result, TextWriter? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(result);
        int pairs = options.QueuePairs;
        ulong packed = options.Packed ? 1UL << FeatureBit.RingPacked : 0;
        ulong mq = pairs > 1 ? 1UL << NetFeatureBit.Mq : 0;
        ulong wanted = (1UL << FeatureBit.Version1) | packed | mq |
                       (options.MergeableRxBuffers ? 1UL << NetFeatureBit.MrgRxbuf : 0) |
                       (options.EventIdx ? 1UL << FeatureBit.EventIdx : 0) |
                       (options.InOrder ? 1UL << FeatureBit.InOrder : 0);
        ulong features = session.Negotiate(wanted, (1UL << FeatureBit.Version1) | packed | mq);
        if (pairs > 1) CheckQueuePairs(session, pairs);
        bool mergeable = (features & (1UL << NetFeatureBit.MrgRxbuf)) != 0;
        var format = options.Packed ? QueueFormat.Packed : QueueFormat.Split;
        ushort size = options.QueueSize;
        var ringFeatures = new FeatureSet(features, 0);

        int frameBytes = NetHeader.Size + options.FrameSize;
        // Without MRG_RXBUF a frame must fit one receive buffer.
        int rxBufferSize = mergeable ? options.RxBufferSize : Math.Max(options.RxBufferSize, frameBytes);
        ulong perPair = 2 * FrontendRing.Footprint(format, size) + (ulong)size * (ulong)(rxBufferSize + TxSlotSize) + 2 * 4096;
        using var memory = new FrontendMemory((ulong)pairs * perPair + (1 << 20));
        var rings = new FrontendRing[2 * pairs];
        try
        {
            var queuePairs = new Pair[pairs];
            for (int p = 0; p < pairs; p++)
            {
                var rx = rings[2 * p] = FrontendRing.Create(2 * p, format, size, ringFeatures, memory);
                var tx = rings[2 * p + 1] = FrontendRing.Create(2 * p + 1, format, size, ringFeatures, memory);
                ulong rxBase = memory.Allocate((ulong)size * (ulong)rxBufferSize, 4096);
                ulong txBase = memory.Allocate((ulong)size * TxSlotSize, 4096);
                queuePairs[p] = new Pair(p, rx, tx, rxBase, txBase, size);
            }
            session.ShareMemory(memory);
            session.StartRings(rings, memory);
            var run = new Traffic(memory, queuePairs, rxBufferSize, options, mergeable, result);
            run.Loop(session, rings, progress, ct);
            session.StopRings(rings);
            return result;
        }
        finally
        {
            foreach (var ring in rings)
            {
                if (ring == null) continue;
                result.Kicks += ring.Kicks;
                result.Calls += ring.Calls;
                ring.Dispose();
            }
        }
    }

    // More than one pair needs the device to say (MQ protocol feature, GET_QUEUE_NUM) that it has them.
    private static void CheckQueuePairs(FrontendSession session, int pairs)
    {
        if (!session.Has(VhostUserProtocolFeature.Mq))
            throw new VhostUserProtocolException(VhostUserRequest.GetProtocolFeatures, $"{pairs} queue pairs need the MQ protocol feature, which the device does not offer");
        if (session.DeviceQueues < (ulong)pairs)
            throw new VhostUserProtocolException(VhostUserRequest.GetQueueNum, $"the device has {session.DeviceQueues} queue pairs, {pairs} were asked for");
    }

    /// <summary>One queue pair's rings, buffers, in-flight tables and the frame being reassembled from its receive ring.</summary>
    private sealed class Pair
    {
        public Pair(int index, FrontendRing rx, FrontendRing tx, ulong rxBase, ulong txBase, int size)
        {
            Index = index;
            Rx = rx;
            Tx = tx;
            RxBase = rxBase;
            TxBase = txBase;
            RxInFlight = new InFlightTable<int>(size);
            TxInFlight = new InFlightTable<int>(size);
            for (int slot = size - 1; slot >= 0; slot--) FreeTxSlots.Push(slot);
        }

        public int Index { get; }
        public FrontendRing Rx { get; }
        public FrontendRing Tx { get; }
        public ulong RxBase { get; }
        public ulong TxBase { get; }
        public InFlightTable<int> RxInFlight { get; }
        public InFlightTable<int> TxInFlight { get; }
        public Stack<int> FreeTxSlots { get; } = new();
        public long Sent, Returned; // frames this pair sent, and those of them verified back (on any pair)
        public int FrameLength, BuffersLeft, BuffersInFrame;
    }

    /// <summary>The state of one run: the queue pairs, the frames seen, the counters.</summary>
    private sealed class Traffic
    {
        private readonly FrontendMemory _memory;
        private readonly Pair[] _pairs;
        private readonly int _rxBufferSize, _window;
        private readonly VhostUserDriveOptions _options;
        private readonly bool _mergeable;
        private readonly BitArray _seen;
        private readonly byte[] _frame; // a frame spread over several receive buffers, gathered

        public Traffic(FrontendMemory memory, Pair[] pairs, int rxBufferSize, VhostUserDriveOptions options, bool mergeable, NetDriveResult result)
        {
            Result = result;
            _rxBufferSize = rxBufferSize;
            // At most as many frames outstanding per pair as a receive ring can hold, so a forwarding device never
            // finds one empty; a frame counts as back when verified, whichever pair it came back on.
            int buffersPerFrame = (NetHeader.Size + options.FrameSize + rxBufferSize - 1) / rxBufferSize;
            _window = Math.Max(1, options.QueueSize / buffersPerFrame);
            _memory = memory;
            _pairs = pairs;
            _options = options;
            _mergeable = mergeable;
            _seen = new BitArray((int)Math.Min(options.Frames, int.MaxValue));
            _frame = new byte[64 * 1024];
            Result.FramesReceivedPerPair = new long[pairs.Length];
        }

        public NetDriveResult Result { get; }

        public void Loop(FrontendSession session, FrontendRing[] rings, TextWriter? progress, CancellationToken ct)
        {
            var time = _options.Time;
            Span<byte> header = stackalloc byte[NetHeader.Size];
            header.Clear();
            foreach (var pair in _pairs)
            {
                // A zero virtio-net header (no offloads; num_buffers is unused on transmit), written once per slot:
                // the device only reads transmit buffers and frames are written after it.
                for (int slot = 0; slot < _options.QueueSize; slot++) _memory.Memory.TryWrite(TxAddress(pair, slot), header);
                for (int slot = 0; slot < _options.QueueSize; slot++) PostReceive(pair, slot);
                pair.Rx.Publish();
            }
            long lastProgress = time.GetTimestamp(), lastReport = lastProgress;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                bool moved = false;
                foreach (var pair in _pairs) moved |= ReapTransmitted(pair) | ReapReceived(pair);
                moved |= Send();
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
                bool arrived = false;
                foreach (var ring in rings) arrived |= ring.Queue.SetInterrupts(true);
                if (arrived) continue;
                session.WaitForCalls(rings, 20);
            }
        }

        private static ulong TxAddress(Pair pair, int slot) => pair.TxBase + (ulong)slot * TxSlotSize;

        private void PostReceive(Pair pair, int slot)
        {
            var segment = new BufferSegment(pair.RxBase + (ulong)slot * (ulong)_rxBufferSize, (uint)_rxBufferSize, true);
            if (!pair.Rx.Queue.TryAdd([segment], false, out ushort id)) throw new InvalidOperationException($"receive ring {pair.Rx.Index} is full");
            pair.RxInFlight.Add(id, slot);
        }

        private bool ReapTransmitted(Pair pair)
        {
            bool any = false;
            TakeResult taken;
            while ((taken = pair.Tx.Queue.TryTakeUsed(out var used)) == TakeResult.Taken)
            {
                if (!pair.TxInFlight.TryComplete(used.Id, out int slot))
                    throw new VhostUserProtocolException($"ring {pair.Tx.Index}: the device returned buffer id {used.Id}, which is not in flight");
                pair.FreeTxSlots.Push(slot);
                Result.FramesTransmitted++;
                any = true;
            }
            if (taken == TakeResult.Broken) pair.Tx.CheckHealthy();
            return any;
        }

        private bool ReapReceived(Pair pair)
        {
            bool any = false;
            TakeResult taken;
            while ((taken = pair.Rx.Queue.TryTakeUsed(out var used)) == TakeResult.Taken)
            {
                if (!pair.RxInFlight.TryComplete(used.Id, out int slot))
                    throw new VhostUserProtocolException($"ring {pair.Rx.Index}: the device returned buffer id {used.Id}, which is not in flight");
                if (used.WrittenLength > _rxBufferSize)
                    throw new VhostUserProtocolException($"ring {pair.Rx.Index}: the device wrote {used.WrittenLength} bytes into a {_rxBufferSize}-byte buffer");
                Accept(pair, pair.RxBase + (ulong)slot * (ulong)_rxBufferSize, (int)used.WrittenLength);
                PostReceive(pair, slot);
                any = true;
            }
            if (taken == TakeResult.Broken) pair.Rx.CheckHealthy();
            if (any) pair.Rx.Publish();
            return any;
        }

        /// <summary>Appends one used receive buffer to the pair's frame being assembled; verifies the frame when complete.</summary>
        private void Accept(Pair pair, ulong address, int length)
        {
            if (pair.BuffersLeft == 0)
            {
                pair.FrameLength = 0;
                pair.BuffersLeft = 1;
                if (_mergeable && length >= NetHeader.Size && _memory.Memory.TryReadU16(address + NetHeader.NumBuffersOffset, out ushort buffers))
                {
                    // num_buffers counts the buffers holding the frame (spec 5.1.6.3): at least this one, at most a ring's worth.
                    if (buffers == 0 || buffers > _options.QueueSize)
                        throw new VhostUserProtocolException($"ring {pair.Rx.Index}: the device set num_buffers to {buffers} (1 to {_options.QueueSize} buffers can hold a frame)");
                    pair.BuffersLeft = buffers;
                }
                pair.BuffersInFrame = pair.BuffersLeft;
                // A frame in one buffer is checked where the device wrote it; only a spread one is gathered.
                if (pair.BuffersLeft == 1 && length <= _frame.Length && _memory.Memory.TryGetSpan(address, length, out var whole) && whole.Length >= length)
                {
                    pair.BuffersLeft = 0;
                    Complete(pair, whole[..length], length);
                    return;
                }
            }
            if (pair.FrameLength + length <= _frame.Length)
                _memory.Memory.TryRead(address, _frame.AsSpan(pair.FrameLength, length));
            pair.FrameLength += length;
            if (--pair.BuffersLeft > 0) return;
            Complete(pair, pair.FrameLength <= _frame.Length ? _frame.AsSpan(0, pair.FrameLength) : null, pair.FrameLength);
        }

        /// <summary>Counts a received frame of <paramref name="frameLength"/> bytes (header included) and verifies <paramref name="frame"/> (empty when too long to gather).</summary>
        private void Complete(Pair pair, ReadOnlySpan<byte> frame, int frameLength)
        {
            Result.FramesReceived++;
            Result.FramesReceivedPerPair[pair.Index]++;
            if (pair.BuffersInFrame > 1) Result.MergedFrames++;
            if (frameLength > _frame.Length || frameLength < NetHeader.Size) { Result.Mismatches++; return; }
            ulong? sequence = FramePattern.Verify(frame[NetHeader.Size..], _options.Seed, _options.FrameSize);
            if (sequence is not { } s || s >= (ulong)_seen.Length) { Result.Mismatches++; return; }
            if (_seen[(int)s]) { Result.Duplicates++; return; }
            _seen[(int)s] = true;
            Result.FramesVerified++;
            _pairs[(int)(s % (ulong)_pairs.Length)].Returned++; // frame s left by pair s mod N
        }

        // Frame s goes out on pair s mod N (strict round-robin, so the split is known exactly); a pair that cannot
        // take its frame yet holds the rest back until it can.
        private bool Send()
        {
            bool any = false;
            Span<bool> publish = stackalloc bool[_pairs.Length];
            while (Result.FramesSent < _options.Frames)
            {
                var pair = _pairs[(int)(Result.FramesSent % _pairs.Length)];
                if (pair.Sent - pair.Returned >= _window || pair.FreeTxSlots.Count == 0) break;
                int slot = pair.FreeTxSlots.Peek();
                ulong address = TxAddress(pair, slot);
                int length = NetHeader.Size + _options.FrameSize;
                // The frame goes straight into guest memory after the header written at the start (Loop).
                if (!_memory.Memory.TryGetSpan(address, length, out var buffer) || buffer.Length < length)
                    throw new InvalidOperationException("a transmit buffer is not contiguous in guest memory");
                FramePattern.Write(buffer[NetHeader.Size..length], _options.Seed, (ulong)Result.FramesSent);
                if (!pair.Tx.Queue.TryAdd([new BufferSegment(address, (uint)length, false)], false, out ushort id)) break;
                pair.FreeTxSlots.Pop();
                pair.TxInFlight.Add(id, slot);
                pair.Sent++;
                Result.FramesSent++;
                publish[pair.Index] = any = true;
            }
            for (int p = 0; p < _pairs.Length; p++)
                if (publish[p]) _pairs[p].Tx.Publish();
            return any;
        }
    }
}
