using System.Buffers;
using System.Buffers.Binary;
using Akka.Actor;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices.Blk;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;

namespace Virtsim.Fleet.Endpoints;

/// <summary>
/// The device actor's side of a live migration (docs/migration.md, "Device state"). At the source: stop as the kind
/// allows (a blk disk is flushed first, as QEMU flushes at the switchover; then a software backend's requests in flight
/// are handed over for resubmission, vhost-user's GET_VRING_BASE and inflight area, while a hardware VF or vDPA device
/// finishes its outstanding DMA and writes every answered request back), journal the migration snapshot, stop the
/// journal so the destination is its only writer, and resume or release later. At the destination: restore the
/// snapshot recovered from the same journal (refusing without change when it does not fit), and serve after the
/// switchover.
/// </summary>
public sealed partial class TransportEndpointActor
{
    private readonly IncomingMigration? _incoming;
    private IActorRef? _stopReplyTo;
    private IActorRef? _handedOverTo;
    private ulong _flushTag;
    private bool _flushPending;
    private long _snapshotRecord = -1;
    private int _resubmitted;
    private int _drained;
    private bool _drainStarted;

    private string DeviceName => _devicePath[(_devicePath.LastIndexOf('/') + 1)..];

    private void MigrationHandlers()
    {
        Receive<QueryMigrationState>(_ => Sender.Tell(new DeviceMigrationState(DeviceName, _context.Model.SaveState()), Self));
        Receive<StopForMigration>(OnStopForMigration);
        Receive<ResumeAfterMigration>(_ => OnResumeAfterMigration());
        Receive<ReleaseDevice>(_ => OnRelease());
        Receive<HandOverDevice>(h => OnHandOver(h.Successor));
        Receive<MovedFrames>(OnMovedFrames);
        Receive<ShadowVirtqueue>(s => _context.ShadowVirtqueue = s.On);
        Receive<DeviceStateRecovered>(_ => { }); // a journal restarted after a rolled-back migration; this device's state is live
    }

    private void OnStopForMigration(StopForMigration stop)
    {
        _stopReplyTo = stop.ReplyTo;
        _context.Stopped = true;
        _resubmitted = _drained = 0;
        _drainStarted = false;
        if (_context.Handler is BlkDevice && _backend is not null)
        {
            _flushPending = true;
            _backend.Tell(FlushRequest(), Self);
            _metrics.Add(FleetCounter.BackendRequests);
        }
        TryFinishStop();
    }

