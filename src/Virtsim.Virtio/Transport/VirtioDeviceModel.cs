using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;

namespace Virtsim.Virtio.Transport;

/// <summary>
/// The transport-independent device side of a virtio device: status machine, feature negotiation, per-queue
/// registers, config generation, interrupt status and delivery, queue creation and doorbells. Both the PCI
/// and the MMIO transports decode registers into calls on this model. Pure and single-threaded.
/// </summary>
public sealed class VirtioDeviceModel
{
    private readonly DeviceQueueFactory _queueFactory;
    private readonly VirtqueueRegisters[] _queues;
    private bool _lineAsserted;
    private bool _lineDisabled;
    private bool _configNotifyPending;
    private bool _inConfigWrite;
    private bool _configChangedDuringWrite;

    /// <summary>Creates the model of a device served by <paramref name="handler"/>.</summary>
    /// <param name="handler">The device type.</param>
    /// <param name="memory">The device's view of guest memory; each enabled queue gets its own fork.</param>
    /// <param name="queueFactory">Creates the device queue when the driver enables one.</param>
    /// <param name="interrupts">Where interrupts go.</param>
    public VirtioDeviceModel(IDeviceHandler handler, DeviceMemory memory, DeviceQueueFactory queueFactory, IInterruptSink interrupts)
    {
        Handler = handler ?? throw new ArgumentNullException(nameof(handler));
        Memory = memory ?? throw new ArgumentNullException(nameof(memory));
        _queueFactory = queueFactory ?? throw new ArgumentNullException(nameof(queueFactory));
        Interrupts = interrupts ?? throw new ArgumentNullException(nameof(interrupts));
        if (handler.QueueCount < 0 || handler.QueueCount > ushort.MaxValue)
            throw new ArgumentException($"queue count {handler.QueueCount} is outside 0..65535", nameof(handler));
        Negotiation = new FeatureNegotiation(handler.OfferedFeatures, handler.ValidateFeatures);
        _queues = new VirtqueueRegisters[handler.QueueCount];
        for (int i = 0; i < _queues.Length; i++) _queues[i] = new VirtqueueRegisters(i, handler.MaxQueueSize);
        handler.ConfigChanged += OnHandlerConfigChanged;
    }

    /// <summary>The device type.</summary>
    public IDeviceHandler Handler { get; }

    /// <summary>The base device view of guest memory.</summary>
    public DeviceMemory Memory { get; }

    /// <summary>Where interrupts go.</summary>
    public IInterruptSink Interrupts { get; }

    /// <summary>MSI-X delivery attached by the PCI transport; null for MMIO.</summary>
    public IVectorInterruptController? VectorController { get; set; }

    /// <summary>The status state machine.</summary>
    public DeviceStatusMachine StatusMachine { get; } = new();

    /// <summary>Feature negotiation (selects and windows).</summary>
    public FeatureNegotiation Negotiation { get; }

    /// <summary>The device status.</summary>
    public DeviceStatus Status => StatusMachine.Status;

    /// <summary>Why DEVICE_NEEDS_RESET is set, or null.</summary>
    public string? NeedsResetReason => StatusMachine.NeedsResetReason;

    /// <summary>The negotiated features (empty before FEATURES_OK).</summary>
    public FeatureSet NegotiatedFeatures => Negotiation.Negotiated;

    /// <summary>The last status write's outcome (for diagnostics and tests).</summary>
    public StatusWriteResult LastStatusWrite { get; private set; }

    /// <summary>Number of virtqueues (num_queues).</summary>
    public int QueueCount => _queues.Length;

    /// <summary>The per-queue registers.</summary>
    public IReadOnlyList<VirtqueueRegisters> Queues => _queues;

    /// <summary>config_generation / ConfigGeneration: changes whenever the device config changes.</summary>
    public uint ConfigGeneration { get; private set; }

    /// <summary>Pending ISR / InterruptStatus bits.</summary>
    public InterruptCause InterruptStatus { get; private set; }

    /// <summary>True while the interrupt line is asserted.</summary>
    public bool InterruptLineAsserted => _lineAsserted;

