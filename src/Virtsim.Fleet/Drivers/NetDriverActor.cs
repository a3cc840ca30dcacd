using Akka.Actor;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Virtio.Devices.Net;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Drivers;

/// <summary>
/// A virtio-net driver with one queue pair: keeps receive buffers posted on receiveq1 (2 KiB each, header plus
/// frame) and hands received frames to its application as <see cref="FrameMessage"/>s; sends the application's
/// frames on transmitq1 with a zero virtio-net header. Frames waiting to be sent survive a device reset.
/// </summary>
public sealed class NetDriverActor : VirtioDriverActor
{
    private const int RxBufferBytes = 2048;
    private readonly LinkedList<byte[]> _txWaiting = new();
    private readonly Dictionary<ushort, (int Slot, byte[] Frame, long Sequence)> _txInFlight = [];
    private readonly Dictionary<ushort, int> _rxPosted = [];
    private readonly Dictionary<ulong, (int Slot, byte[] Frame, long Sequence)> _flowTx = []; // flow fidelity: by sequence
    private readonly Stack<int> _txFree = new();
    private readonly int _rxBuffers;
    private IActorRef? _client;
    private long _txSequence;
    private bool _rxReposted;

    /// <summary>Creates the driver.</summary>
    public NetDriverActor(DriverOptions options) : base(options)
    {
        int slots = Math.Min((int)options.QueueSize, DriverLayout.MaxSlots);
        _rxBuffers = Math.Min(slots, 64);
        for (int s = slots - 1; s >= 0; s--) _txFree.Push(s);
        Receive<FrameMessage>(f =>
        {
            _client = Sender;
            if (f.Frame.Length is < 14 or > 1514) return;
            if (IsFailed)
            {
                FailFrames([f.Frame]);
                return;
            }
            _txWaiting.AddLast(f.Frame);
            PumpTx();
        });
        Receive<AttachClient>(a => _client = a.Client);
    }

    /// <inheritdoc />
    protected override int QueueCount => 2;

    /// <inheritdoc />
    protected override FeatureSet DeviceFeatures => FeatureSet.Of(NetFeatureBit.Mac);

    /// <inheritdoc />
    protected override void OnReady()
    {
        _rxPosted.Clear();
        if (IsFlow)
        {
            // Receive buffers posted in one batch (the slot is the id), then transmit.
            Submit(0, [.. Enumerable.Range(0, _rxBuffers).Select(k => new Messages.Flow.FlowRequest((ulong)k, Layout.Data(k, 1), Length: RxBufferBytes))]);
            PumpTx();
            return;
        }
        var rx = Queues[0]!;
        for (int k = 0; k < _rxBuffers; k++) PostRx(rx, k);
        Kick(0);
        PumpTx();
    }

    private void PostRx(IDriverQueue rx, int slot)
    {
        Span<BufferSegment> seg = [new BufferSegment(Layout.Data(slot, 1), RxBufferBytes, true)];
        if (rx.TryAdd(seg, false, out ushort id)) _rxPosted[id] = slot;
    }

    /// <inheritdoc />
    protected override void OnResetting()
    {
        // Frames not yet sent go back to the front of the line in their original order.
        var redo = _txInFlight.Values.Concat(_flowTx.Values).OrderByDescending(p => p.Sequence).ToList();
        foreach (var p in redo)
        {
            _txFree.Push(p.Slot);
            _txWaiting.AddFirst(p.Frame);
        }
        Metrics.Add(FleetCounter.Resubmitted, redo.Count);
        _txInFlight.Clear();
        _flowTx.Clear();
        _rxPosted.Clear();
    }

    /// <inheritdoc />
    protected override void OnGaveUp(string reason)
    {
        // Frames not sent will never be: their receivers hear they are lost (as of a crash) instead of waiting for them.
        var frames = _txInFlight.Values.Concat(_flowTx.Values).OrderBy(p => p.Sequence).Select(p => p.Frame).Concat(_txWaiting).ToList();
        _txInFlight.Clear();
        _flowTx.Clear();
        _txWaiting.Clear();
        _rxPosted.Clear();
        FailFrames(frames);
    }

