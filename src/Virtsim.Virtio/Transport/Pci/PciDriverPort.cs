using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;
using O = Virtsim.Virtio.Transport.Pci.PciCommonConfigOffset;

namespace Virtsim.Virtio.Transport.Pci;

/// <summary>
/// A driver's access to a virtio PCI function: finds the structures by walking the capability list (the
/// first of each type), then performs every operation as BAR accesses at the spec's offsets and widths.
/// </summary>
public sealed class PciDriverPort : ITransportDriverPort
{
    private readonly PciTransport _pci;
    private readonly PciCapability _common;
    private readonly PciCapability _notify;
    private readonly PciCapability _isr;
    private readonly PciCapability? _device;

    /// <summary>Discovers the structures of <paramref name="pci"/>; throws when a mandatory one is missing.</summary>
    public PciDriverPort(PciTransport pci)
    {
        _pci = pci ?? throw new ArgumentNullException(nameof(pci));
        Capabilities = PciCapabilityReader.Walk(pci.ReadConfigSpace);
        _common = Find(PciCapabilityType.CommonConfig) ?? throw new InvalidOperationException("no common configuration capability");
        _notify = Find(PciCapabilityType.NotifyConfig) ?? throw new InvalidOperationException("no notification capability");
        _isr = Find(PciCapabilityType.IsrConfig) ?? throw new InvalidOperationException("no ISR capability");
        _device = Find(PciCapabilityType.DeviceConfig);
        DeviceType = (DeviceType)(pci.ReadConfigSpace(PciLayout.DeviceIdRegister, 2) - PciLayout.ModernDeviceIdBase);
    }

    /// <summary>The capabilities found.</summary>
    public IReadOnlyList<PciCapability> Capabilities { get; }

    /// <inheritdoc />
    public string TransportName => "pci";

    /// <inheritdoc />
    public DeviceType DeviceType { get; }

    private PciCapability? Find(PciCapabilityType type)
    {
        foreach (var cap in Capabilities)
            if (cap.Type == type) return cap;
        return null;
    }

    private uint ReadCommon(int field, int size) => _pci.ReadBar(_common.Bar, _common.RegionOffset + (ulong)field, size);

    private void WriteCommon(int field, int size, uint value) => _pci.WriteBar(_common.Bar, _common.RegionOffset + (ulong)field, size, value);

    private void WriteCommon64(int field, ulong value)
    {
        WriteCommon(field, 4, (uint)value);
        WriteCommon(field + 4, 4, (uint)(value >> 32));
    }

    /// <summary>Enables MSI-X in the capability's Message Control.</summary>
    public void EnableMsix(bool enabled = true)
    {
        foreach (var cap in Capabilities)
        {
            if (cap.Id != PciLayout.MsixCapabilityId) continue;
            uint control = _pci.ReadConfigSpace(cap.Offset + 2, 2);
            _pci.WriteConfigSpace(cap.Offset + 2, 2, enabled ? control | 0x8000 : control & ~0x8000u);
        }
    }

    /// <summary>Programs MSI-X table entry <paramref name="vector"/> and unmasks it.</summary>
    public void ProgramMsixVector(int vector, ulong address, uint data)
    {
        ulong entry = PciLayout.MsixTableOffset + (ulong)vector * 16;
        _pci.WriteBar(PciLayout.MsixBar, entry, 4, (uint)address);
        _pci.WriteBar(PciLayout.MsixBar, entry + 4, 4, (uint)(address >> 32));
        _pci.WriteBar(PciLayout.MsixBar, entry + 8, 4, data);
        _pci.WriteBar(PciLayout.MsixBar, entry + 12, 4, 0);
    }

    /// <summary>Writes config_msix_vector and returns what reads back (NO_VECTOR when not mapped).</summary>
    public ushort SetConfigMsixVector(ushort vector)
    {
        WriteCommon(O.ConfigMsixVector, 2, vector);
        return (ushort)ReadCommon(O.ConfigMsixVector, 2);
    }

    /// <inheritdoc />
    public DeviceStatus ReadStatus() => (DeviceStatus)ReadCommon(O.DeviceStatus, 1);

    /// <inheritdoc />
    public void WriteStatus(DeviceStatus status) => WriteCommon(O.DeviceStatus, 1, (byte)status);

    /// <inheritdoc />
    public FeatureSet ReadDeviceFeatures()
    {
        var set = FeatureSet.None;
        for (uint w = 0; w < FeatureSet.WindowCount; w++)
        {
            WriteCommon(O.DeviceFeatureSelect, 4, w);
            set = set.WithWindow(w, ReadCommon(O.DeviceFeature, 4));
        }
        return set;
    }

