using Virtsim.Virtio.Status;
using O = Virtsim.Virtio.Transport.Pci.PciCommonConfigOffset;

namespace Virtsim.Virtio.Transport.Pci;

/// <summary>
/// Decodes accesses to struct virtio_pci_common_cfg (spec §4.1.4.3) into calls on the device model. Each field
/// is accessed at its own width; the 64-bit queue addresses also as two aligned 32-bit halves. Other accesses
/// and writes to read-only fields are ignored (reads return 0) and reported through <see cref="Ignored"/>.
/// </summary>
public sealed class PciCommonConfig
{
    private readonly VirtioDeviceModel _model;

    /// <summary>Creates the decoder over <paramref name="model"/>.</summary>
    public PciCommonConfig(VirtioDeviceModel model) => _model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>queue_select.</summary>
    public ushort QueueSelect { get; private set; }

    /// <summary>Raised with a description when an access is ignored.</summary>
    public event Action<string>? Ignored;

    /// <summary>The result of the last queue register operation (enable, reset, size, address writes).</summary>
    public QueueOperationResult LastQueueOperation { get; private set; }

    private VirtqueueRegisters? Selected => QueueSelect < _model.QueueCount ? _model.Queues[QueueSelect] : null;

    /// <summary>Reads <paramref name="size"/> bytes at <paramref name="offset"/> of the structure.</summary>
    public uint Read(int offset, int size)
    {
        if (!Decode(offset, size, out int field, out int half)) { Ignore($"read of {size} bytes at common+0x{offset:x}"); return 0; }
        var q = Selected;
        switch (field)
        {
            case O.DeviceFeatureSelect: return _model.Negotiation.DeviceFeatureSelect;
            case O.DeviceFeature: return _model.ReadDeviceFeatures();
            case O.DriverFeatureSelect: return _model.Negotiation.DriverFeatureSelect;
            case O.DriverFeature: return _model.ReadDriverFeatures();
            case O.ConfigMsixVector: return _model.ConfigMsixVector;
            case O.NumQueues: return (uint)_model.QueueCount;
            case O.DeviceStatus: return (byte)_model.Status;
            case O.ConfigGeneration: return (byte)_model.ConfigGeneration;
            case O.QueueSelect: return QueueSelect;
            case O.QueueSize: return q?.Size ?? 0u;
            case O.QueueMsixVector: return q?.MsixVector ?? MsixVector.NoVector;
            case O.QueueEnable: return q is { Enabled: true } ? 1u : 0u;
            case O.QueueNotifyOff: return q?.NotifyOffset ?? 0u;
            case O.QueueDesc or O.QueueDriver or O.QueueDevice:
                {
                    ulong address = q?.GetArea(AreaOf(field)) ?? 0;
                    return size == 8 ? (uint)address : (uint)(address >> (32 * half));
                }
            case O.QueueNotifConfigData: return q?.NotifConfigData ?? 0u;
            case O.QueueReset: return 0; // resets complete synchronously
            case O.AdminQueueIndex: return (uint)_model.QueueCount;
            case O.AdminQueueNum: return 0;
            default: return 0;
        }
    }

    /// <summary>Writes <paramref name="size"/> bytes at <paramref name="offset"/> of the structure.</summary>
    public void Write(int offset, int size, uint value)
    {
        if (!Decode(offset, size, out int field, out int half)) { Ignore($"write of {size} bytes at common+0x{offset:x}"); return; }
        switch (field)
        {
            case O.DeviceFeatureSelect: _model.Negotiation.DeviceFeatureSelect = value; return;
            case O.DriverFeatureSelect: _model.Negotiation.DriverFeatureSelect = value; return;
            case O.DriverFeature:
                if (!_model.WriteDriverFeatures(value)) Ignore("driver_feature written after FEATURES_OK or past the last window");
                return;
            case O.ConfigMsixVector: _model.WriteConfigMsixVector((ushort)value); return;
            case O.DeviceStatus:
                if (_model.WriteStatus((byte)value).Kind == StatusWriteKind.Reset) QueueSelect = 0;
                return;
            case O.QueueSelect: QueueSelect = (ushort)value; return;
            case O.QueueSize: Track(_model.WriteQueueSize(QueueSelect, (ushort)value)); return;
            case O.QueueMsixVector: _model.WriteQueueMsixVector(QueueSelect, (ushort)value); return;
            case O.QueueEnable:
                if (value == 1) Track(_model.EnableQueue(QueueSelect));
                else Track(QueueOperationResult.Refused($"queue_enable written with {value}: the driver must not write 0"));
                return;
            case O.QueueDesc or O.QueueDriver or O.QueueDevice:
                {
                    var area = AreaOf(field);
                    ulong current = Selected?.GetArea(area) ?? 0;
                    ulong address = half == 0 ? (current & 0xFFFF_FFFF_0000_0000UL) | value : (current & 0xFFFF_FFFFUL) | ((ulong)value << 32);
                    Track(_model.WriteQueueArea(QueueSelect, area, address));
                    return;
                }
            case O.QueueReset:
                if (value == 1) Track(_model.ResetQueue(QueueSelect));
                else Ignore($"queue_reset written with {value}");
                return;
            default:
                Ignore($"write to read-only common+0x{field:x}");
                return;
        }
    }

    /// <summary>Device reset of transport-private registers.</summary>
    public void Reset() => QueueSelect = 0;

    private void Track(QueueOperationResult result)
    {
        LastQueueOperation = result;
        if (!result.Succeeded) Ignore(result.Reason!);
    }

    private void Ignore(string what) => Ignored?.Invoke(what);

    private static QueueArea AreaOf(int field) => field switch
    {
        O.QueueDesc => QueueArea.Descriptor,
        O.QueueDriver => QueueArea.Driver,
        _ => QueueArea.Device,
    };

    // Finds the field an access targets: exactly a field at its width, or a 32-bit half of a 64-bit field.
    private static bool Decode(int offset, int size, out int field, out int half)
    {
        half = 0;
        field = offset;
        int width = O.WidthAt(offset);
        if (width == size) return true;
        if (width == 8 && size == 4) return true;
        if (size == 4 && offset >= 4 && O.WidthAt(offset - 4) == 8)
        {
            field = offset - 4;
            half = 1;
            return true;
        }
        return false;
    }
}