    /// <inheritdoc />
    protected override void OnInitFailed()
    {
        // The device never comes up: the frames the application gave it will never go out, and the peer must not wait.
        var frames = _txWaiting.ToList();
        _txWaiting.Clear();
        FailFrames(frames);
    }

    private void FailFrames(IReadOnlyList<byte[]> frames)
    {
        Metrics.Add(FleetCounter.RequestsFailedByDriver, frames.Count);
        Options.FrameLoss?.Report(Context.System, frames.Select(f => (f, false)), Self);
    }

    /// <inheritdoc />
    protected override void AfterService()
    {
        if (_rxReposted) Kick(0);
        _rxReposted = false;
        PumpTx();
    }

    private void PumpTx()
    {
        if (IsFlow)
        {
            PumpFlowTx();
            return;
        }
        var tx = Queues[1];
        if (!IsReady || tx is null) return;
        bool added = false;
        int headerSize = NetHeader.SizeFor(Negotiated);
        while (_txWaiting.First is { } node && _txFree.Count > 0)
        {
            int slot = _txFree.Pop();
            var frame = node.Value;
            ulong at = Layout.Data(slot);
            Memory.TryFill(at, (ulong)headerSize, 0);
            Memory.TryWrite(at + (ulong)headerSize, frame);
            Span<BufferSegment> seg = [new BufferSegment(at, (uint)(headerSize + frame.Length), false)];
            if (!tx.TryAdd(seg, false, out ushort id))
            {
                _txFree.Push(slot);
                break;
            }
            _txWaiting.RemoveFirst();
            _txInFlight[id] = (slot, frame, _txSequence++);
            added = true;
        }
        if (added) Kick(1);
    }

    // Flow fidelity: the frames waiting go to the device as one batch, a transmit slot each (no ring, no header in memory).
    private void PumpFlowTx()
    {
        if (!IsReady) return;
        List<Messages.Flow.FlowRequest>? batch = null;
        while (_txWaiting.First is { } node && _txFree.Count > 0)
        {
            int slot = _txFree.Pop();
            long sequence = _txSequence++;
            _txWaiting.RemoveFirst();
            _flowTx[(ulong)sequence] = (slot, node.Value, sequence);
            (batch ??= []).Add(new Messages.Flow.FlowRequest((ulong)sequence, Layout.Data(slot), Frame: node.Value));
        }
        if (batch is not null) Submit(1, batch);
    }

    /// <inheritdoc />
    protected override void OnFlowCompleted(Messages.Flow.FlowCompleted completed)
    {
        if (completed.Queue == 1)
        {
            foreach (var c in completed.Completions)
            {
                if (!_flowTx.Remove(c.Id, out var sent)) continue;
                _txFree.Push(sent.Slot);
                Metrics.Add(FleetCounter.FramesSent);
            }
            PumpFlowTx();
            return;
        }
        // Received frames (the device wrote them into the posted buffers): to the application, buffers posted again.
        var repost = new List<Messages.Flow.FlowRequest>(completed.Completions.Count);
        foreach (var c in completed.Completions)
        {
            _client?.Tell(new FrameMessage(c.Data), Self);
            repost.Add(new Messages.Flow.FlowRequest(c.Id, Layout.Data((int)c.Id, 1), Length: RxBufferBytes));
        }
        Submit(0, repost);
    }

    /// <inheritdoc />
    protected override void OnUsed(int queue, UsedBuffer used)
    {
        if (queue == 1)
        {
            if (!_txInFlight.Remove(used.Id, out var sent)) return;
            _txFree.Push(sent.Slot);
            Metrics.Add(FleetCounter.FramesSent);
            return;
        }
        if (!_rxPosted.Remove(used.Id, out int slot)) return;
        int headerSize = NetHeader.SizeFor(Negotiated);
        ulong at = Layout.Data(slot, 1);
        if (used.WrittenLength > headerSize && used.WrittenLength <= RxBufferBytes)
        {
            var frame = new byte[used.WrittenLength - headerSize];
            Memory.TryRead(at + (ulong)headerSize, frame);
            _client?.Tell(new FrameMessage(frame), Self);
        }
        PostRx(Queues[0]!, slot);
        _rxReposted = true;
    }

    /// <summary>Tells the driver where received frames go before the application sends any.</summary>
    /// <param name="Client">The application.</param>
    public sealed record AttachClient(IActorRef Client);
}
