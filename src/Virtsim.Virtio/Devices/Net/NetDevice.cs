using System.Buffers.Binary;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices.Net;

/// <summary>
/// virtio-net (spec §5.1) as a pure request handler. Transmit queues strip the header and hand frames to an
/// <see cref="INetFrameSink"/>; <see cref="ReceiveFrame(ReadOnlySpan{byte}, IDeviceQueue)"/> fills receive buffers;
/// the control queue programs MAC, RX mode, VLAN, multiqueue and hash settings. Bad input never throws: a bad
/// transmit chain is dropped and counted, a bad control command is answered with ERR.
/// </summary>
public sealed partial class NetDevice : RequestDeviceBase
{
    private static readonly (int Feature, int[] Needs, bool AnyOf)[] Dependencies =
    [
        (NetFeatureBit.GuestTso4, [NetFeatureBit.GuestCsum], false),
        (NetFeatureBit.GuestTso6, [NetFeatureBit.GuestCsum], false),
        (NetFeatureBit.GuestEcn, [NetFeatureBit.GuestTso4, NetFeatureBit.GuestTso6], true),
        (NetFeatureBit.GuestUfo, [NetFeatureBit.GuestCsum], false),
        (GuestUso4Bit, [NetFeatureBit.GuestCsum], false),
        (GuestUso6Bit, [NetFeatureBit.GuestCsum], false),
        (NetFeatureBit.HostTso4, [NetFeatureBit.Csum], false),
        (NetFeatureBit.HostTso6, [NetFeatureBit.Csum], false),
        (NetFeatureBit.HostEcn, [NetFeatureBit.HostTso4, NetFeatureBit.HostTso6], true),
        (NetFeatureBit.HostUfo, [NetFeatureBit.Csum], false),
        (NetFeatureBit.HostUso, [NetFeatureBit.Csum], false),
        (NetFeatureBit.CtrlRx, [NetFeatureBit.CtrlVq], false),
        (CtrlRxExtraBit, [NetFeatureBit.CtrlRx], false),
        (NetFeatureBit.CtrlVlan, [NetFeatureBit.CtrlVq], false),
        (NetFeatureBit.GuestAnnounce, [NetFeatureBit.CtrlVq], false),
        (NetFeatureBit.Mq, [NetFeatureBit.CtrlVq], false),
        (NetFeatureBit.CtrlMacAddr, [NetFeatureBit.CtrlVq], false),
        (NotfCoalBit, [NetFeatureBit.CtrlVq], false),
        (VqNotfCoalBit, [NetFeatureBit.CtrlVq], false),
        (NetFeatureBit.RscExt, [NetFeatureBit.HostTso4, NetFeatureBit.HostTso6], true),
        (NetFeatureBit.Rss, [NetFeatureBit.CtrlVq], false),
    ];

    /// <summary>VIRTIO_NET_F_CTRL_RX_EXTRA (not in <see cref="NetFeatureBit"/>).</summary>
    public const int CtrlRxExtraBit = 20;
    /// <summary>VIRTIO_NET_F_VQ_NOTF_COAL.</summary>
    public const int VqNotfCoalBit = 52;
    /// <summary>VIRTIO_NET_F_NOTF_COAL.</summary>
    public const int NotfCoalBit = 53;
    /// <summary>VIRTIO_NET_F_GUEST_USO4.</summary>
    public const int GuestUso4Bit = 54;
    /// <summary>VIRTIO_NET_F_GUEST_USO6.</summary>
    public const int GuestUso6Bit = 55;

    private readonly NetDeviceOptions _options;
    private readonly INetFrameSink? _sink;
    private readonly byte[] _mac = new byte[6];
    private readonly ChainHandler[] _txHandlers;
    private readonly ChainHandler _controlHandler;
    private byte[] _txBuffer = new byte[2048];
    private ushort _status;

