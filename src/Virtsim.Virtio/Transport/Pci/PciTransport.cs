using System.Buffers.Binary;
using System.Numerics;
using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Transport.Pci;

/// <summary>
/// A modern (non-transitional) virtio PCI function (spec §4.1) at register level: configuration space with the
/// MSI-X capability and the virtio capabilities (COMMON, NOTIFY, ISR, DEVICE, PCI_CFG), and the two BARs of
/// <see cref="PciLayout"/>. Accesses never throw: anything malformed is ignored and counted.
/// </summary>
public sealed class PciTransport
{
    private readonly PciConfigSpace _config = new();
    private readonly PciCommonConfig _common;
    private readonly int _msixCap;
    private readonly int _pciCfgCap;
    private readonly uint _notifyLength;

    /// <summary>Creates the PCI function around <paramref name="model"/> and attaches its MSI-X table to it.</summary>
    public PciTransport(VirtioDeviceModel model, PciTransportOptions? options = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Options = options ?? new PciTransportOptions();
        uint multiplier = Options.NotifyOffMultiplier;
        if (multiplier != 0 && (multiplier % 4 != 0 || !BitOperations.IsPow2(multiplier)))
            throw new ArgumentException($"notify_off_multiplier {multiplier} must be 0 or a power of two multiple of 4", nameof(options));
        if (model.Handler.ConfigSize > PciLayout.MaxDeviceConfigSize)
            throw new ArgumentException($"device config of {model.Handler.ConfigSize} bytes exceeds {PciLayout.MaxDeviceConfigSize}", nameof(model));
        int vectors = Options.MsixVectors ?? model.QueueCount + 1;
        if (vectors < 1 || vectors > PciLayout.MaxMsixVectors)
            throw new ArgumentException($"MSI-X table size {vectors} is outside 1..{PciLayout.MaxMsixVectors}", nameof(options));

        Msix = new MsixTable(vectors, model.Interrupts);
        model.VectorController = Msix;
        _common = new PciCommonConfig(model);
        _common.Ignored += OnIgnored;
        NotifyOffMultiplier = multiplier;
        _notifyLength = Math.Max(4u, (uint)Math.Max(1, model.QueueCount) * Math.Max(multiplier, 4u));
        VirtioBarSize = BitOperations.RoundUpToPowerOf2(Math.Max(0x4000u, PciLayout.NotifyOffset + _notifyLength));

        BuildHeader();
        _msixCap = AddMsixCapability(vectors);
        AddVirtioCapability(PciCapabilityType.CommonConfig, 16, PciLayout.CommonOffset, PciCommonConfigOffset.Length);
        int notify = AddVirtioCapability(PciCapabilityType.NotifyConfig, 20, PciLayout.NotifyOffset, _notifyLength);
        _config.Set(notify + 16, 4, multiplier);
        AddVirtioCapability(PciCapabilityType.IsrConfig, 16, PciLayout.IsrOffset, 1);
        if (model.Handler.ConfigSize > 0)
            AddVirtioCapability(PciCapabilityType.DeviceConfig, 16, PciLayout.DeviceConfigOffset, (uint)model.Handler.ConfigSize);
        _pciCfgCap = AddVirtioCapability(PciCapabilityType.PciConfig, 20, 0, 0);
        _config.SetWritable(_pciCfgCap + 4, 1, 0xFF);           // cap.bar
        _config.SetWritable(_pciCfgCap + 8, 4, 0xFFFF_FFFF);    // cap.offset
        _config.SetWritable(_pciCfgCap + 12, 4, 0xFFFF_FFFF);   // cap.length
        _config.SetWritable(_pciCfgCap + 16, 4, 0xFFFF_FFFF);   // pci_cfg_data
    }

    /// <summary>Creates the device model and the PCI function in one step.</summary>
    public static PciTransport Create(IDeviceHandler handler, DeviceMemory memory, DeviceQueueFactory queueFactory,
        IInterruptSink interrupts, PciTransportOptions? options = null) =>
        new(new VirtioDeviceModel(handler, memory, queueFactory, interrupts), options);

    /// <summary>The device model behind the registers.</summary>
    public VirtioDeviceModel Model { get; }

    /// <summary>The options this function was built with.</summary>
    public PciTransportOptions Options { get; }