    /// <inheritdoc />
    public void WriteDriverFeatures(FeatureSet features)
    {
        for (uint w = 0; w < FeatureSet.WindowCount; w++)
        {
            WriteCommon(O.DriverFeatureSelect, 4, w);
            WriteCommon(O.DriverFeature, 4, features.GetWindow(w));
        }
    }

    /// <summary>Reads back the driver features through the four windows.</summary>
    public FeatureSet ReadDriverFeatures()
    {
        var set = FeatureSet.None;
        for (uint w = 0; w < FeatureSet.WindowCount; w++)
        {
            WriteCommon(O.DriverFeatureSelect, 4, w);
            set = set.WithWindow(w, ReadCommon(O.DriverFeature, 4));
        }
        return set;
    }

    /// <summary>num_queues.</summary>
    public int ReadNumQueues() => (int)ReadCommon(O.NumQueues, 2);

    /// <inheritdoc />
    public ushort ReadQueueMaxSize(int index)
    {
        if ((uint)index >= (uint)ReadNumQueues()) return 0;
        WriteCommon(O.QueueSelect, 2, (ushort)index);
        return (ushort)ReadCommon(O.QueueSize, 2);
    }

    /// <inheritdoc />
    public bool IsQueueEnabled(int index)
    {
        WriteCommon(O.QueueSelect, 2, (ushort)index);
        return ReadCommon(O.QueueEnable, 2) == 1;
    }

    /// <inheritdoc />
    public QueueOperationResult SetupQueue(DriverQueueSetup setup)
    {
        WriteCommon(O.QueueSelect, 2, (ushort)setup.Index);
        if (ReadCommon(O.QueueEnable, 2) != 0) return QueueOperationResult.Refused($"queue {setup.Index} is already enabled");
        WriteCommon(O.QueueSize, 2, setup.Size);
        WriteCommon64(O.QueueDesc, setup.DescriptorArea);
        WriteCommon64(O.QueueDriver, setup.DriverArea);
        WriteCommon64(O.QueueDevice, setup.DeviceArea);
        if (setup.MsixVector != MsixVector.NoVector)
        {
            WriteCommon(O.QueueMsixVector, 2, setup.MsixVector);
            if (ReadCommon(O.QueueMsixVector, 2) == MsixVector.NoVector)
                return QueueOperationResult.Refused($"queue {setup.Index}: MSI-X vector {setup.MsixVector} could not be mapped");
        }
        WriteCommon(O.QueueEnable, 2, 1);
        if (ReadCommon(O.QueueEnable, 2) != 1)
            return QueueOperationResult.Refused(_pci.LastQueueOperation.Reason ?? $"queue {setup.Index} did not enable");
        return QueueOperationResult.Ok;
    }

    /// <inheritdoc />
    public QueueOperationResult ResetQueue(int index)
    {
        WriteCommon(O.QueueSelect, 2, (ushort)index);
        WriteCommon(O.QueueReset, 2, 1);
        if (ReadCommon(O.QueueReset, 2) != 0) return QueueOperationResult.Refused($"queue {index} reset did not complete");
        if (ReadCommon(O.QueueEnable, 2) != 0)
            return QueueOperationResult.Refused(_pci.LastQueueOperation.Reason ?? $"queue {index} is still enabled after reset");
        return QueueOperationResult.Ok;
    }

    /// <summary>The BAR offset of queue <paramref name="index"/>'s doorbell, computed as a driver does.</summary>
    public ulong NotifyAddress(int index)
    {
        WriteCommon(O.QueueSelect, 2, (ushort)index);
        return _notify.RegionOffset + (ulong)ReadCommon(O.QueueNotifyOff, 2) * _notify.NotifyOffMultiplier;
    }

    /// <inheritdoc />
    public void Notify(int index, uint? notificationData = null)
    {
        ulong address = NotifyAddress(index);
        if (notificationData is uint data) _pci.WriteBar(_notify.Bar, address, 4, data);
        else _pci.WriteBar(_notify.Bar, address, 2, (ushort)index);
    }

    /// <inheritdoc />
    public uint ReadConfigGeneration() => ReadCommon(O.ConfigGeneration, 1);

    /// <inheritdoc />
    public void ReadDeviceConfig(int offset, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = _device is { } d ? (byte)_pci.ReadBar(d.Bar, d.RegionOffset + (ulong)(offset + i), 1) : (byte)0;
    }

    /// <inheritdoc />
    public void WriteDeviceConfig(int offset, ReadOnlySpan<byte> source)
    {
        if (_device is not { } d) return;
        for (int i = 0; i < source.Length; i++) _pci.WriteBar(d.Bar, d.RegionOffset + (ulong)(offset + i), 1, source[i]);
    }

    /// <inheritdoc />
    public InterruptCause TakeInterruptStatus() => (InterruptCause)_pci.ReadBar(_isr.Bar, _isr.RegionOffset, 1);
}