    /// <summary>Creates a network device whose transmitted frames go to <paramref name="sink"/> (dropped when null).</summary>
    public NetDevice(INetFrameSink? sink, NetDeviceOptions? options = null)
        : base(Offer(options ?? new NetDeviceOptions()))
    {
        _options = options ?? new NetDeviceOptions();
        if (_options.Mac is not { Length: 6 }) throw new ArgumentException("the MAC address must be 6 bytes", nameof(options));
        if (_options.MaxQueuePairs is < 1 or > 0x8000) throw new ArgumentException("max_virtqueue_pairs must be 1..0x8000", nameof(options));
        _sink = sink;
        MaxQueueSize = _options.QueueSize;
        _txHandlers = new ChainHandler[MaxPairs];
        for (int pair = 0; pair < MaxPairs; pair++)
        {
            int p = pair;
            _txHandlers[pair] = (chain, memory) => HandleTransmit(p, chain, memory);
        }
        _controlHandler = HandleControl;
        _status = _options.LinkUp ? NetConfigLayout.StatusLinkUp : (ushort)0;
        ResetState();
    }

    private static FeatureSet Offer(NetDeviceOptions options) =>
        options.DeviceFeatures | options.RingFeatures | FeatureSet.Of(FeatureBit.Version1);

    /// <inheritdoc />
    public override DeviceType Type => DeviceType.Net;

    /// <summary>Queue pairs the device has: max_virtqueue_pairs with MQ offered, else 1.</summary>
    public int MaxPairs => OfferedFeatures.Has(NetFeatureBit.Mq) ? _options.MaxQueuePairs : 1;

    /// <inheritdoc />
    public override int QueueCount => 2 * MaxPairs + (OfferedFeatures.Has(NetFeatureBit.CtrlVq) ? 1 : 0);

    /// <summary>Queue pairs in the negotiated layout (N): max_virtqueue_pairs with MQ negotiated, else 1.</summary>
    public int LayoutPairs => Negotiated.Has(NetFeatureBit.Mq) ? _options.MaxQueuePairs : 1;

    /// <summary>The control queue's index in the negotiated layout, or -1 without CTRL_VQ.</summary>
    public int ControlQueueIndex => Negotiated.Has(NetFeatureBit.CtrlVq) ? NetQueueLayout.ControlQueue(LayoutPairs) : -1;

    /// <summary>Queue pairs the driver enabled with VQ_PAIRS_SET (1 after reset).</summary>
    public int ActivePairs { get; private set; } = 1;

    /// <inheritdoc />
    public override int ConfigSize => NetConfigLayout.Size;

    /// <summary>The current MAC address (config <c>mac</c>).</summary>
    public ReadOnlySpan<byte> Mac => _mac;

    /// <summary>True when the link is up.</summary>
    public bool IsLinkUp => (_status & NetConfigLayout.StatusLinkUp) != 0;

    /// <summary>The config status field.</summary>
    public ushort Status => _status;

    /// <summary>The receive filter state.</summary>
    public NetRxFilter Filter { get; } = new();

    /// <summary>Counters.</summary>
    public NetStatistics Statistics { get; } = new();

    /// <summary>Hash types enabled for HASH_REPORT (<see cref="NetHashType"/> bits).</summary>
    public uint EnabledHashTypes { get; private set; }

    /// <summary>The hash key in use.</summary>
    public ReadOnlySpan<byte> HashKey => _hashKey;
    private byte[] _hashKey = [];

    /// <summary>Guest offloads enabled by CTRL_GUEST_OFFLOADS (feature-bit mask), the negotiated GUEST_* bits at start.</summary>
    public ulong GuestOffloads { get; private set; }

    /// <summary>The header size in force (10, 12 or 20).</summary>
    public int HeaderSize => NetHeader.SizeFor(Negotiated);

    /// <summary>Sets the link state; a change raises ConfigChanged when the device offers STATUS.</summary>
    public void SetLinkUp(bool up)
    {
        ushort status = up ? (ushort)(_status | NetConfigLayout.StatusLinkUp) : (ushort)(_status & ~NetConfigLayout.StatusLinkUp);
        if (status == _status) return;
        _status = status;
        if (OfferedFeatures.Has(NetFeatureBit.Status)) RaiseConfigChanged();
    }

    /// <summary>
    /// Asks the driver to announce itself (after a migration): sets VIRTIO_NET_S_ANNOUNCE and raises ConfigChanged.
    /// Returns false (and does nothing) unless GUEST_ANNOUNCE was negotiated.
    /// </summary>
    public bool Announce()
    {
        if (!Negotiated.Has(NetFeatureBit.GuestAnnounce) || !Negotiated.Has(NetFeatureBit.Status)) return false;
        _status |= NetConfigLayout.StatusAnnounce;
        RaiseConfigChanged();
        return true;
    }

