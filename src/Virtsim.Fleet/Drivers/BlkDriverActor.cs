using System.Buffers.Binary;
using Akka.Actor;
using Virtsim.Fleet.Messages.Blk;
using Virtsim.Fleet.Metrics;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Drivers;

/// <summary>
/// A virtio-blk driver: takes <see cref="BlkRequest"/>s from the guest's application, builds header / data / status
/// chains in guest memory (one slot per request in flight), and answers every request exactly once with a
/// <see cref="BlkCompletion"/>. Requests in flight when the device needs a reset are resubmitted, in their original
/// order, once it is back. Like Linux it learns the device's cache mode at initialisation (spec 5.2.5.1: the
/// <c>writeback</c> field with CONFIG_WCE; without it, FLUSH means a writeback cache), and tells the application which
/// completions made writes durable (<see cref="BlkCompletion.Durable"/>): a write on a writethrough device, and a
/// successful flush for the writes completed before it.
/// </summary>
public sealed class BlkDriverActor : VirtioDriverActor
{
    private readonly LinkedList<Pending> _waiting = new();
    private readonly Dictionary<ushort, Pending> _inFlight = [];
    private readonly Dictionary<ulong, Pending> _flowInFlight = []; // flow fidelity: by request sequence
    private readonly Stack<int> _freeSlots = new();
    private IActorRef? _client;
    private long _sequence;
    private bool _writeback;

    /// <summary>Creates the driver.</summary>
    public BlkDriverActor(DriverOptions options) : base(options)
    {
        int slots = Math.Min((int)options.QueueSize, DriverLayout.MaxSlots);
        for (int s = slots - 1; s >= 0; s--) _freeSlots.Push(s);
        Receive<BlkRequest>(r =>
        {
            _client = Sender;
            if (GaveUp) Metrics.Add(FleetCounter.RequestsFailedByDriver);
            if (GaveUp || r.Data.Length % 512 != 0 || r.Data.Length > DriverLayout.SlotBytes)
            {
                Sender.Tell(new BlkCompletion(r.Id, BlkStatus.IoErr, []), Self);
                return;
            }
            _waiting.AddLast(new Pending(r, _sequence++, -1));
            Pump();
        });
    }

    /// <inheritdoc />
    protected override int QueueCount => 1;

    /// <inheritdoc />
    protected override FeatureSet DeviceFeatures => FeatureSet.Of(BlkFeatureBit.Flush, BlkFeatureBit.ConfigWce, BlkFeatureBit.BlkSize, BlkFeatureBit.SegMax);

    /// <inheritdoc />
    protected override void OnReady() => Pump();

    /// <inheritdoc />
    protected override void OnFeaturesAccepted()
    {
        _writeback = Negotiated.Has(BlkFeatureBit.Flush);
        if (Negotiated.Has(BlkFeatureBit.ConfigWce)) ReadDeviceConfig(BlkConfigLayout.Writeback, 1);
    }

    /// <inheritdoc />
    protected override void OnDeviceConfig(ulong value) => _writeback = Negotiated.Has(BlkFeatureBit.Flush) && (value & 0xFF) != 0;

    /// <inheritdoc />
    protected override void AfterService() => Pump();

    /// <inheritdoc />
    protected override void OnResetting()
    {
        // Everything the device did not complete goes back to the front of the line, oldest first.
        var redo = _inFlight.Values.Concat(_flowInFlight.Values).OrderByDescending(p => p.Sequence).ToList();
        foreach (var p in redo)
        {
            _freeSlots.Push(p.Slot);
            _waiting.AddFirst(p with { Slot = -1 });
        }
        Metrics.Add(FleetCounter.Resubmitted, redo.Count);
        _inFlight.Clear();
        _flowInFlight.Clear();
    }

    /// <inheritdoc />
    protected override void OnGaveUp(string reason)
    {
        // The device is dead to the guest: everything held fails now, oldest first, as I/O errors (the reason is the
        // device's in the run's report), and later requests fail at once.
        var failed = _inFlight.Values.Concat(_flowInFlight.Values).Concat(_waiting).OrderBy(p => p.Sequence).ToList();
        _inFlight.Clear();
        _flowInFlight.Clear();
        _waiting.Clear();
        Metrics.Add(FleetCounter.RequestsFailedByDriver, failed.Count);
        foreach (var p in failed)
        {
            if (p.Slot >= 0) _freeSlots.Push(p.Slot);
            _client?.Tell(new BlkCompletion(p.Request.Id, BlkStatus.IoErr, []), Self);
        }
    }

