using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;
using R = Virtsim.Virtio.Transport.Mmio.MmioRegister;

namespace Virtsim.Virtio.Transport.Mmio;

/// <summary>A driver's access to a virtio-mmio device: every operation as 32-bit register accesses.</summary>
public sealed class MmioDriverPort : ITransportDriverPort
{
    private readonly MmioTransport _mmio;

    /// <summary>Checks MagicValue and Version and reads DeviceID; throws when the device is not virtio-mmio v2.</summary>
    public MmioDriverPort(MmioTransport mmio)
    {
        _mmio = mmio ?? throw new ArgumentNullException(nameof(mmio));
        if (Read(R.MagicValue) != R.Magic) throw new InvalidOperationException("MagicValue is not \"virt\"");
        if (Read(R.Version) != R.CurrentVersion) throw new InvalidOperationException("not a version 2 virtio-mmio device");
        DeviceType = (DeviceType)Read(R.DeviceId);
    }

    /// <inheritdoc />
    public string TransportName => "mmio";

    /// <inheritdoc />
    public DeviceType DeviceType { get; }

    private uint Read(int register) => _mmio.Read((ulong)register, 4);

    private void Write(int register, uint value) => _mmio.Write((ulong)register, 4, value);

    /// <inheritdoc />
    public DeviceStatus ReadStatus() => (DeviceStatus)Read(R.Status);

    /// <inheritdoc />
    public void WriteStatus(DeviceStatus status) => Write(R.Status, (byte)status);

    /// <inheritdoc />
    public FeatureSet ReadDeviceFeatures()
    {
        var set = FeatureSet.None;
        for (uint w = 0; w < FeatureSet.WindowCount; w++)
        {
            Write(R.DeviceFeaturesSel, w);
            set = set.WithWindow(w, Read(R.DeviceFeatures));
        }
        return set;
    }

    /// <inheritdoc />
    public void WriteDriverFeatures(FeatureSet features)
    {
        for (uint w = 0; w < FeatureSet.WindowCount; w++)
        {
            Write(R.DriverFeaturesSel, w);
            Write(R.DriverFeatures, features.GetWindow(w));
        }
    }

    /// <inheritdoc />
    public ushort ReadQueueMaxSize(int index)
    {
        Write(R.QueueSel, (uint)index);
        return (ushort)Read(R.QueueNumMax);
    }

    /// <inheritdoc />
    public bool IsQueueEnabled(int index)
    {
        Write(R.QueueSel, (uint)index);
        return Read(R.QueueReady) == 1;
    }

    /// <inheritdoc />
    public QueueOperationResult SetupQueue(DriverQueueSetup setup)
    {
        Write(R.QueueSel, (uint)setup.Index);
        if (Read(R.QueueReady) != 0) return QueueOperationResult.Refused($"queue {setup.Index} is already ready");
        if (Read(R.QueueNumMax) == 0) return QueueOperationResult.Refused($"queue {setup.Index} does not exist");
        Write(R.QueueNum, setup.Size);
        Write(R.QueueDescLow, (uint)setup.DescriptorArea);
        Write(R.QueueDescHigh, (uint)(setup.DescriptorArea >> 32));
        Write(R.QueueDriverLow, (uint)setup.DriverArea);
        Write(R.QueueDriverHigh, (uint)(setup.DriverArea >> 32));
        Write(R.QueueDeviceLow, (uint)setup.DeviceArea);
        Write(R.QueueDeviceHigh, (uint)(setup.DeviceArea >> 32));
        Write(R.QueueReady, 1);
        if (Read(R.QueueReady) != 1)
            return QueueOperationResult.Refused(_mmio.LastQueueOperation.Reason ?? $"queue {setup.Index} did not become ready");
        return QueueOperationResult.Ok;
    }

    /// <inheritdoc />
    public QueueOperationResult ResetQueue(int index)
    {
        Write(R.QueueSel, (uint)index);
        Write(R.QueueReset, 1);
        if (Read(R.QueueReset) != 0) return QueueOperationResult.Refused($"queue {index} reset did not complete");
        if (Read(R.QueueReady) != 0)
            return QueueOperationResult.Refused(_mmio.LastQueueOperation.Reason ?? $"queue {index} is still ready after reset");
        return QueueOperationResult.Ok;
    }

    /// <inheritdoc />
    public void Notify(int index, uint? notificationData = null) => Write(R.QueueNotify, notificationData ?? (uint)index);

    /// <inheritdoc />
    public uint ReadConfigGeneration() => Read(R.ConfigGeneration);

    /// <inheritdoc />
    public void ReadDeviceConfig(int offset, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (byte)_mmio.Read((ulong)(R.Config + offset + i), 1);
    }

    /// <inheritdoc />
    public void WriteDeviceConfig(int offset, ReadOnlySpan<byte> source)
    {
        for (int i = 0; i < source.Length; i++) _mmio.Write((ulong)(R.Config + offset + i), 1, source[i]);
    }

    /// <inheritdoc />
    public InterruptCause TakeInterruptStatus()
    {
        uint bits = Read(R.InterruptStatus);
        if (bits != 0) Write(R.InterruptAck, bits);
        return (InterruptCause)(byte)bits;
    }
}
