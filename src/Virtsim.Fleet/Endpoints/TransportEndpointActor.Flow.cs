using Akka.Actor;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Flow;
using Virtsim.Fleet.Messages.Flow;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Simulation.Environment;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Status;

namespace Virtsim.Fleet.Endpoints;

/// <summary>
/// The device actor at <see cref="Fidelity.Flow"/> (docs/fleet.md, "Flow fidelity"): the same model, registers, state
/// machine and journal as at ring, with <see cref="FlowDeviceQueue"/>s instead of rings in guest memory. The driver
/// hands over batches of requests (<see cref="FlowSubmit"/>, one doorbell cost each); the pure
/// <see cref="FlowQueue{T}"/> books them on the vendor's service lanes and releases them per batch window; a blk
/// device then applies them to its disk itself (no backend actor), a net device sends transmitted frames to its
/// backend; read data and received frames are DMA-written into the driver's buffers through the device's IOMMU view,
/// which marks the VM's dirty log as ring DMA does; and the driver gets one <see cref="FlowCompleted"/> per queue and
/// window after the interrupt cost.
/// </summary>
public sealed partial class TransportEndpointActor
{
    private const string FlowTimer = "flow";
    private const string FlowRxTimer = "flow-rx";
    private FlowQueue<(int Queue, FlowRequest Request)>? _flow;
    private MemoryBlockStore? _flowDisk;
    private long _flowBatch;
    private long _flowTimerAt = long.MaxValue;
    private Queue<byte[]>? _flowBacklog;
    private List<FlowCompletion>? _rxReady;
    private List<FlowSubmit>? _flowHeld;

    /// <summary>How a device at <see cref="Fidelity.Flow"/> is set up.</summary>
    /// <param name="Disk">blk: the disk it serves itself.</param>
    /// <param name="Batch">Completions due within this window go to the driver as one event.</param>
    public sealed record FlowSetup(MemoryBlockStore? Disk, TimeSpan Batch);

    private bool IsFlow => _flow is not null;


    private void FlowInit(FlowSetup setup)
    {
        _flow = new FlowQueue<(int, FlowRequest)>(new BackendServiceModel(_profile.Backend, _profile.Timing), setup.Batch.Ticks);
        _flowDisk = setup.Disk;
        _flowBatch = setup.Batch.Ticks;
    }

    private void FlowHandlers()
    {
        Receive<FlowSubmit>(OnFlowSubmit);
        Receive<FlowDue>(_ => OnFlowDue());
        Receive<FlowRxDue>(_ => SendReceived());
    }

    private long NowTicks => Context.Clock().Elapsed.Ticks;

    private bool FlowServable
    {
        get
        {
            var status = _context.Model.Status;
            return !_context.Stopped && status.Has(DeviceStatus.DriverOk)
                && (status & (DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed)) == 0;
        }
    }

    private FlowDeviceQueue? FlowQueueAt(int index) =>
        (uint)index < (uint)_context.Model.QueueCount ? _context.Model.Queues[index].Queue as FlowDeviceQueue : null;

    private void OnFlowSubmit(FlowSubmit s)
    {
        _driver ??= Sender;
        if (!FlowServable)
        {
            // Stopped for a migration: served when it resumes here (the driver is paused, so nothing else comes).
            if (_context.Stopped) (_flowHeld ??= []).Add(s);
            return;
        }
        var queue = FlowQueueAt(s.Queue);
        if (queue is null) return; // a submission for no enabled queue is ignored, as a doorbell for none is
        _metrics.Add(FleetCounter.Doorbells);
        if (_context.Net is not null && s.Queue == 0)
        {
            // Receive buffers posted: they wait for frames (and move with the queue's state).
            foreach (var r in s.Requests) queue.Post((ushort)r.Id, r.Buffer, r.Length);
            DeliverFlowFrames();
            return;
        }
        // One doorbell for the batch, then the vendor's service lanes.
        long arrival = NowTicks + _profile.Timing.DoorbellCost.Ticks;
        foreach (var r in s.Requests)
        {
            queue.Accept();
            _flow!.Add((s.Queue, r), r.Blk?.Data.Length ?? r.Frame?.Length ?? 0, arrival);
        }
        ArmFlowTimer();
    }

    private void ArmFlowTimer()
    {
        if (_flow!.NextDue is not { } due || due >= _flowTimerAt && Timers.IsTimerActive(FlowTimer)) return;
        _flowTimerAt = due;
        Timers.StartSingleTimer(FlowTimer, FlowDue.Instance, TimeSpan.FromTicks(Math.Max(0, due - NowTicks)));
    }

    private void OnFlowDue()
    {
        _flowTimerAt = long.MaxValue;
        var due = new List<(int Queue, FlowRequest Request)>();
        _flow!.TakeDue(NowTicks, due);
        List<FlowCompletion>? done = null;
        int doneQueue = -1;
        foreach (var (q, r) in due)
        {
            FlowQueueAt(q)?.Complete();
            FlowCompletion completion;
            if (r.Blk is { } blk) completion = ServeBlk(r, blk);
            else
            {
                _context.Uplink?.Transmit(0, r.Frame, default);
                completion = new FlowCompletion(r.Id, 0, []);
            }
            // One event per queue and window (a blk device has one queue; a net device's transmit queue here).
            if (doneQueue != q && done is not null) SendCompleted(doneQueue, done);
            if (doneQueue != q) { done = []; doneQueue = q; }
            done!.Add(completion);
        }
        _context.Uplink?.Flush(Self);
        if (done is not null) SendCompleted(doneQueue, done);
        ArmFlowTimer();
        TryFinishStop();
    }