    /// <inheritdoc />
    protected override string? CheckFeatures(FeatureSet accepted)
    {
        foreach (var (feature, needs, anyOf) in Dependencies)
        {
            if (!accepted.Has(feature)) continue;
            bool ok = anyOf ? needs.Any(accepted.Has) : needs.All(accepted.Has);
            if (ok) continue;
            string names = string.Join(anyOf ? " or " : " and ", needs.Select(n => FeatureNames.NameOf(n, DeviceType.Net)));
            return $"{FeatureNames.NameOf(feature, DeviceType.Net)} requires {names}";
        }
        return null;
    }

    /// <inheritdoc />
    protected override void OnFeaturesAccepted(FeatureSet accepted)
    {
        base.OnFeaturesAccepted(accepted);
        Filter.VlanFiltering = accepted.Has(NetFeatureBit.CtrlVlan);
        GuestOffloads = accepted.Low & GuestOffloadMask;
    }

    private const ulong GuestOffloadMask =
        (1UL << NetFeatureBit.GuestCsum) | (1UL << NetFeatureBit.GuestTso4) | (1UL << NetFeatureBit.GuestTso6) |
        (1UL << NetFeatureBit.GuestEcn) | (1UL << NetFeatureBit.GuestUfo) | (1UL << GuestUso4Bit) | (1UL << GuestUso6Bit);

    /// <inheritdoc />
    protected override void OnReset() => ResetState();

    private void ResetState()
    {
        _options.Mac.CopyTo(_mac, 0);
        _status &= NetConfigLayout.StatusLinkUp;
        ActivePairs = 1;
        Filter.Reset();
        Filter.VlanFiltering = Negotiated.Has(NetFeatureBit.CtrlVlan);
        EnabledHashTypes = _options.InitialHashTypes & NetHashType.Supported;
        _hashKey = NetFlowHash.DefaultKey.ToArray();
        GuestOffloads = Negotiated.Low & GuestOffloadMask;
    }