    /// <summary>
    /// True while the transport forbids asserting the interrupt line (PCI Command register Interrupt Disable);
    /// ISR bits still accumulate.
    /// </summary>
    public bool InterruptLineDisabled
    {
        get => _lineDisabled;
        set
        {
            _lineDisabled = value;
            UpdateLine();
        }
    }

    /// <summary>config_msix_vector (NO_VECTOR when unmapped).</summary>
    public ushort ConfigMsixVector { get; private set; } = MsixVector.NoVector;

    // ---- status -------------------------------------------------------------------------------------------

    /// <summary>A driver write of the device status field; 0 resets the device.</summary>
    public StatusWriteResult WriteStatus(byte value)
    {
        var result = StatusMachine.Write(value, Negotiation);
        switch (result.Kind)
        {
            case StatusWriteKind.Reset:
                ResetDevice();
                break;
            case StatusWriteKind.DriverOk:
                Handler.Activate(Negotiation.Negotiated);
                break;
            case StatusWriteKind.Resumed:
                if (_configNotifyPending) SignalConfig();
                break;
        }
        LastStatusWrite = result;
        return result;
    }

    /// <summary>
    /// The device enters an error state: sets DEVICE_NEEDS_RESET with <paramref name="reason"/> and, when
    /// DRIVER_OK is set, sends a configuration change notification (spec §2.1.2).
    /// </summary>
    public void SetNeedsReset(string reason)
    {
        if (!StatusMachine.SetNeedsReset(reason)) return;
        if (Status.Has(DeviceStatus.DriverOk)) SignalConfig();
    }

    /// <summary>Device reset: the device type, queues, features, interrupt status and vectors return to power-on.</summary>
    public void Reset()
    {
        StatusMachine.Reset();
        ResetDevice();
    }

    private void ResetDevice()
    {
        Handler.Reset();
        foreach (var q in _queues) q.Clear();
        Negotiation.Reset();
        ConfigMsixVector = MsixVector.NoVector;
        InterruptStatus = InterruptCause.None;
        _configNotifyPending = false;
        UpdateLine();
    }

    // ---- features ------------------------------------------------------------------------------------------

    /// <summary>device_feature: the offer's window chosen by device_feature_select.</summary>
    public uint ReadDeviceFeatures() => Negotiation.DeviceWindow;

    /// <summary>driver_feature read-back.</summary>
    public uint ReadDriverFeatures() => Negotiation.DriverWindow;

    /// <summary>driver_feature write; ignored (false) after FEATURES_OK or past the last window.</summary>
    public bool WriteDriverFeatures(uint value) => Negotiation.WriteDriverWindow(value);

    // ---- device configuration -------------------------------------------------------------------------------

    /// <summary>Reads device-specific configuration bytes.</summary>
    public void ReadConfig(int offset, Span<byte> destination)
    {
        if (offset < 0 || offset >= Handler.ConfigSize) { destination.Clear(); return; }
        Handler.ReadConfig(offset, destination);
    }

    /// <summary>
    /// Writes device-specific configuration bytes and bumps config_generation (once, whether or not the device
    /// type raises its own change event). Ignored while suspended. Returns false when ignored.
    /// </summary>
    public bool WriteConfig(int offset, ReadOnlySpan<byte> source)
    {
        if (Status.Has(DeviceStatus.Suspend) || offset < 0 || offset >= Handler.ConfigSize) return false;
        _inConfigWrite = true;
        _configChangedDuringWrite = false;
        try
        {
            Handler.WriteConfig(offset, source);
        }
        finally
        {
            _inConfigWrite = false;
        }
        ConfigGeneration++;
        if (_configChangedDuringWrite) NotifyConfigChange();
        return true;
    }

    private void OnHandlerConfigChanged()
    {
        if (_inConfigWrite) { _configChangedDuringWrite = true; return; }
        ConfigGeneration++;
        NotifyConfigChange();
    }

    private void NotifyConfigChange()
    {
        if (Status.Has(DeviceStatus.Suspend)) { _configNotifyPending = true; return; }
        if (Status.Has(DeviceStatus.DriverOk)) SignalConfig();
    }

    // ---- interrupts ----------------------------------------------------------------------------------------

    /// <summary>Writes config_msix_vector; a vector the table cannot hold reads back as NO_VECTOR.</summary>
    public ushort WriteConfigMsixVector(ushort vector) => ConfigMsixVector = MapVector(vector);