    /// <summary>The MSI-X table (BAR 1).</summary>
    public MsixTable Msix { get; }

    /// <summary>PCI Vendor ID (0x1AF4).</summary>
    public ushort VendorId => PciLayout.VendorId;

    /// <summary>PCI Device ID: 0x1040 plus the device type.</summary>
    public ushort DeviceId => (ushort)(PciLayout.ModernDeviceIdBase + (ushort)Model.Handler.Type);

    /// <summary>notify_off_multiplier.</summary>
    public uint NotifyOffMultiplier { get; }

    /// <summary>Size of the 64-bit BAR holding the virtio structures.</summary>
    public uint VirtioBarSize { get; }

    /// <summary>queue_select of the common configuration.</summary>
    public ushort QueueSelect => _common.QueueSelect;

    /// <summary>Number of ignored accesses (bad size, offset, read-only field, refused queue operation).</summary>
    public int IgnoredAccesses { get; private set; }

    /// <summary>Description of the last ignored access.</summary>
    public string? LastIgnoredAccess { get; private set; }

    /// <summary>The outcome of the last doorbell.</summary>
    public NotifyResult? LastNotify { get; private set; }

    /// <summary>The outcome of the last queue register operation.</summary>
    public QueueOperationResult LastQueueOperation => _common.LastQueueOperation;

    /// <summary>Offset in <see cref="PciLayout.VirtioBar"/> of queue <paramref name="index"/>'s doorbell (cap.offset + queue_notify_off * multiplier).</summary>
    public ulong GetNotifyOffset(int index) =>
        PciLayout.NotifyOffset + (ulong)((uint)index < (uint)Model.QueueCount ? Model.Queues[index].NotifyOffset : 0) * NotifyOffMultiplier;

    // ---- configuration space -------------------------------------------------------------------------------

    /// <summary>Reads <paramref name="size"/> (1, 2 or 4) bytes of configuration space.</summary>
    public uint ReadConfigSpace(int offset, int size)
    {
        if (!ConfigAccessValid(offset, size)) { OnIgnored($"config space read of {size} bytes at 0x{offset:x}"); return 0; }
        RefreshStatusRegister();
        if (Overlaps(offset, size, _pciCfgCap + 16, 4)) LoadPciCfgData();
        return _config.Read(offset, size);
    }

    /// <summary>Writes <paramref name="size"/> (1, 2 or 4) bytes of configuration space; read-only bits are kept.</summary>
    public void WriteConfigSpace(int offset, int size, uint value)
    {
        if (!ConfigAccessValid(offset, size)) { OnIgnored($"config space write of {size} bytes at 0x{offset:x}"); return; }
        _config.Write(offset, size, value);
        if (Overlaps(offset, size, PciLayout.CommandRegister, 2))
            Model.InterruptLineDisabled = (_config.Read(PciLayout.CommandRegister, 2) & 0x400) != 0;
        if (Overlaps(offset, size, _msixCap + 2, 2))
        {
            uint control = _config.Read(_msixCap + 2, 2);
            Msix.SetControl((control & 0x8000) != 0, (control & 0x4000) != 0);
            Model.UpdateLine();
        }
        if (Overlaps(offset, size, _pciCfgCap + 16, 4)) StorePciCfgData();
    }

    private static bool ConfigAccessValid(int offset, int size) =>
        size is 1 or 2 or 4 && offset >= 0 && offset + size <= PciLayout.ConfigSpaceSize;

    private static bool Overlaps(int offset, int size, int start, int length) => offset < start + length && start < offset + size;

    private void RefreshStatusRegister()
    {
        uint status = _config.Read(PciLayout.StatusRegister, 2) & ~0x8u;
        if (Model.InterruptStatus != InterruptCause.None && !Msix.Enabled) status |= 0x8; // Interrupt Status: ISR pending while INTx mode, even if Interrupt Disable masks the pin
        _config.Set(PciLayout.StatusRegister, 2, status);
    }

    private bool TryPciCfgWindow(out int bar, out ulong offset, out int length)
    {
        bar = (int)_config.Read(_pciCfgCap + 4, 1);
        offset = _config.Read(_pciCfgCap + 8, 4);
        length = (int)_config.Read(_pciCfgCap + 12, 4);
        return length is 1 or 2 or 4 && offset % (ulong)length == 0;
    }