    // A FLUSH through the backend's own path (journaled like any flush): the destination starts from a durable disk.
    private BackendRequest FlushRequest()
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(header, BlkRequestType.Flush);
        var features = _context.Model.NegotiatedFeatures;
        _flushTag = (ulong)(_incarnation & 0xFFFF) << 48 | 0xFF_FFFF_FF00UL | 0xFF;
        return new BackendRequest(_flushTag, 0xFF, features.Low, features.High, ((BlkDevice)_context.Handler).Writeback, 1, header);
    }

    // Called after every event a stop waits for (a pass's DMA, a backend reply, the flush).
    private void TryFinishStop()
    {
        if (_stopReplyTo is null || _snapshotRecord >= 0 || _flushPending || _queues.Any(q => !q.Idle) || !FlowIdle) return;
        bool resubmit = !_profile.IsHardware;
        bool remote = !_context.Access.IsLocal;
        if (!resubmit && remote && !IsFlow && !_drainStarted)
        {
            // On another node the write-back is DMA messages to the host: passes of their own, waited for like any pass.
            _drainStarted = true;
            foreach (var q in _queues) _drained += q.DrainForStop();
            if (_queues.Any(q => !q.Idle)) return;
        }
        FlowBeforeSnapshot();
        foreach (var q in _queues)
        {
            if (resubmit) _resubmitted += q.InFlight;
            else if (!remote) _drained += q.CompleteForStop();
        }
        _metrics.Add(FleetCounter.MigrationRequestsResubmitted, _resubmitted);
        _metrics.Add(FleetCounter.MigrationRequestsDrained, _drained);
        var model = _context.Model.SaveState();
        // A flow queue's saved state is its positions (nothing in flight once idle); a ring queue hands its chains over.
        var queues = IsFlow ? model.Queues : model.Queues.Select((r, i) => r with { Queue = _queues[i].SaveForMigration(resubmit) });
        model = model with { Queues = [.. queues] };
        var image = new DeviceImage(_profile.Name, model, _msixVectors, _driver?.Path.ToString(), _incarnation) { MigrationSnapshot = true };
        _journal?.Tell(image, Self);
        _recordsSent++;
        _snapshotRecord = _recordsSent;
        _lastSnapshotBytes = SnapshotBytes(image);
        _metrics.Add(FleetCounter.DeviceStateSnapshots);
        _metrics.Add(FleetCounter.DeviceEventsJournaled);
        if (_journal is null) OnRecorded();
    }

    private long _lastSnapshotBytes;

    private static long SnapshotBytes(DeviceImage image)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        DeviceImageSerializer.Instance.Write(image, buffer);
        return buffer.WrittenCount;
    }

    // The snapshot is durable: stop the journal (the destination's device is its next writer) and answer the migration.
    private void OnSnapshotRecorded()
    {
        if (_snapshotRecord < 0 || _recordsAcked < _snapshotRecord || _stopReplyTo is null) return;
        if (_journal is not null)
        {
            Context.Unwatch(_journal);
            Context.Stop(_journal);
            _journal = null;
        }
        _stopReplyTo.Tell(new DeviceStopped(DeviceName, _lastSnapshotBytes, _resubmitted, _drained), Self);
        _handedOverTo = _stopReplyTo;
        _stopReplyTo = null;
    }

    private void OnResumeAfterMigration()
    {
        _snapshotRecord = -1;
        _stopReplyTo = null;
        _handedOverTo = null;
        if (_persistence is not null && _journal is null)
        {
            // Back at the source after a failed migration: a fresh journal child recovers (its answer is ignored) and
            // this device's live state becomes the latest image again.
            var id = _persistence.DeviceId(_devicePath);
            var persistence = _persistence;
            var metrics = _metrics;
            _journal = Context.ActorOf(Props.Create(() => new DeviceStateJournal(id, persistence, metrics)));
            Context.Watch(_journal);
            Record();
        }
        if (_incoming is not null && _backend is null && _backendProps is not null) StartBackend();
        _context.Stopped = false;
        if (IsFlow) FlowResume();
        for (int i = 0; i < _queues.Count; i++)
        {
            if (!_context.Model.Queues[i].Enabled) continue;
            _queues[i].Resume();
            SignalQueue(i); // completions written back while stopped, or an interrupt the stop held
        }
    }

    // The VM left for another host: frames still held here never reach it (counted, reported to their workloads).
    private void OnRelease()
    {
        if (_context.Uplink is { } uplink)
        {
            var frames = new List<(byte[] Frame, bool ToDevice)>();
            foreach (var q in _queues)
                foreach (var f in q.Backlog) frames.Add((f, true));
            foreach (var f in FlowBacklog) frames.Add((f, true));
            foreach (var f in uplink.TakeHeld()) frames.Add((f, false));
            if (frames.Count > 0)
            {
                _metrics.Add(FleetCounter.FramesLostByMigration, frames.Count);
                uplink.Loss?.Report(Context.System, frames, Self);
            }
        }
        Context.Stop(Self);
    }

    // A crash of a device a migration is stopping. Once its snapshot is durable the state belongs to the destination,
    // which recovers it from the journal: this device must not come back (a restart would recover the same snapshot
    // and serve the rings beside the destination, a second writer of one journal), so it stops here, its held frames
    // counted as a crash's; the migration goes on. Before that, the migration hears of it and the device restarts
    // from its journal at the source as any crashed device does. Returns true when the crash was handled here.
    private bool OnCrashWhileMigrating()
    {
        if (_handedOverTo is { } migration)
        {
            DropHeldFrames();
            migration.Tell(new SourceDeviceCrashed(DeviceName, StateSaved: true), Self);
            // Down until the switchover releases it: frames its backend still passes on are lost with the crash, counted.
            Become(() =>
            {
                Receive<FrameMessage>(f => DropFrame(f.Frame));
                Receive<ReleaseDevice>(_ => Context.Stop(Self));
                ReceiveAny(_ => { });
            });
            return true;
        }
        _stopReplyTo?.Tell(new SourceDeviceCrashed(DeviceName, StateSaved: false), Self);
        return false;
    }

    // A device switch on the same host: the frames this implementation holds are device state and move to the new one
    // (the network did not change: nothing was sent to a wrong port). Then this implementation stops.
    private void OnHandOver(IActorRef successor)
    {
        if (_context.Uplink is { } uplink)
        {
            var received = _queues.SelectMany(q => q.Backlog).ToList();
            var transmitted = uplink.TakeHeld();
            if (received.Count + transmitted.Count > 0) successor.Tell(new MovedFrames(received, transmitted), Self);
        }
        Context.Stop(Self);
    }

    private void OnMovedFrames(MovedFrames moved)
    {
        _metrics.Add(FleetCounter.FramesMovedBySwitch, moved.Received.Count + moved.Transmitted.Count);
        foreach (var frame in moved.Transmitted) _context.Uplink?.Network?.Tell(new FrameMessage(frame), Self);
        if (_queues.Count > 0)
            foreach (var frame in moved.Received) _queues[0].OnFrame(new FrameMessage(frame)); // receiveq1
    }

    private void DropFrame(byte[] frame)
    {
        _metrics.Add(FleetCounter.NetDeviceFramesDropped);
        _context.Uplink?.Loss?.Report(Context.System, [(frame, true)], Self);
    }

    // Frames that reach a released device's last messages: lost by migration too.
    private bool OnFlushReply(BackendReply reply)
    {
        if (!_flushPending || reply.Tag != _flushTag) return false;
        _flushPending = false;
        TryFinishStop();
        return true;
    }

    // At the destination: the journal recovered the source's snapshot.
    private void AdoptIncoming(DeviceImage? image)
    {
        var incoming = _incoming!;
        string? refusal = incoming.Refuse
            ?? (image is null || !image.MigrationSnapshot ? "no migration snapshot in the device's journal" : null);
        if (refusal is null)
        {
            // The mediation layer presents the offer this device was built with (the source's, or the pool's); the
            // driver's features must be part of it (RestoreState checks them and changes nothing when they are not).
            var state = image!.Model with { OfferedFeatures = _context.Model.Negotiation.Offered };
            if (image.MsixVectors > 0) ProgramMsix(image.MsixVectors);
            refusal = _context.Model.RestoreState(state, IsFlow ? Flow.FlowDeviceQueue.Restore : Virtqueue.RestoreDevice);
            if (refusal is null)
            {
                // The restored device runs: its handler takes the negotiated features as at DRIVER_OK (a net device
                // refuses frames until then), without the driver writing the status again.
                var model = _context.Model;
                if (model.Status.Has(DeviceStatus.DriverOk) && !model.Status.Has(DeviceStatus.DeviceNeedsReset))
                    _context.Handler.Activate(model.Negotiation.Negotiated);
                foreach (var q in _queues) q.SetTagEpoch(image.Incarnation + 1);
                if (image.DriverPath is not null && ActorPath.TryParse(image.DriverPath, out var driverPath))
                    _driver = Context.System.ResolveLocal(driverPath);
                _context.Stopped = true; // serves after the switchover
                _context.Arrived = true;
                Record(image.Incarnation + 1);
            }
        }
        incoming.Migration.Tell(new DeviceAdopted(incoming.Device, refusal), Self);
        if (refusal is not null) _context.Stopped = true;
    }
}
