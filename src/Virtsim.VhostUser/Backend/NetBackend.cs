using System.Text.Json;
using Virtsim.VhostUser.Frontend;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// virtio-net over vhost-user: a <see cref="NetDevice"/> whose transmitted frames are counted (and optionally
/// looped back to the receive queue of the same pair), plus an optional generator that injects a fixed number of
/// <see cref="FramePattern"/> frames into the receive queues. Every transmitted frame that is an intact injected
/// frame is counted as verified, so a driver that forwards what it receives (testpmd's io mode) proves both
/// directions carried the bytes unchanged. The front-end owns the control queue, so only the data queues are served.
/// </summary>
public sealed class NetBackend : VhostUserDevice
{
    /// <summary>The <see cref="FramePattern"/> seed of the injected frames (not the driver's default, so its own frames never pass for injected ones).</summary>
    public const ulong InjectSeed = 0x5E4E_1EC7;

    private const int InjectBudget = 128;

    /// <summary>Most queue pairs this back-end serves (<see cref="NetBackendOptions.QueuePairs"/>).</summary>
    public const int MaxQueuePairs = 128;

    private const int MinFrameSize = 60; // an Ethernet frame without its FCS
    private readonly FrameSink _sink;
    private readonly NetBackendOptions _options;
    private readonly byte[] _generated;
    private long _toGenerate;
    private ulong _nextSequence;

    /// <summary>Creates the back-end.</summary>
    public NetBackend(NetBackendOptions? options = null)
        : this(options ?? new NetBackendOptions(), new FrameSink()) { }

    private NetBackend(NetBackendOptions options, FrameSink sink)
        : base(new NetDevice(sink, DeviceOptions(options)))
    {
        _options = options;
        _sink = sink;
        _sink.Loopback = options.Loopback;
        _generated = new byte[Math.Max(options.InjectFrameSize, MinFrameSize)];
        _toGenerate = options.InjectFrames;
    }

    /// <summary>The network device.</summary>
    public NetDevice Net => (NetDevice)Handler;

    /// <summary>Queue pairs served.</summary>
    public int Pairs => _options.QueuePairs;

    /// <inheritdoc />
    public override int RingCount => 2 * _options.QueuePairs;

    /// <inheritdoc />
    public override ulong QueueNum => (ulong)_options.QueuePairs;

    /// <inheritdoc />
    /// <remarks>Transmit rings: the device only reads their buffers.</remarks>
    public override bool BatchesInOrderCompletions(int index) => NetQueueLayout.IsTransmit(index, _options.QueuePairs);

    /// <summary>Frames the driver transmitted (read from its transmit queues).</summary>
    public long FramesFromDriver => Net.Statistics.TxFrames;

    /// <summary>Frames delivered into the driver's receive queues.</summary>
    public long FramesToDriver => Net.Statistics.RxFrames;

    /// <summary>Frames the driver transmitted that are intact injected frames (<see cref="FramePattern"/>, <see cref="InjectSeed"/>, the injected size).</summary>
    public long FramesVerified => _sink.Verified;

    /// <summary>Frames the driver transmitted, once frames were injected, that are not intact injected frames (wrong bytes or size).</summary>
    public long FramesMismatched => _sink.Mismatched;

    /// <summary>Frames still to inject.</summary>
    public long FramesToInject => Interlocked.Read(ref _toGenerate);

    /// <summary>Adds <paramref name="count"/> frames to inject (safe from any thread; the serve loop injects them).</summary>
    public void Inject(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Add(ref _toGenerate, count);
    }

    /// <summary>Looped-back frames dropped because the receive queue had no room.</summary>
    public long LoopbackDropped => _sink.Dropped;

    /// <inheritdoc />
    public override bool HasPendingWork => Interlocked.Read(ref _toGenerate) > 0 || _sink.Pending > 0;