    /// <summary>Writes queue_msix_vector of queue <paramref name="index"/>; returns the value that reads back.</summary>
    public ushort WriteQueueMsixVector(int index, ushort vector)
    {
        if ((uint)index >= (uint)_queues.Length) return MsixVector.NoVector;
        return _queues[index].MsixVector = MapVector(vector);
    }

    private ushort MapVector(ushort vector) =>
        vector != MsixVector.NoVector && VectorController != null && vector < VectorController.VectorCount ? vector : MsixVector.NoVector;

    /// <summary>Raises a used buffer notification for queue <paramref name="index"/>.</summary>
    public void SignalQueue(int index)
    {
        if ((uint)index >= (uint)_queues.Length) return;
        if (VectorController is { Enabled: true } vectors)
        {
            var vector = _queues[index].MsixVector;
            if (vector != MsixVector.NoVector) vectors.Signal(vector);
            return;
        }
        InterruptStatus |= InterruptCause.Queue;
        UpdateLine();
    }

    /// <summary>Raises a configuration change notification (the Config ISR bit is always set first).</summary>
    public void SignalConfig()
    {
        _configNotifyPending = false;
        InterruptStatus |= InterruptCause.Config;
        if (VectorController is { Enabled: true } vectors)
        {
            if (ConfigMsixVector != MsixVector.NoVector) vectors.Signal(ConfigMsixVector);
            return;
        }
        UpdateLine();
    }

    /// <summary>PCI ISR read: returns the pending bits and clears them, deasserting the line.</summary>
    public InterruptCause ReadAndClearInterruptStatus()
    {
        var bits = InterruptStatus;
        InterruptStatus = InterruptCause.None;
        UpdateLine();
        return bits;
    }

    /// <summary>MMIO InterruptACK: clears the acknowledged bits.</summary>
    public void AcknowledgeInterrupts(uint bits)
    {
        InterruptStatus &= ~(InterruptCause)(byte)(bits & 0x3);
        UpdateLine();
    }

    /// <summary>Re-evaluates the interrupt line (after MSI-X is enabled or disabled).</summary>
    public void UpdateLine()
    {
        bool level = InterruptStatus != InterruptCause.None && VectorController is not { Enabled: true } && !_lineDisabled;
        if (level == _lineAsserted) return;
        _lineAsserted = level;
        Interrupts.SetInterruptLine(level);
    }

    // ---- queues --------------------------------------------------------------------------------------------

    /// <summary>Writes queue_size / QueueNum; ignored while the queue is enabled.</summary>
    public QueueOperationResult WriteQueueSize(int index, ushort size)
    {
        if (!TryGetQueue(index, out var q, out var refusal)) return refusal;
        if (q.Enabled) return QueueOperationResult.Refused($"queue {index}: size written while enabled");
        q.Size = size;
        return QueueOperationResult.Ok;
    }

    /// <summary>Writes one of the queue's area addresses; ignored while the queue is enabled.</summary>
    public QueueOperationResult WriteQueueArea(int index, QueueArea area, ulong address)
    {
        if (!TryGetQueue(index, out var q, out var refusal)) return refusal;
        if (q.Enabled) return QueueOperationResult.Refused($"queue {index}: {area} area written while enabled");
        q.SetArea(area, address);
        return QueueOperationResult.Ok;
    }