    private void LoadPciCfgData()
    {
        if (!TryPciCfgWindow(out int bar, out ulong offset, out int length)) { OnIgnored("pci_cfg_data read with an invalid window"); return; }
        _config.Set(_pciCfgCap + 16, 4, ReadBar(bar, offset, length));
    }

    private void StorePciCfgData()
    {
        if (!TryPciCfgWindow(out int bar, out ulong offset, out int length)) { OnIgnored("pci_cfg_data write with an invalid window"); return; }
        uint data = _config.Read(_pciCfgCap + 16, 4);
        WriteBar(bar, offset, length, length == 4 ? data : data & ((1u << (8 * length)) - 1));
    }

    // ---- BARs ----------------------------------------------------------------------------------------------

    /// <summary>Reads <paramref name="size"/> (1, 2 or 4) bytes at <paramref name="offset"/> within BAR <paramref name="bar"/>.</summary>
    public uint ReadBar(int bar, ulong offset, int size)
    {
        if (size is not (1 or 2 or 4)) { OnIgnored($"BAR{bar} read of {size} bytes"); return 0; }
        if (bar == PciLayout.MsixBar)
        {
            if (offset >= PciLayout.MsixPbaOffset) return (uint)Msix.ReadPba(offset - PciLayout.MsixPbaOffset, size);
            return (uint)Msix.ReadTable(offset - PciLayout.MsixTableOffset, size);
        }
        if (bar != PciLayout.VirtioBar) { OnIgnored($"read of unimplemented BAR{bar}"); return 0; }

        if (offset < PciLayout.CommonOffset + PciCommonConfigOffset.Length)
            return _common.Read((int)(offset - PciLayout.CommonOffset), size);
        if (offset == PciLayout.IsrOffset)
            return (byte)Model.ReadAndClearInterruptStatus();
        if (offset >= PciLayout.DeviceConfigOffset && offset < PciLayout.DeviceConfigOffset + (ulong)Model.Handler.ConfigSize)
        {
            Span<byte> bytes = stackalloc byte[4];
            Model.ReadConfig((int)(offset - PciLayout.DeviceConfigOffset), bytes[..size]);
            return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        }
        if (offset < VirtioBarSize) return 0; // ISR padding, notify area (write-only), gaps
        OnIgnored($"BAR{bar} read past its end at 0x{offset:x}");
        return 0;
    }