    /// <inheritdoc />
    /// <remarks>
    /// The front-end owns the control queue (DPDK and QEMU strip CTRL_VQ from SET_FEATURES and answer control
    /// commands themselves), so MQ without CTRL_VQ is accepted here; nothing else offered has a dependency.
    /// </remarks>
    public override string? ValidateFeatures(FeatureSet accepted) =>
        accepted.IsSubsetOf(OfferedFeatures) ? null : $"features {accepted.Except(OfferedFeatures)} were not offered";

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        _sink.Clear();
    }

    /// <inheritdoc />
    public override QueueProcessResult OnKick(int index, IDeviceQueue queue)
    {
        if (NetQueueLayout.IsReceive(index, Net.LayoutPairs)) return default; // buffers added: Service fills them
        return base.OnKick(index, queue);
    }

    /// <summary>Transmit buffers returned unsent because their ring was disabled.</summary>
    public long FramesDiscarded { get; private set; }

    /// <inheritdoc />
    public override QueueProcessResult OnDisabledKick(int index, IDeviceQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (!NetQueueLayout.IsTransmit(index, Net.LayoutPairs)) return default;
        int completed = 0;
        QueueError error = QueueError.None;
        while (true)
        {
            var pop = queue.TryPop(out var chain);
            if (pop == PopResult.Empty) break;
            if (pop == PopResult.Broken || !queue.TryComplete(chain, 0)) { error = queue.Error; break; }
            completed++;
            FramesDiscarded++;
        }
        return new QueueProcessResult(completed, completed > 0 && queue.PublishUsed(), error);
    }

    /// <inheritdoc />
    public override void Service(IRingAccess rings)
    {
        for (int pair = 0; pair < _options.QueuePairs; pair++)
        {
            int rx = NetQueueLayout.ReceiveQueue(pair);
            if (!rings.TryGetActive(rx, out var queue)) continue;
            bool interrupt = false;
            int budget = InjectBudget; // bounded, so a busy receive side never starves the transmit rings
            while (budget-- > 0 && _sink.TryPeek(pair, out var frame))
            {
                var result = Net.ReceiveFrame(frame.Span, queue);
                interrupt |= result.Interrupt;
                if (result.Status == NetReceiveStatus.NoBuffer) break;
                _sink.Dequeue(pair);
                if (result.Status == NetReceiveStatus.QueueBroken) { rings.Broken(rx, result.Error); return; }
            }
            while (pair == 0 && budget-- > 0 && Interlocked.Read(ref _toGenerate) > 0)
            {
                FramePattern.Write(_generated, InjectSeed, _nextSequence);
                var result = Net.ReceiveFrame(_generated, queue);
                interrupt |= result.Interrupt;
                if (result.Status == NetReceiveStatus.NoBuffer) break;
                if (result.Status == NetReceiveStatus.QueueBroken) { rings.Broken(rx, result.Error); return; }
                _nextSequence++;
                _sink.VerifiedSize = _generated.Length; // from now on frames from the driver may be injected ones
                Interlocked.Decrement(ref _toGenerate);
            }
            if (interrupt) rings.Interrupt(rx);
        }
    }

    /// <inheritdoc />
    public override void WriteSummary(Utf8JsonWriter writer)
    {
        var s = Net.Statistics;
        writer.WriteNumber("framesFromDriver", s.TxFrames);
        writer.WriteNumber("bytesFromDriver", s.TxBytes);
        writer.WriteNumber("framesToDriver", s.RxFrames);
        writer.WriteNumber("bytesToDriver", s.RxBytes);
        writer.WriteNumber("txDropped", s.TxDropped);
        writer.WriteNumber("txDiscardedWhileDisabled", FramesDiscarded);
        writer.WriteNumber("rxDroppedNoBuffer", s.RxDroppedNoBuffer);
        writer.WriteNumber("framesNotInjected", FramesToInject);
        writer.WriteNumber("framesVerified", FramesVerified);
    }

    private static NetDeviceOptions DeviceOptions(NetBackendOptions options)
    {
        if (options.QueuePairs is < 1 or > MaxQueuePairs) throw new ArgumentOutOfRangeException(nameof(options), $"queue pairs must be 1..{MaxQueuePairs}");
        var device = FeatureSet.Of(NetFeatureBit.MrgRxbuf, NetFeatureBit.Mac, NetFeatureBit.Mtu, NetFeatureBit.Status);
        if (options.QueuePairs > 1) device = device.With(NetFeatureBit.Mq);
        return new NetDeviceOptions { DeviceFeatures = device, MaxQueuePairs = (ushort)options.QueuePairs, QueueSize = 32768 };
    }

    // Counts only verified frames (NetDevice counts the rest); keeps copies of frames to loop back when asked.
    private sealed class FrameSink : INetFrameSink
    {
        private const int MaxPending = 4096;
        private readonly Dictionary<int, Queue<ReadOnlyMemory<byte>>> _pending = new();

        public bool Loopback { get; set; }
        public int VerifiedSize { get; set; } // 0 until a frame was injected: nothing to verify, no cost per frame
        public long Dropped { get; private set; }
        public int Pending { get; private set; }
        public long Verified { get; private set; }
        public long Mismatched { get; private set; }

        public void Transmit(int queuePair, ReadOnlySpan<byte> frame, in NetHeader header)
        {
            if (VerifiedSize != 0)
            {
                if (FramePattern.Verify(frame, InjectSeed, VerifiedSize) != null) Verified++;
                else Mismatched++;
            }
            if (!Loopback) return;
            if (Pending >= MaxPending) { Dropped++; return; }
            if (!_pending.TryGetValue(queuePair, out var queue)) _pending[queuePair] = queue = new Queue<ReadOnlyMemory<byte>>();
            queue.Enqueue(frame.ToArray());
            Pending++;
        }

        public bool TryPeek(int pair, out ReadOnlyMemory<byte> frame)
        {
            frame = default;
            return _pending.TryGetValue(pair, out var queue) && queue.TryPeek(out frame);
        }

        public void Dequeue(int pair)
        {
            _pending[pair].Dequeue();
            Pending--;
        }

        public void Clear()
        {
            _pending.Clear();
            Pending = 0;
        }
    }
}
