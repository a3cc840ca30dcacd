using System.Buffers.Binary;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;
using R = Virtsim.Virtio.Transport.Mmio.MmioRegister;

namespace Virtsim.Virtio.Transport.Mmio;

/// <summary>
/// A virtio-mmio version 2 device (spec §4.2) at register level. Control registers take aligned 32-bit
/// accesses only; the device configuration at 0x100 takes 1, 2 and 4-byte accesses. Accesses never throw:
/// anything malformed, write-only reads and read-only writes are ignored (reads return 0) and counted.
/// </summary>
public sealed class MmioTransport
{
    /// <summary>Creates the MMIO device around <paramref name="model"/>.</summary>
    /// <param name="model">The device model.</param>
    /// <param name="vendorId">The VendorID register value.</param>
    public MmioTransport(VirtioDeviceModel model, uint vendorId = 0x1AF4)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        VendorId = vendorId;
    }

    /// <summary>Creates the device model and the MMIO device in one step.</summary>
    public static MmioTransport Create(IDeviceHandler handler, DeviceMemory memory, DeviceQueueFactory queueFactory,
        IInterruptSink interrupts, uint vendorId = 0x1AF4) =>
        new(new VirtioDeviceModel(handler, memory, queueFactory, interrupts), vendorId);

    /// <summary>The device model behind the registers.</summary>
    public VirtioDeviceModel Model { get; }

    /// <summary>The VendorID register value.</summary>
    public uint VendorId { get; }

    /// <summary>QueueSel.</summary>
    public uint QueueSel { get; private set; }

    /// <summary>SHMSel (no shared memory regions exist).</summary>
    public uint ShmSel { get; private set; }

    /// <summary>Size of the register window including the device configuration.</summary>
    public int WindowSize => R.Config + Model.Handler.ConfigSize;

    /// <summary>Number of ignored accesses.</summary>
    public int IgnoredAccesses { get; private set; }

    /// <summary>Description of the last ignored access.</summary>
    public string? LastIgnoredAccess { get; private set; }

    /// <summary>The outcome of the last doorbell.</summary>
    public NotifyResult? LastNotify { get; private set; }

    /// <summary>The outcome of the last queue register operation.</summary>
    public QueueOperationResult LastQueueOperation { get; private set; }

    private VirtqueueRegisters? Selected => QueueSel < (uint)Model.QueueCount ? Model.Queues[(int)QueueSel] : null;

    /// <summary>Reads <paramref name="size"/> bytes at <paramref name="offset"/>.</summary>
    public uint Read(ulong offset, int size)
    {
        if (offset >= R.Config) return ReadConfig(offset - R.Config, size);
        if (size != 4 || offset % 4 != 0) { Ignore($"read of {size} bytes at 0x{offset:x}: control registers are 32-bit"); return 0; }
        var q = Selected;
        switch ((int)offset)
        {
            case R.MagicValue: return R.Magic;
            case R.Version: return R.CurrentVersion;
            case R.DeviceId: return (uint)Model.Handler.Type;
            case R.VendorId: return VendorId;
            case R.DeviceFeatures: return Model.ReadDeviceFeatures();
            case R.QueueNumMax: return q?.MaxSize ?? 0u;
            case R.QueueReady: return q is { Enabled: true } ? 1u : 0u;
            case R.InterruptStatus: return (uint)Model.InterruptStatus;
            case R.Status: return (uint)Model.Status;
            case R.ShmLenLow or R.ShmLenHigh or R.ShmBaseLow or R.ShmBaseHigh: return 0xFFFF_FFFF; // no such region
            case R.QueueReset: return 0; // resets complete synchronously
            case R.ConfigGeneration: return Model.ConfigGeneration;
            default:
                Ignore($"read of write-only or unknown register 0x{offset:x}");
                return 0;
        }
    }

    /// <summary>Writes <paramref name="size"/> bytes of <paramref name="value"/> at <paramref name="offset"/>.</summary>
    public void Write(ulong offset, int size, uint value)
    {
        if (offset >= R.Config) { WriteConfig(offset - R.Config, size, value); return; }
        if (size != 4 || offset % 4 != 0) { Ignore($"write of {size} bytes at 0x{offset:x}: control registers are 32-bit"); return; }
        switch ((int)offset)
        {
            case R.DeviceFeaturesSel: Model.Negotiation.DeviceFeatureSelect = value; return;
            case R.DriverFeatures:
                if (!Model.WriteDriverFeatures(value)) Ignore("DriverFeatures written after FEATURES_OK or past the last window");
                return;
            case R.DriverFeaturesSel: Model.Negotiation.DriverFeatureSelect = value; return;
            case R.QueueSel: QueueSel = value; return;
            case R.QueueNum:
                if (value > ushort.MaxValue) { Track(QueueOperationResult.Refused($"QueueNum {value} is too large")); return; }
                Track(Model.WriteQueueSize(SelectedIndex, (ushort)value));
                return;
            case R.QueueReady:
                Track(value switch
                {
                    1 => Model.EnableQueue(SelectedIndex),
                    0 => Model.DisableQueue(SelectedIndex),
                    _ => QueueOperationResult.Refused($"QueueReady written with {value}"),
                });
                return;
            case R.QueueNotify: Doorbell(value); return;
            case R.InterruptAck: Model.AcknowledgeInterrupts(value); return;
            case R.Status:
                if (value > byte.MaxValue) { Ignore($"Status written with 0x{value:x}: only 8 bits exist"); return; }
                if (Model.WriteStatus((byte)value).Kind == StatusWriteKind.Reset) QueueSel = 0;
                return;
            case R.QueueDescLow: WriteArea(QueueArea.Descriptor, false, value); return;
            case R.QueueDescHigh: WriteArea(QueueArea.Descriptor, true, value); return;
            case R.QueueDriverLow: WriteArea(QueueArea.Driver, false, value); return;
            case R.QueueDriverHigh: WriteArea(QueueArea.Driver, true, value); return;
            case R.QueueDeviceLow: WriteArea(QueueArea.Device, false, value); return;
            case R.QueueDeviceHigh: WriteArea(QueueArea.Device, true, value); return;
            case R.ShmSel: ShmSel = value; return;
            case R.QueueReset:
                if (value == 1) Track(Model.ResetQueue(SelectedIndex));
                else Ignore($"QueueReset written with {value}");
                return;
            default:
                Ignore($"write to read-only or unknown register 0x{offset:x}");
                return;
        }
    }

    private int SelectedIndex => QueueSel <= int.MaxValue ? (int)QueueSel : -1;

    private void WriteArea(QueueArea area, bool high, uint value)
    {
        ulong current = Selected?.GetArea(area) ?? 0;
        ulong address = high ? (current & 0xFFFF_FFFFUL) | ((ulong)value << 32) : (current & 0xFFFF_FFFF_0000_0000UL) | value;
        Track(Model.WriteQueueArea(SelectedIndex, area, address));
    }

    private void Doorbell(uint value)
    {
        uint? data = Model.NegotiatedFeatures.Has(FeatureBit.NotificationData) ? value : null;
        int index = data.HasValue ? (ushort)value : value <= ushort.MaxValue ? (int)value : -1;
        if (index < 0 || index >= Model.QueueCount)
        {
            Record(new NotifyResult(NotifyOutcome.Ignored, -1, Reason: $"QueueNotify names no queue (0x{value:x})"));
            return;
        }
        Record(Model.Notify(index, data));
    }

    private uint ReadConfig(ulong offset, int size)
    {
        if (!ConfigAccessValid(offset, size)) { Ignore($"config read of {size} bytes at config+0x{offset:x}"); return 0; }
        Span<byte> bytes = stackalloc byte[4];
        Model.ReadConfig((int)offset, bytes[..size]);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    private void WriteConfig(ulong offset, int size, uint value)
    {
        if (!ConfigAccessValid(offset, size)) { Ignore($"config write of {size} bytes at config+0x{offset:x}"); return; }
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        if (!Model.WriteConfig((int)offset, bytes[..size])) Ignore("device config write ignored");
    }

    private bool ConfigAccessValid(ulong offset, int size) =>
        size is 1 or 2 or 4 && offset % (ulong)size == 0 && offset + (ulong)size <= (ulong)Model.Handler.ConfigSize;

    private void Track(QueueOperationResult result)
    {
        LastQueueOperation = result;
        if (!result.Succeeded) Ignore(result.Reason!);
    }

    private void Record(NotifyResult result)
    {
        LastNotify = result;
        if (result.Outcome == NotifyOutcome.Ignored) Ignore(result.Reason ?? "doorbell ignored");
    }

    private void Ignore(string what)
    {
        IgnoredAccesses++;
        LastIgnoredAccess = what;
    }
}