    /// <inheritdoc />
    protected override void BuildConfig(Span<byte> c)
    {
        c.Clear();
        var f = OfferedFeatures;
        _mac.CopyTo(c);
        BinaryPrimitives.WriteUInt16LittleEndian(c[NetConfigLayout.Status..], _status);
        BinaryPrimitives.WriteUInt16LittleEndian(c[NetConfigLayout.MaxVirtqueuePairs..], (ushort)MaxPairs);
        if (f.Has(NetFeatureBit.Mtu)) BinaryPrimitives.WriteUInt16LittleEndian(c[NetConfigLayout.Mtu..], _options.Mtu);
        if (f.Has(NetFeatureBit.SpeedDuplex))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(c[NetConfigLayout.Speed..], _options.Speed);
            c[NetConfigLayout.Duplex] = _options.Duplex;
        }
        if (f.Has(NetFeatureBit.HashReport))
        {
            c[NetConfigLayout.RssMaxKeySize] = NetFlowHash.MaxKeySize;
            BinaryPrimitives.WriteUInt32LittleEndian(c[NetConfigLayout.SupportedHashTypes..], NetHashType.Supported);
        }
    }

    /// <inheritdoc />
    public override QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (queueIndex == ControlQueueIndex) return ServeAll(queue, _controlHandler);
        if (NetQueueLayout.IsTransmit(queueIndex, LayoutPairs) && queueIndex < QueueCount)
            return ServeAll(queue, _txHandlers[NetQueueLayout.PairOf(queueIndex)]);
        // A receive queue doorbell only says buffers were added: frames arrive through ReceiveFrame.
        return default;
    }

    /// <summary>Serves one transmit chain: header, then the frame to the sink. Transmit chains are used with length 0.</summary>
    private uint HandleTransmit(int pair, DescriptorChain chain, DeviceMemory memory)
    {
        int headerSize = HeaderSize;
        if (Negotiated.Has(NetFeatureBit.Status) && !IsLinkUp)
        {
            Statistics.TxDropped++; // nothing is attached to an unplugged cable
            return 0;
        }
        // Shorter than the header the driver MUST place first (spec 5.1.6.2): nothing to send, and no status to say so.
        if (chain.ReadableLength < (ulong)headerSize) return RejectRequest;
        if (chain.ReadableLength - (ulong)headerSize > (ulong)_options.MaxFrameSize)
        {
            Statistics.TxDropped++;
            return 0;
        }
        int length = (int)(chain.ReadableLength - (ulong)headerSize);
        if (TryDirectPacket(chain, memory, headerSize + length, out var packet))
        {
            // Counted as the two reads the general path below makes: the header, then the frame.
            memory.Counters.CountRead(MemoryAccessKind.Data, headerSize);
            if (length > 0) memory.Counters.CountRead(MemoryAccessKind.Data, length);
            var direct = NetHeader.Read(packet, headerSize);
            if (!TransmitHeaderAllowed(direct)) return RejectRequest;
            Deliver(pair, packet[headerSize..], direct);
            return 0;
        }
        Span<byte> headerBytes = stackalloc byte[NetHeader.HashReportSize];
        if (!chain.TryRead(memory, 0, headerBytes[..headerSize]))
        {
            Statistics.TxDropped++;
            Statistics.MemoryFaults++;
            return 0;
        }
        var header = NetHeader.Read(headerBytes, headerSize);
        if (!TransmitHeaderAllowed(header)) return RejectRequest;
        if (TryDirectSpan(chain, memory, (ulong)headerSize, length, out var span))
        {
            if (length > 0) memory.Counters.CountRead(MemoryAccessKind.Data, length);
            Deliver(pair, span, header);
            return 0;
        }
        if (_txBuffer.Length < length) _txBuffer = new byte[Math.Max(length, _txBuffer.Length * 2)];
        var frame = _txBuffer.AsSpan(0, length);
        if (!chain.TryRead(memory, (ulong)headerSize, frame))
        {
            Statistics.TxDropped++;
            Statistics.MemoryFaults++;
            return 0;
        }
        Deliver(pair, frame, header);
        return 0;
    }

    // The transmit header's MUSTs (spec 5.1.6.2): NEEDS_CSUM only with CSUM; a GSO type only with a HOST_TSO4/TSO6/UFO/USO
    // feature. A header that breaks them is a driver bug the device cannot report per packet. num_buffers (which the driver
    // MUST set to 0) is ignored: DPDK's net_virtio_user leaves the receive header's value in frames it forwards.
    private bool TransmitHeaderAllowed(in NetHeader header)
    {
        if ((header.Flags & NetHeader.FlagNeedsCsum) != 0 && !Negotiated.Has(NetFeatureBit.Csum)) return false;
        if ((header.GsoType & ~NetHeader.GsoEcn) == NetHeader.GsoNone) return true;
        return Negotiated.Has(NetFeatureBit.HostTso4) || Negotiated.Has(NetFeatureBit.HostTso6) ||
               Negotiated.Has(NetFeatureBit.HostUfo) || Negotiated.Has(NetFeatureBit.HostUso);
    }

    private void Deliver(int pair, ReadOnlySpan<byte> frame, in NetHeader header)
    {
        Statistics.TxFrames++;
        Statistics.TxBytes += frame.Length;
        _sink?.Transmit(pair, frame, header);
    }

    // The common layout (DPDK and Linux put the header in the buffer's headroom): header and frame in the first
    // readable segment, in directly addressed memory; one lookup lends them both. An empty first segment sends the
    // chain down the general path (TryDirectSpan alone would skip it). The caller counts the reads.
    private static bool TryDirectPacket(DescriptorChain chain, DeviceMemory memory, int length, out ReadOnlySpan<byte> span)
    {
        span = default;
        return chain.ReadableCount > 0 && chain.Segments[0].Length != 0 && TryDirectSpan(chain, memory, 0, length, out span);
    }

    // Zero copy: when the frame lies in one readable segment of directly addressed memory, lend that span. The caller
    // counts the read.
    private static bool TryDirectSpan(DescriptorChain chain, DeviceMemory memory, ulong offset, int length, out ReadOnlySpan<byte> span)
    {
        span = default;
        if (memory.Domain != null) return false;
        var segments = chain.Segments;
        for (int i = 0; i < chain.ReadableCount; i++)
        {
            var s = segments[i];
            if (offset >= s.Length) { offset -= s.Length; continue; }
            if (s.Length - offset < (ulong)length) return false;
            if (length == 0) return true;
            if (!memory.Memory.TryGetSpan(s.Address + offset, length, out var direct) || direct.Length != length) return false;
            span = direct;
            return true;
        }
        return length == 0;
    }
}