    /// <summary>
    /// Enables queue <paramref name="index"/> (queue_enable = 1 / QueueReady = 1): builds its
    /// <see cref="QueueConfig"/> (packed iff RING_PACKED was negotiated) and creates the device queue. An invalid
    /// configuration is refused and puts the device into DEVICE_NEEDS_RESET with the reason.
    /// </summary>
    public QueueOperationResult EnableQueue(int index)
    {
        if (!TryGetQueue(index, out var q, out var refusal)) return refusal;
        if (q.Enabled) return QueueOperationResult.Ok;
        if (!Status.Has(DeviceStatus.FeaturesOk))
            return QueueOperationResult.Refused($"queue {index}: enabled before FEATURES_OK");
        if ((Status & (DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed)) != 0)
            return QueueOperationResult.Refused($"queue {index}: enable ignored, status is {Status.Describe()}");

        var features = Negotiation.Negotiated;
        var config = new QueueConfig(features.Has(FeatureBit.RingPacked) ? QueueFormat.Packed : QueueFormat.Split,
            q.Size, q.DescriptorArea, q.DriverArea, q.DeviceArea, features);
        var reason = q.Size > q.MaxSize ? $"queue size {q.Size} exceeds the maximum {q.MaxSize}" : config.Validate();
        if (reason == null)
        {
            try
            {
                q.Queue = _queueFactory(config, Memory.Fork());
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                reason = $"queue could not be created: {ex.Message}";
            }
        }
        if (reason != null)
        {
            SetNeedsReset($"queue {index}: {reason}");
            return QueueOperationResult.Refused($"queue {index}: {reason}");
        }
        q.Enabled = true;
        return QueueOperationResult.Ok;
    }

    /// <summary>MMIO QueueReady = 0: the driver stops using the queue; its registers are kept.</summary>
    public QueueOperationResult DisableQueue(int index)
    {
        if (!TryGetQueue(index, out var q, out var refusal)) return refusal;
        q.Enabled = false;
        q.Queue = null;
        return QueueOperationResult.Ok;
    }

    /// <summary>
    /// queue_reset / QueueReset = 1 (VIRTIO_F_RING_RESET, spec §2.6.1): the queue returns to its reset state
    /// (disabled, maximum size, no addresses, no vector) and may be re-enabled, possibly with a new size.
    /// </summary>
    public QueueOperationResult ResetQueue(int index)
    {
        if (!TryGetQueue(index, out var q, out var refusal)) return refusal;
        if (!Negotiation.Negotiated.Has(FeatureBit.RingReset))
            return QueueOperationResult.Refused($"queue {index}: queue reset without VIRTIO_F_RING_RESET");
        q.Queue?.Reset();
        q.Clear();
        return QueueOperationResult.Ok;
    }

    /// <summary>
    /// Maps the identifier in a doorbell to a queue index: with NOTIF_CONFIG_DATA negotiated it is a
    /// queue_notif_config_data value, else the index itself. Returns -1 when no queue matches.
    /// </summary>
    public int ResolveNotifyIdentifier(ushort identifier)
    {
        if (Negotiation.Negotiated.Has(FeatureBit.NotifConfigData))
        {
            foreach (var q in _queues)
                if (q.NotifConfigData == identifier) return q.Index;
            return -1;
        }
        return identifier < _queues.Length ? identifier : -1;
    }

    /// <summary>
    /// A doorbell for queue <paramref name="index"/>, with the 32-bit notification value when the driver sent
    /// one: the device type serves the queue; a queue error sets DEVICE_NEEDS_RESET (with a configuration
    /// interrupt), and a requested interrupt raises the queue's vector or ISR bit.
    /// </summary>
    public NotifyResult Notify(int index, uint? notificationData = null)
    {
        if ((uint)index >= (uint)_queues.Length) return Ignored(index, $"no queue {index}");
        if (!Status.Has(DeviceStatus.DriverOk))
            return Ignored(index, Status.Has(DeviceStatus.Suspend) ? "device is suspended" : "doorbell before DRIVER_OK");
        if (Status.Has(DeviceStatus.DeviceNeedsReset)) return Ignored(index, $"device needs reset ({NeedsResetReason})");
        if (Status.Has(DeviceStatus.Failed)) return Ignored(index, "driver set FAILED");
        var q = _queues[index];
        if (!q.Enabled || q.Queue == null) return Ignored(index, $"queue {index} is not enabled");

        if (notificationData is uint data && Negotiation.Negotiated.Has(FeatureBit.NotificationData))
            q.Queue.OnNotificationData(data);

        var result = Handler.ProcessQueue(index, q.Queue);
        if (result.Error.IsError)
        {
            var reason = $"queue {index}: {result.Error.Reason}";
            SetNeedsReset(reason);
            return new NotifyResult(NotifyOutcome.QueueError, index, result.Completed, false, reason);
        }
        if (result.Interrupt) SignalQueue(index);
        return new NotifyResult(NotifyOutcome.Processed, index, result.Completed, result.Interrupt);
    }