    /// <summary>Writes <paramref name="size"/> (1, 2 or 4) bytes at <paramref name="offset"/> within BAR <paramref name="bar"/>.</summary>
    public void WriteBar(int bar, ulong offset, int size, uint value)
    {
        if (size is not (1 or 2 or 4)) { OnIgnored($"BAR{bar} write of {size} bytes"); return; }
        if (bar == PciLayout.MsixBar)
        {
            if (offset < PciLayout.MsixPbaOffset) Msix.WriteTable(offset - PciLayout.MsixTableOffset, size, value);
            else OnIgnored("write to the read-only MSI-X PBA");
            return;
        }
        if (bar != PciLayout.VirtioBar) { OnIgnored($"write to unimplemented BAR{bar}"); return; }

        if (offset < PciLayout.CommonOffset + PciCommonConfigOffset.Length)
        {
            _common.Write((int)(offset - PciLayout.CommonOffset), size, value);
            return;
        }
        if (offset >= PciLayout.DeviceConfigOffset && offset < PciLayout.DeviceConfigOffset + (ulong)Model.Handler.ConfigSize)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
            if (!Model.WriteConfig((int)(offset - PciLayout.DeviceConfigOffset), bytes[..size])) OnIgnored("device config write ignored");
            return;
        }
        if (offset >= PciLayout.NotifyOffset && offset < PciLayout.NotifyOffset + _notifyLength)
        {
            Doorbell(offset - PciLayout.NotifyOffset, size, value);
            return;
        }
        OnIgnored($"BAR{bar} write at 0x{offset:x} hits no writable register");
    }

    private void Doorbell(ulong relative, int size, uint value)
    {
        if (size == 1) { OnIgnored("1-byte doorbell write"); return; }
        var negotiated = Model.NegotiatedFeatures;
        uint? data = size == 4 && negotiated.Has(FeatureBit.NotificationData) ? value : null;
        int index = Model.ResolveNotifyIdentifier((ushort)value);
        if (index < 0)
        {
            Record(new NotifyResult(NotifyOutcome.Ignored, -1, Reason: $"doorbell names no queue (0x{(ushort)value:x})"));
            return;
        }
        if (NotifyOffMultiplier != 0 && relative != (ulong)Model.Queues[index].NotifyOffset * NotifyOffMultiplier)
        {
            Record(new NotifyResult(NotifyOutcome.Ignored, index, Reason: $"doorbell for queue {index} written at notify+0x{relative:x}, not at its own address"));
            return;
        }
        Record(Model.Notify(index, data));
    }

    private void Record(NotifyResult result)
    {
        LastNotify = result;
        if (result.Outcome == NotifyOutcome.Ignored) OnIgnored(result.Reason ?? "doorbell ignored");
    }

    private void OnIgnored(string what)
    {
        IgnoredAccesses++;
        LastIgnoredAccess = what;
    }

    // ---- layout --------------------------------------------------------------------------------------------

    private void BuildHeader()
    {
        _config.Set(PciLayout.VendorIdRegister, 2, VendorId);
        _config.Set(PciLayout.DeviceIdRegister, 2, DeviceId);
        _config.SetWritable(PciLayout.CommandRegister, 2, 0x0547); // I/O, memory, bus master, parity, SERR, INTx disable
        _config.Set(PciLayout.RevisionRegister, 1, PciLayout.RevisionId);
        var (classCode, subclass) = ClassOf(Model.Handler.Type);
        _config.Set(0x0A, 1, subclass);
        _config.Set(0x0B, 1, classCode);
        // BAR 1: 32-bit memory, MsixBarSize bytes. BAR 4/5: 64-bit memory, VirtioBarSize bytes.
        _config.SetWritable(PciLayout.Bar0Register + 4 * PciLayout.MsixBar, 4, ~(PciLayout.MsixBarSize - 1));
        _config.Set(PciLayout.Bar0Register + 4 * PciLayout.VirtioBar, 4, 0x4);
        _config.SetWritable(PciLayout.Bar0Register + 4 * PciLayout.VirtioBar, 4, ~(VirtioBarSize - 1) & 0xFFFF_FFF0);
        _config.SetWritable(PciLayout.Bar0Register + 4 * (PciLayout.VirtioBar + 1), 4, 0xFFFF_FFFF);
        _config.Set(PciLayout.SubsystemVendorIdRegister, 2, Options.SubsystemVendorId);
        _config.Set(PciLayout.SubsystemIdRegister, 2, Options.SubsystemId);
        _config.SetWritable(PciLayout.InterruptLineRegister, 1, 0xFF);
        _config.Set(PciLayout.InterruptPinRegister, 1, 1); // INTA#
    }

    private int AddMsixCapability(int vectors)
    {
        int at = _config.AddCapability(PciLayout.MsixCapabilityId, 12);
        _config.Set(at + 2, 2, (uint)(vectors - 1));
        _config.SetWritable(at + 2, 2, 0xC000); // Enable, Function Mask
        _config.Set(at + 4, 4, PciLayout.MsixTableOffset | PciLayout.MsixBar);
        _config.Set(at + 8, 4, PciLayout.MsixPbaOffset | PciLayout.MsixBar);
        return at;
    }

    private int AddVirtioCapability(PciCapabilityType type, int length, uint offset, uint regionLength)
    {
        int at = _config.AddCapability(PciLayout.VendorCapabilityId, length);
        _config.Set(at + 2, 1, (uint)length);
        _config.Set(at + 3, 1, (uint)type);
        _config.Set(at + 4, 1, type == PciCapabilityType.PciConfig ? 0u : PciLayout.VirtioBar);
        _config.Set(at + 8, 4, offset);
        _config.Set(at + 12, 4, regionLength);
        return at;
    }

    private static (byte Class, byte Subclass) ClassOf(DeviceType type) => type switch
    {
        DeviceType.Net => (0x02, 0x00),
        DeviceType.Block => (0x01, 0x80),
        DeviceType.Scsi => (0x01, 0x00),
        DeviceType.Console => (0x07, 0x80),
        DeviceType.Gpu => (0x03, 0x80),
        DeviceType.Input => (0x09, 0x80),
        _ => (0xFF, 0x00),
    };
}