    private void SendCompleted(int queue, List<FlowCompletion> done)
    {
        if (_driver is null) return;
        Context.System.Scheduler.ScheduleTellOnce(_profile.Timing.InterruptCost, _driver, new FlowCompleted(queue, done), Self);
    }

    // A blk request against the disk, as the core blk device would serve it (the cache mode is the one the driver sees).
    private FlowCompletion ServeBlk(FlowRequest r, Messages.Blk.BlkRequest blk)
    {
        var disk = _flowDisk;
        if (disk is null) return new FlowCompletion(r.Id, BlkStatus.IoErr, []);
        disk.CacheMode = ((BlkDevice)_context.Handler).Writeback ? WriteCacheMode.Writeback : WriteCacheMode.Writethrough;
        int sectors = blk.Data.Length / 512;
        bool inRange = blk.Sector + (ulong)sectors <= disk.SectorCount;
        switch (blk.Type)
        {
            case BlkRequestType.Out:
                if (!inRange) return new FlowCompletion(r.Id, BlkStatus.IoErr, []);
                for (int i = 0; i < sectors; i++)
                    if (!disk.TryWrite(blk.Sector + (ulong)i, blk.Data.AsSpan(i * 512, 512))) return new FlowCompletion(r.Id, BlkStatus.IoErr, []);
                return new FlowCompletion(r.Id, BlkStatus.Ok, []);
            case BlkRequestType.In:
                if (!inRange) return new FlowCompletion(r.Id, BlkStatus.IoErr, []);
                var data = new byte[blk.Data.Length];
                for (int i = 0; i < sectors; i++)
                    if (!disk.TryRead(blk.Sector + (ulong)i, data.AsSpan(i * 512, 512))) return new FlowCompletion(r.Id, BlkStatus.IoErr, []);
                // The device's DMA into the driver's buffer: guest memory and the VM's dirty log, as at ring.
                if (!_memory.TryWrite(r.Buffer, data, MemoryAccessKind.Data)) return new FlowCompletion(r.Id, BlkStatus.IoErr, []);
                return new FlowCompletion(r.Id, BlkStatus.Ok, data);
            case BlkRequestType.Flush:
                return new FlowCompletion(r.Id, disk.TryFlush() ? BlkStatus.Ok : BlkStatus.IoErr, []);
            default:
                return new FlowCompletion(r.Id, BlkStatus.Unsupp, []);
        }
    }

    // net: a frame from the backend waits for a posted receive buffer, is DMA-written into it and completed.
    private void OnFlowFrame(FrameMessage f)
    {
        (_flowBacklog ??= new()).Enqueue(f.Frame);
        DeliverFlowFrames();
    }

    private void DeliverFlowFrames()
    {
        if (!FlowServable || _flowBacklog is null) return;
        var queue = FlowQueueAt(0);
        if (queue is null) return;
        bool any = false;
        while (_flowBacklog.Count > 0 && queue.TryTakePosted(out var buffer))
        {
            var frame = _flowBacklog.Dequeue();
            var segment = buffer.Segments[0];
            _memory.TryWrite(segment.Address, frame.AsSpan(0, (int)Math.Min(segment.Length, (uint)frame.Length)), MemoryAccessKind.Data);
            queue.Complete();
            (_rxReady ??= []).Add(new FlowCompletion(buffer.Id, 0, frame));
            any = true;
        }
        if (any && !Timers.IsTimerActive(FlowRxTimer))
            Timers.StartSingleTimer(FlowRxTimer, FlowRxDue.Instance, TimeSpan.FromTicks(FlowQueue<int>.DeliveryTime(NowTicks, _flowBatch) - NowTicks));
    }

    private void SendReceived()
    {
        if (_rxReady is not { Count: > 0 } ready) return;
        _rxReady = null;
        SendCompleted(0, ready);
        TryFinishStop();
    }

    // Nothing booked, nothing received and not yet told: the device may save its state.
    private bool FlowIdle => _flow is null || (_flow.Count == 0 && _rxReady is not { Count: > 0 });

    // A migration's stop: what the flow device applied is made durable before its state is saved.
    private void FlowBeforeSnapshot()
    {
        if (_flowDisk is not null && ((BlkDevice)_context.Handler).Writeback) _flowDisk.TryFlush();
    }

    private void FlowResume()
    {
        if (_flowHeld is { } held)
        {
            _flowHeld = null;
            foreach (var s in held) OnFlowSubmit(s);
        }
        DeliverFlowFrames();
    }

    // A reset (status 0) discards the queues: what was booked or posted is gone with them, as a ring's chains are.
    private void FlowAfterConfig()
    {
        if (_context.Model.Status != DeviceStatus.None) return;
        _flow!.Clear();
        _rxReady = null;
    }

    private IEnumerable<byte[]> FlowBacklog => _flowBacklog ?? Enumerable.Empty<byte[]>();

    private sealed class FlowDue
    {
        public static readonly FlowDue Instance = new();
    }

    private sealed class FlowRxDue
    {
        public static readonly FlowRxDue Instance = new();
    }
}