    private static NotifyResult Ignored(int index, string reason) => new(NotifyOutcome.Ignored, index, Reason: reason);

    private bool TryGetQueue(int index, out VirtqueueRegisters queue, out QueueOperationResult refusal)
    {
        if ((uint)index < (uint)_queues.Length)
        {
            queue = _queues[index];
            refusal = default;
            return true;
        }
        queue = null!;
        refusal = QueueOperationResult.Refused($"no queue {index} (the device has {_queues.Length})");
        return false;
    }

    // ---- state ---------------------------------------------------------------------------------------------

    /// <summary>Captures the model's state as a plain value.</summary>
    public DeviceModelState SaveState() => new()
    {
        Status = Status,
        NeedsResetReason = NeedsResetReason,
        OfferedFeatures = Negotiation.Offered,
        DriverFeatures = Negotiation.DriverFeatures,
        FeaturesAccepted = Negotiation.IsAccepted,
        DeviceFeatureSelect = Negotiation.DeviceFeatureSelect,
        DriverFeatureSelect = Negotiation.DriverFeatureSelect,
        ConfigGeneration = ConfigGeneration,
        InterruptStatus = InterruptStatus,
        ConfigMsixVector = ConfigMsixVector,
        Queues = [.. _queues.Select(q => new QueueRegisterState(q.Index, q.Size, q.Enabled, q.DescriptorArea, q.DriverArea,
            q.DeviceArea, q.MsixVector, q.Queue?.SaveState()))],
    };

    /// <summary>
    /// Restores a state saved by <see cref="SaveState"/> into this freshly built model (migration target).
    /// Enabled queues are rebuilt by <paramref name="restoreQueue"/> from their saved <see cref="QueueState"/>, so
    /// they continue exactly where they stopped. Returns null on success, or the reason the state does not fit
    /// this device (then nothing was changed). Interrupt line and vector delivery are re-evaluated, not replayed.
    /// </summary>
    public string? RestoreState(DeviceModelState state, Func<QueueState, DeviceMemory, IDeviceQueue> restoreQueue)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(restoreQueue);
        if (state.OfferedFeatures != Negotiation.Offered)
            return $"saved offer {state.OfferedFeatures} differs from this device's {Negotiation.Offered}";
        if (state.Queues.Length != _queues.Length)
            return $"saved state has {state.Queues.Length} queues, this device {_queues.Length}";
        if (state.FeaturesAccepted && !Negotiation.Check(state.DriverFeatures).Accepted)
            return $"saved features are not acceptable here: {Negotiation.Check(state.DriverFeatures).Reason}";
        if (state.FeaturesAccepted != state.Status.Has(DeviceStatus.FeaturesOk))
            return "saved FEATURES_OK and negotiation state disagree";
        for (int i = 0; i < _queues.Length; i++)
        {
            var saved = state.Queues[i];
            if (saved.Index != i) return $"saved queue {i} carries index {saved.Index}";
            if (saved.Size > _queues[i].MaxSize) return $"saved queue {i} size {saved.Size} exceeds the maximum {_queues[i].MaxSize}";
            if (saved.Enabled && saved.Queue == null) return $"saved queue {i} is enabled but has no queue state";
        }

        StatusMachine.Restore(state.Status, state.NeedsResetReason);
        Negotiation.Restore(state.DriverFeatures, state.FeaturesAccepted, state.DeviceFeatureSelect, state.DriverFeatureSelect);
        ConfigGeneration = state.ConfigGeneration;
        InterruptStatus = state.InterruptStatus & (InterruptCause.Queue | InterruptCause.Config);
        ConfigMsixVector = MapVector(state.ConfigMsixVector);
        for (int i = 0; i < _queues.Length; i++)
        {
            var saved = state.Queues[i];
            var q = _queues[i];
            q.Clear();
            q.Size = saved.Size;
            q.DescriptorArea = saved.DescriptorArea;
            q.DriverArea = saved.DriverArea;
            q.DeviceArea = saved.DeviceArea;
            q.MsixVector = MapVector(saved.MsixVector);
            if (saved.Enabled)
            {
                q.Queue = restoreQueue(saved.Queue!, Memory.Fork());
                q.Enabled = true;
            }
        }
        UpdateLine();
        return null;
    }
}