    private void Pump()
    {
        if (IsFlow)
        {
            PumpFlow();
            return;
        }
        var queue = Queues[0];
        if (!IsReady || queue is null) return;
        bool added = false;
        Span<BufferSegment> segments = stackalloc BufferSegment[3];
        Span<byte> header = stackalloc byte[16];
        while (_waiting.First is { } node && _freeSlots.Count > 0 && queue.FreeDescriptors >= 3)
        {
            var p = node.Value;
            int slot = _freeSlots.Pop();
            var r = p.Request;
            ulong hdr = Layout.Header(slot), data = Layout.Data(slot);
            BinaryPrimitives.WriteUInt32LittleEndian(header, r.Type);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(header[8..], r.Sector);
            Memory.TryWrite(hdr, header);
            Memory.TryWriteU8(hdr + 16, 0xFF);
            bool deviceWrites = r.Type == BlkRequestType.In;
            if (!deviceWrites && r.Data.Length > 0) Memory.TryWrite(data, r.Data);
            int n = 0;
            segments[n++] = new BufferSegment(hdr, 16, false);
            if (r.Data.Length > 0) segments[n++] = new BufferSegment(data, (uint)r.Data.Length, deviceWrites);
            segments[n++] = new BufferSegment(hdr + 16, 1, true);
            if (!queue.TryAdd(segments[..n], false, out ushort id))
            {
                _freeSlots.Push(slot);
                break;
            }
            _waiting.RemoveFirst();
            _inFlight[id] = p with { Slot = slot };
            added = true;
        }
        if (added) Kick(0);
    }

    // Flow fidelity: the same slots (the device DMA-writes read data into the slot's buffer), no ring; one batch.
    private void PumpFlow()
    {
        if (!IsReady) return;
        List<Messages.Flow.FlowRequest>? batch = null;
        while (_waiting.First is { } node && _freeSlots.Count > 0)
        {
            var p = node.Value with { Slot = _freeSlots.Pop() };
            _waiting.RemoveFirst();
            _flowInFlight[(ulong)p.Sequence] = p;
            (batch ??= []).Add(new Messages.Flow.FlowRequest((ulong)p.Sequence, Layout.Data(p.Slot), p.Request));
        }
        if (batch is not null) Submit(0, batch);
    }

    /// <inheritdoc />
    protected override void OnFlowCompleted(Messages.Flow.FlowCompleted completed)
    {
        foreach (var c in completed.Completions)
        {
            if (!_flowInFlight.Remove(c.Id, out var p)) continue; // from before a reset
            Complete(p, c.Status, p.Request.Type == BlkRequestType.In && c.Status == BlkStatus.Ok ? c.Data : []);
        }
        Pump();
    }

    /// <inheritdoc />
    protected override void OnUsed(int queue, UsedBuffer used)
    {
        if (!_inFlight.Remove(used.Id, out var p)) return; // not ours (cannot happen with a correct device)
        var r = p.Request;
        Memory.TryReadU8(Layout.Header(p.Slot) + 16, out byte status);
        byte[] data = [];
        if (r.Type == BlkRequestType.In && status == BlkStatus.Ok)
        {
            data = new byte[r.Data.Length];
            Memory.TryRead(Layout.Data(p.Slot), data);
        }
        Complete(p, status, data);
    }

    private void Complete(Pending p, byte status, byte[] data)
    {
        var r = p.Request;
        _freeSlots.Push(p.Slot);
        Metrics.Add(FleetCounter.BlkRequests);
        Metrics.Add(FleetCounter.Bytes, r.Data.Length);
        // What the application may count on: a write the device wrote through, or every write completed before a flush.
        bool durable = status == BlkStatus.Ok
            && (r.Type == BlkRequestType.Flush || (!_writeback && r.Type is BlkRequestType.Out or BlkRequestType.WriteZeroes));
        _client?.Tell(new BlkCompletion(r.Id, status, data, durable), Self);
    }

    private sealed record Pending(BlkRequest Request, long Sequence, int Slot);
}
