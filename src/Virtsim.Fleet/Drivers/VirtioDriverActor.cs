using Akka.Actor;
using Virtsim.Simulation.Environment;
using Virtsim.Fleet.Messages.Config;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Flow;
using Virtsim.Fleet.Messages.Interrupt;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;

namespace Virtsim.Fleet.Drivers;

/// <summary>
/// A guest's virtio driver for one device, talking to its transport endpoint only by messages. It initialises the
/// device (spec §3.1.1) as a pipeline of <see cref="ConfigRequest"/>s: reset, ACKNOWLEDGE, DRIVER, identify the vendor
/// (quirks are masked by subsystem vendor id), read the offer, write the accepted subset, FEATURES_OK and check it,
/// MSI-X (PCI), queues, DRIVER_OK. It then owns the driver side of its rings in guest memory, rings doorbells when
/// the device wants them, and takes used buffers on interrupts (kernel style) or on a poll timer (poll mode).
/// A configuration change whose status shows DEVICE_NEEDS_RESET makes it drain what the device completed, reset,
/// re-initialise and let the device type resubmit what was in flight. An access the device aborted (it crashed before
/// answering) restarts an initialisation from the reset. Replies from an older initialisation are told apart by an
/// epoch in the tag and ignored.
/// </summary>
public abstract class VirtioDriverActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    private IActorRef _endpoint;
    private GuestPause _pendingWhilePaused;

    private const string PollTimer = "poll";
    private const string InterruptTimer = "interrupt-timeout";
    private const int MaxQuietTimeouts = 3;
    private int _quietTimeouts; // interrupt timeouts in a row that found nothing to take
    private long _usedTaken;
    private long _usedAtLastReset = -1;
    private int _resetsWithoutProgress; // resets in a row with no request completed between them (max-resets)
    private TimeSpan _noProgressSince; // when the first of them was
    private uint _epoch;
    private FeatureSet _negotiated;
    private ushort _subsystemVendor;
    private DriverState _state = DriverState.Initializing;
    private readonly DoorbellMessage?[] _plainDoorbells; // immutable, so reused

    /// <summary>Creates the driver.</summary>
    protected VirtioDriverActor(DriverOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _endpoint = options.Endpoint;
        Queues = new IDriverQueue?[QueueCount];
        _plainDoorbells = new DoorbellMessage?[QueueCount];
        Receive<ConfigReply>(OnConfigReply);
        Receive<InterruptMessage>(OnInterrupt);
        Receive<PollTick>(_ => ServiceQueues());
        Receive<InterruptTimeoutTick>(_ => OnInterruptTimeout());
        Receive<SwitchEndpoint>(s => _endpoint = s.Endpoint);
        Receive<PauseGuest>(_ => BecomeStacked(Paused));
        Receive<FlowCompleted>(c =>
        {
            if (_state != DriverState.Ready) return;
            _usedTaken += c.Completions.Count;
            OnFlowCompleted(c);
        });
    }

    // The VM is stopped for a migration's switchover: the guest's CPU runs nothing, so the driver takes no message until
    // it resumes. Interrupts and poll ticks are remembered as "look at the device again" (shared message objects cannot
    // wait in a stash twice in a row); every other message waits in the stash, in order.
    private void Paused()
    {
        Receive<ResumeGuest>(_ =>
        {
            UnbecomeStacked();
            var pending = _pendingWhilePaused;
            _pendingWhilePaused = GuestPause.None;
            Stash.UnstashAll();
            if (pending.HasFlag(GuestPause.ConfigInterrupt)) Send(ConfigOperation.ReadStatus, Purpose.NeedsResetCheck);
            if (pending.HasFlag(GuestPause.LineInterrupt)) Send(ConfigOperation.TakeInterruptStatus, Purpose.None);
            if (pending.HasFlag(GuestPause.QueueWork)) ServiceQueues();
        });
        Receive<SwitchEndpoint>(s => _endpoint = s.Endpoint);
        Receive<PauseGuest>(_ => { });
        Receive<PollTick>(_ => _pendingWhilePaused |= GuestPause.QueueWork);
        Receive<InterruptTimeoutTick>(_ => _pendingWhilePaused |= GuestPause.QueueWork);
        Receive<InterruptMessage>(m => _pendingWhilePaused |= m.Kind == InterruptKind.Line ? GuestPause.LineInterrupt
            : m.Vector == 0 ? GuestPause.ConfigInterrupt : GuestPause.QueueWork);
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>The driver's settings.</summary>
    protected DriverOptions Options { get; }

    /// <summary>The guest memory the rings and buffers live in.</summary>
    protected GuestMemory Memory => Options.Memory;

    /// <summary>The run's counters.</summary>
    protected FleetMetrics Metrics => Options.Metrics;

    /// <summary>Where the driver keeps its rings and buffers.</summary>
    protected DriverLayout Layout => Options.Layout;

    /// <summary>The driver side of each queue (null until DRIVER_OK).</summary>
    protected IDriverQueue?[] Queues { get; }

    /// <summary>True between a successful DRIVER_OK and the next reset.</summary>
    protected bool IsReady => _state == DriverState.Ready;

    /// <summary>The negotiated features.</summary>
    protected FeatureSet Negotiated => _negotiated;

    /// <summary>Number of queues the driver sets up.</summary>
    protected abstract int QueueCount { get; }

    /// <summary>The features the driver supports for its device type (ring features are added by the base).</summary>
    protected abstract FeatureSet DeviceFeatures { get; }

    /// <summary>Called at DRIVER_OK (first time and after every recovery): post buffers, (re)submit requests.</summary>
    protected abstract void OnReady();

    /// <summary>Called for each used buffer taken from queue <paramref name="queue"/>.</summary>
    protected abstract void OnUsed(int queue, UsedBuffer used);

    /// <summary>At flow fidelity: the device completed these requests of one queue (one batch window, one interrupt).</summary>
    protected virtual void OnFlowCompleted(FlowCompleted completed) { }

    /// <summary>True at flow fidelity: no rings in guest memory; requests go to the device as <see cref="FlowSubmit"/> batches.</summary>
    protected bool IsFlow => Options.Flow;

    /// <summary>Hands <paramref name="requests"/> to the device on <paramref name="queue"/> as one batch (flow fidelity; one doorbell).</summary>
    protected void Submit(int queue, IReadOnlyList<FlowRequest> requests)
    {
        if (requests.Count == 0) return;
        Metrics.Add(FleetCounter.Doorbells);
        _endpoint.Tell(new FlowSubmit(queue, requests), Self);
    }

    /// <summary>Called once the device completed everything it can, before a reset: move what is in flight back to pending.</summary>
    protected abstract void OnResetting();

    /// <summary>Called after used buffers were taken (a good time to submit more).</summary>
    protected virtual void AfterService() { }

    /// <summary>
    /// Called once the device accepted the features (FEATURES_OK stuck), before the queues are set up: the time to read
    /// device configuration that depends on them (<see cref="ReadDeviceConfig"/>; the replies come before DRIVER_OK's).
    /// </summary>
    protected virtual void OnFeaturesAccepted() { }

    /// <summary>Called with the value a <see cref="ReadDeviceConfig"/> read (little-endian, in the low bytes).</summary>
    protected virtual void OnDeviceConfig(ulong value) { }

    /// <summary>Reads <paramref name="size"/> (1..8) bytes of device configuration at <paramref name="offset"/>; the value goes to <see cref="OnDeviceConfig"/>.</summary>
    protected void ReadDeviceConfig(ushort offset, ushort size) => Send(ConfigOperation.ReadDeviceConfig, Purpose.DeviceConfig, offset, size);

    /// <inheritdoc />
    protected override void PreStart() => StartInit();

    /// <summary>Makes everything added to <paramref name="queue"/> visible and rings the doorbell when the device wants one.</summary>
    protected void Kick(int queue)
    {
        var q = Queues[queue];
        if (q is null || !q.PublishAvailable()) return;
        Metrics.Add(FleetCounter.Doorbells);
        var message = _negotiated.Has(FeatureBit.NotificationData)
            ? new DoorbellMessage((ushort)queue, q.NotificationData((ushort)queue), true)
            : _plainDoorbells[queue] ??= new DoorbellMessage((ushort)queue);
        _endpoint.Tell(message, Self);
        ArmInterruptTimeout();
    }

    // The lost-interrupt timer (interrupt-timeout): pushed back by every doorbell and interrupt, so it fires only after
    // that long without either while the driver waits for the device.
    private void ArmInterruptTimeout()
    {
        if (Options.InterruptTimeout <= TimeSpan.Zero || Options.Mode != DriverMode.Interrupt) return;
        _quietTimeouts = 0;
        Timers.StartSingleTimer(InterruptTimer, InterruptTimeoutTick.Instance, Options.InterruptTimeout);
    }

    // No interrupt for interrupt-timeout: take what the device completed (its interrupt may have been lost) and ring
    // every queue with requests in flight again (the doorbell may have been lost; a spurious one is harmless, §2.9).
    // A few timeouts in a row that find nothing end the watch until the next doorbell or interrupt.
    private void OnInterruptTimeout()
    {
        if (_state != DriverState.Ready) return;
        long before = _usedTaken;
        ServiceQueues();
        if (_state != DriverState.Ready) return;
        if (_usedTaken != before)
        {
            Metrics.Add(FleetCounter.InterruptTimeouts);
            _quietTimeouts = 0;
        }
        else if (++_quietTimeouts > MaxQuietTimeouts) return;
        bool busy = false;
        for (int q = 0; q < QueueCount; q++)
        {
            var queue = Queues[q];
            if (queue is null || queue.InFlightCount == 0) continue;
            busy = true;
            _endpoint.Tell(_negotiated.Has(FeatureBit.NotificationData)
                ? new DoorbellMessage((ushort)q, queue.NotificationData((ushort)q), true)
                : _plainDoorbells[q] ??= new DoorbellMessage((ushort)q), Self);
        }
        if (busy) Timers.StartSingleTimer(InterruptTimer, InterruptTimeoutTick.Instance, Options.InterruptTimeout);
    }

    private void StartInit()
    {
        _state = DriverState.Initializing;
        if (Options.Health is { } health) health.DriverReady = false;
        _epoch = (_epoch + 1) & 0xFF_FFFF;
        Array.Clear(Queues);
        Timers.Cancel(PollTimer);
        Timers.Cancel(InterruptTimer);
        Send(ConfigOperation.WriteStatus, Purpose.None, value0: 0);
        Send(ConfigOperation.ReadStatus, Purpose.ResetCheck);
        Send(ConfigOperation.Identify, Purpose.None);
        Send(ConfigOperation.WriteStatus, Purpose.None, value0: (ulong)DeviceStatus.Acknowledge);
        Send(ConfigOperation.WriteStatus, Purpose.None, value0: (ulong)(DeviceStatus.Acknowledge | DeviceStatus.Driver));
        Send(ConfigOperation.ReadDeviceFeatures, Purpose.None);
    }

    private void Send(ConfigOperation op, Purpose purpose, ushort index = 0, ushort size = 0, ushort vector = 0xFFFF,
        ulong value0 = 0, ulong value1 = 0, ulong value2 = 0) =>
        _endpoint.Tell(new ConfigRequest((_epoch << 8) | (uint)purpose, op, index, size, vector, value0, value1, value2), Self);

    private void OnConfigReply(ConfigReply r)
    {
        if (r.Tag >> 8 != _epoch) return; // from before a reset
        var purpose = (Purpose)(r.Tag & 0xFF);
        if (r.Aborted)
        {
            OnAborted();
            return;
        }
        if (!r.Ok && _state == DriverState.Initializing)
        {
            Fail(r.Reason ?? $"{r.Operation} refused");
            return;
        }
        switch (r.Operation)
        {
            case ConfigOperation.Identify:
                _subsystemVendor = (ushort)r.Value0;
                return;
            case ConfigOperation.ReadDeviceFeatures when _state == DriverState.Initializing:
                var offered = new FeatureSet(r.Value0, r.Value1);
                if (!offered.Has(FeatureBit.Version1)) { Fail("the device does not offer VERSION_1"); return; }
                var wanted = DeviceFeatures | FeatureSet.Of(FeatureBit.Version1, FeatureBit.EventIdx, FeatureBit.NotificationData)
                    | (Options.PackedRing ? FeatureSet.Of(FeatureBit.RingPacked) : FeatureSet.None);
                _negotiated = (offered & wanted).Except(VendorProfiles.DriverMaskFor(_subsystemVendor));
                Send(ConfigOperation.WriteDriverFeatures, Purpose.None, value0: _negotiated.Low, value1: _negotiated.High);
                Send(ConfigOperation.WriteStatus, Purpose.None, value0: (ulong)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk));
                Send(ConfigOperation.ReadStatus, Purpose.FeaturesOkCheck);
                return;
            case ConfigOperation.ReadStatus:
                OnStatus(purpose, (DeviceStatus)(byte)r.Value0);
                return;
            case ConfigOperation.ReadDeviceConfig when purpose == Purpose.DeviceConfig:
                OnDeviceConfig(r.Value0);
                return;
            case ConfigOperation.TakeInterruptStatus:
                var cause = (InterruptCause)(byte)r.Value0;
                if (cause.HasFlag(InterruptCause.Config))
                {
                    Metrics.Add(FleetCounter.ConfigInterrupts);
                    Send(ConfigOperation.ReadStatus, Purpose.NeedsResetCheck);
                }
                if (cause.HasFlag(InterruptCause.Queue)) ServiceQueues();
                return;
        }
    }

    // The device crashed before answering an access. During initialisation the driver no longer knows what the device
    // kept of its setup, so it starts over from a reset (later aborts of this attempt carry the old epoch and are
    // ignored). A ready driver lost a status or interrupt-status read: it looks at the status and the rings again.
    private void OnAborted()
    {
        switch (_state)
        {
            case DriverState.Initializing:
                StartInit();
                return;
            case DriverState.Ready:
                Send(ConfigOperation.ReadStatus, Purpose.NeedsResetCheck);
                ServiceQueues();
                return;
        }
    }

    private void OnStatus(Purpose purpose, DeviceStatus status)
    {
        switch (purpose)
        {
            case Purpose.ResetCheck when _state == DriverState.Initializing:
                if (status != DeviceStatus.None) Fail($"status reads {status.Describe()} after reset");
                return;
            case Purpose.FeaturesOkCheck when _state == DriverState.Initializing:
                if (!status.Has(DeviceStatus.FeaturesOk)) { Fail($"FEATURES_OK did not stick for {_negotiated}"); return; }
                OnFeaturesAccepted();
                bool msix = Options.Transport == Endpoints.TransportKind.Pci && Options.Mode == DriverMode.Interrupt;
                if (msix) Send(ConfigOperation.EnableMsix, Purpose.None, index: (ushort)(QueueCount + 1));
                for (int q = 0; q < QueueCount; q++)
                {
                    // Fresh, zeroed ring memory, as a driver allocates it: nothing of an earlier incarnation
                    // (indices, event suppression) may leak into the new rings.
                    if (!IsFlow) Memory.TryFill(Layout.DescriptorArea(q), Layout.DeviceArea(q) + 0x1_0000 - Layout.DescriptorArea(q), 0);
                    Send(ConfigOperation.SetupQueue, Purpose.None, (ushort)q, Options.QueueSize, msix ? (ushort)(q + 1) : MsixVector.NoVector,
                        Layout.DescriptorArea(q), Layout.DriverArea(q), Layout.DeviceArea(q));
                }
                Send(ConfigOperation.WriteStatus, Purpose.None,
                    value0: (ulong)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk));
                Send(ConfigOperation.ReadStatus, Purpose.DriverOkCheck);
                return;
            case Purpose.DriverOkCheck when _state == DriverState.Initializing:
                if (status.Has(DeviceStatus.DeviceNeedsReset) || !status.Has(DeviceStatus.DriverOk))
                {
                    Fail($"DRIVER_OK did not stick (status {status.Describe()})");
                    return;
                }
                BecomeReady();
                return;
            case Purpose.NeedsResetCheck:
                if (status.Has(DeviceStatus.DeviceNeedsReset) && _state == DriverState.Ready)
                    Recover("DEVICE_NEEDS_RESET: " + (Options.Health?.NeedsResetReason ?? "the device gave no reason"));
                return;
        }
    }

    private void BecomeReady()
    {
        var format = _negotiated.Has(FeatureBit.RingPacked) ? QueueFormat.Packed : QueueFormat.Split;
        for (int q = 0; q < QueueCount && !IsFlow; q++)
        {
            var config = new QueueConfig(format, Options.QueueSize, Layout.DescriptorArea(q), Layout.DriverArea(q), Layout.DeviceArea(q), _negotiated);
            Queues[q] = Virtqueue.CreateDriver(config, Memory);
            if (Options.Mode == DriverMode.Poll) Queues[q]!.SetInterrupts(false);
        }
        _state = DriverState.Ready;
        if (Options.Health is { } health) health.DriverReady = true;
        if (Options.Mode == DriverMode.Poll && !IsFlow) Timers.StartPeriodicTimer(PollTimer, PollTick.Instance, Options.PollInterval);
        OnReady();
    }

    private void OnInterrupt(InterruptMessage m)
    {
        if (m.Kind == InterruptKind.Line)
        {
            Metrics.Add(FleetCounter.LineInterrupts);
            ArmInterruptTimeout();
            Send(ConfigOperation.TakeInterruptStatus, Purpose.None);
            return;
        }
        Metrics.Add(FleetCounter.MsixInterrupts);
        ArmInterruptTimeout();
        if (m.Vector == 0)
        {
            Metrics.Add(FleetCounter.ConfigInterrupts);
            Send(ConfigOperation.ReadStatus, Purpose.NeedsResetCheck);
            return;
        }
        ServiceQueues();
    }

    /// <summary>Takes every used buffer of every queue; with interrupts, re-arms them and re-checks (the spec's race).</summary>
    protected void ServiceQueues()
    {
        if (_state != DriverState.Ready) return;
        for (int q = 0; q < QueueCount; q++)
        {
            var queue = Queues[q];
            if (queue is null) continue;
            while (true)
            {
                TakeResult take;
                while ((take = queue.TryTakeUsed(out var used)) == TakeResult.Taken)
                {
                    _usedTaken++;
                    OnUsed(q, used);
                }
                if (take == TakeResult.Broken) { Recover($"queue {q}: the device broke its used ring: {queue.Error.Reason}"); return; }
                if (Options.Mode == DriverMode.Poll || !queue.SetInterrupts(true)) break;
            }
        }
        AfterService();
    }

    // The device needs a reset (why: <paramref name="reason"/>): take what it completed, then reset and initialise it
    // again, unless it went max-resets resets in a row without completing a request: then give it up.
    private void Recover(string reason)
    {
        if (_state != DriverState.Ready) return;
        // What the device completed before it broke is real: take it first.
        for (int q = 0; q < QueueCount; q++)
        {
            var queue = Queues[q];
            if (queue is null) continue;
            while (queue.TryTakeUsed(out var used) == TakeResult.Taken)
            {
                _usedTaken++;
                OnUsed(q, used);
            }
        }
        var now = Context.Clock().Elapsed;
        if (_usedTaken != _usedAtLastReset)
        {
            _resetsWithoutProgress = 0;
            _noProgressSince = now;
        }
        _resetsWithoutProgress++;
        _usedAtLastReset = _usedTaken;
        // A short outage (an IOMMU mapping back after a while) takes a quick burst of resets and then makes progress;
        // a dead device takes them for ever. Only both, many resets and a long time without a completion, give up.
        if (Options.MaxResets > 0 && _resetsWithoutProgress > Options.MaxResets && now - _noProgressSince >= Options.ResetWindow)
        {
            GiveUp($"{_resetsWithoutProgress - 1} resets in {(now - _noProgressSince).TotalMilliseconds:0.###} ms without a completed request (max-resets {Options.MaxResets}, reset-window {Options.ResetWindow.TotalMilliseconds:0.###} ms); last {reason}");
            return;
        }
        Metrics.Add(FleetCounter.DriverRecoveries);
        _state = DriverState.Initializing;
        OnResetting();
        StartInit();
    }

    // The device keeps needing resets and never completes anything (max-resets): the driver stops resetting it, marks
    // it FAILED, and fails what it holds with the reason instead of keeping it for ever.
    private void GiveUp(string reason)
    {
        Timers.Cancel(PollTimer);
        Timers.Cancel(InterruptTimer);
        Metrics.Add(FleetCounter.DriversGaveUp);
        GaveUp = true;
        if (Options.Health is { } health) health.DriverGaveUp = true;
        MarkFailed(reason);
        OnGaveUp(reason);
    }

    /// <summary>
    /// Called once when the driver gave the device up after max-resets resets without progress: fail every request it
    /// holds (and every later one) with <paramref name="reason"/>, as a kernel driver fails I/O to a dead device.
    /// </summary>
    protected abstract void OnGaveUp(string reason);

    /// <summary>True once the driver gave the device up (<see cref="OnGaveUp"/>).</summary>
    protected bool GaveUp { get; private set; }

    private void Fail(string reason)
    {
        Metrics.Add(FleetCounter.InitFailures);
        MarkFailed(reason);
        OnInitFailed();
    }

    /// <summary>Called once when initialisation failed (the device is FAILED and never serves): nothing by default.</summary>
    protected virtual void OnInitFailed() { }

    /// <summary>True once the driver marked the device FAILED (initialisation failed, or it gave the device up).</summary>
    protected bool IsFailed => _state == DriverState.Failed;

    // FAILED (spec 2.1.1): the driver gave up on the device; the report says why.
    private void MarkFailed(string reason)
    {
        _state = DriverState.Failed;
        FailureReason = reason;
        if (Options.Health is { } health)
        {
            health.DriverReady = false;
            health.DriverFailure = reason;
        }
        _endpoint.Tell(new ConfigRequest((_epoch << 8) | (uint)Purpose.None, ConfigOperation.WriteStatus,
            Value0: (ulong)(DeviceStatus.Acknowledge | DeviceStatus.Failed)), Self);
    }

    /// <summary>Why initialisation failed, or null.</summary>
    protected string? FailureReason { get; private set; }

    private enum DriverState : byte { Initializing, Ready, Failed }

    [Flags]
    private enum GuestPause : byte { None = 0, QueueWork = 1, ConfigInterrupt = 2, LineInterrupt = 4 }

    private enum Purpose : byte { None, ResetCheck, FeaturesOkCheck, DriverOkCheck, NeedsResetCheck, DeviceConfig }

    private sealed class PollTick
    {
        public static readonly PollTick Instance = new();
    }

    private sealed class InterruptTimeoutTick
    {
        public static readonly InterruptTimeoutTick Instance = new();
    }
}
