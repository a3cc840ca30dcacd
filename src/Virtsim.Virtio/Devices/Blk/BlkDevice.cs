using System.Buffers.Binary;
using System.Text;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices.Blk;

/// <summary>
/// virtio-blk (spec §5.2) as a pure request handler over an <see cref="IBlockStore"/>. Each chain is
/// <c>type u32 · reserved u32 · sector u64</c> (readable), data, and a status byte: the last writable byte.
/// Bad requests never throw: they complete with IOERR (or UNSUPP for unknown types and flags); a chain with no
/// writable byte cannot carry a status and completes with length 0.
/// </summary>
public sealed class BlkDevice : RequestDeviceBase
{
    private const int SectorSize = IBlockStore.SectorSize;
    private const int HeaderSize = 16;
    private const int SegmentSize = 16;
    private const int IdLength = 20;
    private const uint UnmapFlag = 1;

    private readonly IBlockStore _store;
    private readonly BlkDeviceOptions _options;
    private const int ScratchSize = 64 * 1024;
    // Allocated by the first request that moves data: an idle device (most of a fleet) keeps no 64 KiB buffer.
    private byte[]? _scratchBuffer;
    private readonly ChainHandler _handler;
    private bool _writeback;

    /// <summary>Creates a block device over <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentException">CONFIG_WCE offered without FLUSH (the spec forbids it).</exception>
    public BlkDevice(IBlockStore store, BlkDeviceOptions? options = null)
        : base(Offer(options ?? new BlkDeviceOptions()))
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new BlkDeviceOptions();
        MaxQueueSize = _options.QueueSize;
        // A request without a status byte cannot be answered, not even with an error: the ring is broken (NEEDS_RESET).
        _handler = (chain, memory) => chain.WritableLength > 0 ? Handle(chain, memory) : Malformed();
        ApplyCacheMode(Negotiated);
    }

    private static FeatureSet Offer(BlkDeviceOptions options)
    {
        var device = options.DeviceFeatures;
        if (device.Has(BlkFeatureBit.ConfigWce) && !device.Has(BlkFeatureBit.Flush))
            throw new ArgumentException("a device that offers CONFIG_WCE must offer FLUSH (spec 5.2.5.2)", nameof(options));
        return device | options.RingFeatures | FeatureSet.Of(FeatureBit.Version1);
    }

    /// <inheritdoc />
    public override DeviceType Type => DeviceType.Block;

    /// <inheritdoc />
    public override int QueueCount => OfferedFeatures.Has(BlkFeatureBit.Mq) ? Math.Max((ushort)1, _options.NumQueues) : 1;

    /// <inheritdoc />
    public override int ConfigSize => BlkConfigLayout.Size;

    /// <summary>The store the device serves.</summary>
    public IBlockStore Store => _store;

    /// <summary>True when the device runs a writeback cache (config field <c>writeback</c> = 1).</summary>
    public bool Writeback => _writeback;

    /// <summary>Requests served so far.</summary>
    public long Requests { get; private set; }

    /// <summary>Requests completed with IOERR.</summary>
    public long IoErrors { get; private set; }

    /// <summary>Requests completed with UNSUPP.</summary>
    public long Unsupported { get; private set; }

    /// <summary>Requests whose shape was wrong (short header, data not a multiple of 512, no status byte, ...).</summary>
    public long MalformedRequests { get; private set; }

    /// <summary>Guest-memory faults met while moving request data.</summary>
    public long MemoryFaults { get; private set; }

    /// <inheritdoc />
    protected override void BuildConfig(Span<byte> c)
    {
        c.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(c[BlkConfigLayout.Capacity..], _store.SectorCount);
        var o = _options;
        var f = OfferedFeatures;
        if (f.Has(BlkFeatureBit.SizeMax)) BinaryPrimitives.WriteUInt32LittleEndian(c[BlkConfigLayout.SizeMax..], o.SizeMax);
        if (f.Has(BlkFeatureBit.SegMax)) BinaryPrimitives.WriteUInt32LittleEndian(c[BlkConfigLayout.SegMax..], o.SegMax);
        if (f.Has(BlkFeatureBit.Geometry))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(c[BlkConfigLayout.Cylinders..], o.Geometry.Cylinders);
            c[BlkConfigLayout.Heads] = o.Geometry.Heads;
            c[BlkConfigLayout.Sectors] = o.Geometry.Sectors;
        }
        if (f.Has(BlkFeatureBit.BlkSize)) BinaryPrimitives.WriteUInt32LittleEndian(c[BlkConfigLayout.BlkSize..], o.BlkSize);
        if (f.Has(BlkFeatureBit.Topology))
        {
            c[BlkConfigLayout.PhysicalBlockExp] = o.PhysicalBlockExp;
            c[BlkConfigLayout.AlignmentOffset] = o.AlignmentOffset;
            BinaryPrimitives.WriteUInt16LittleEndian(c[BlkConfigLayout.MinIoSize..], o.MinIoSize);
            BinaryPrimitives.WriteUInt32LittleEndian(c[BlkConfigLayout.OptIoSize..], o.OptIoSize);
        }
        c[BlkConfigLayout.Writeback] = _writeback ? (byte)1 : (byte)0;
        if (f.Has(BlkFeatureBit.Mq)) BinaryPrimitives.WriteUInt16LittleEndian(c[BlkConfigLayout.NumQueues..], (ushort)QueueCount);
        if (f.Has(BlkFeatureBit.Discard))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(c[BlkConfigLayout.MaxDiscardSectors..], o.MaxDiscardSectors);
            BinaryPrimitives.WriteUInt32LittleEndian(c[BlkConfigLayout.MaxDiscardSeg..], o.MaxDiscardSeg);
            BinaryPrimitives.WriteUInt32LittleEndian(c[BlkConfigLayout.DiscardSectorAlignment..], o.DiscardSectorAlignment);
        }
        if (f.Has(BlkFeatureBit.WriteZeroes))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(c[BlkConfigLayout.MaxWriteZeroesSectors..], o.MaxWriteZeroesSectors);
            BinaryPrimitives.WriteUInt32LittleEndian(c[BlkConfigLayout.MaxWriteZeroesSeg..], o.MaxWriteZeroesSeg);
            c[BlkConfigLayout.WriteZeroesMayUnmap] = o.WriteZeroesMayUnmap ? (byte)1 : (byte)0;
        }
    }

    /// <summary>
    /// Only <c>writeback</c> (offset 32) is writable, and only with CONFIG_WCE: 0 selects writethrough (committing
    /// the cache), any other value writeback. A change raises <see cref="IDeviceHandler.ConfigChanged"/>.
    /// </summary>
    public override void WriteConfig(int offset, ReadOnlySpan<byte> source)
    {
        int index = BlkConfigLayout.Writeback - offset;
        if (index < 0 || index >= source.Length || !Negotiated.Has(BlkFeatureBit.ConfigWce)) return;
        SetWriteback(source[index] != 0);
    }

    /// <summary>
    /// Tells the device its store was resized: config <c>capacity</c> follows the store, and ConfigChanged makes the
    /// transport notify the driver (spec 5.2.6.2).
    /// </summary>
    public void NotifyCapacityChanged() => RaiseConfigChanged();

    /// <inheritdoc />
    protected override void OnFeaturesAccepted(FeatureSet accepted)
    {
        base.OnFeaturesAccepted(accepted);
        ApplyCacheMode(accepted);
    }

    /// <inheritdoc />
    protected override void OnReset() => ApplyCacheMode(Negotiated);

    // Spec 5.2.5: with CONFIG_WCE the mode starts as configured (0 without FLUSH); without it, writeback iff FLUSH.
    private void ApplyCacheMode(FeatureSet features)
    {
        bool flush = features.Has(BlkFeatureBit.Flush);
        bool writeback = features.Has(BlkFeatureBit.ConfigWce) ? flush && _options.InitialWriteback : flush;
        _writeback = writeback;
        _store.CacheMode = writeback ? WriteCacheMode.Writeback : WriteCacheMode.Writethrough;
    }

    private void SetWriteback(bool writeback)
    {
        if (writeback == _writeback) return;
        _writeback = writeback;
        _store.CacheMode = writeback ? WriteCacheMode.Writeback : WriteCacheMode.Writethrough;
        RaiseConfigChanged();
    }

    /// <inheritdoc />
    public override QueueProcessResult ProcessQueue(int queueIndex, IDeviceQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if ((uint)queueIndex >= (uint)QueueCount) return default;
        return ServeAll(queue, _handler);
    }

    /// <summary>Serves one request chain and returns the bytes written to its writable part (data + status).</summary>
    public uint Handle(DescriptorChain chain, DeviceMemory memory)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(memory);
        Requests++;
        if (chain.WritableLength == 0) { MalformedRequests++; return 0; }
        ulong statusOffset = chain.WritableLength - 1;
        ulong dataIn = statusOffset; // writable bytes before the status byte
        uint written = 0;
        byte status;
        Span<byte> header = stackalloc byte[HeaderSize];
        if (chain.ReadableLength < HeaderSize || chain.WritableLength > uint.MaxValue)
        {
            MalformedRequests++;
            status = BlkStatus.IoErr;
        }
        else if (!chain.TryRead(memory, 0, header))
        {
            MemoryFaults++;
            status = BlkStatus.IoErr;
        }
        else
        {
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            ulong sector = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
            ulong dataOut = chain.ReadableLength - HeaderSize;
            status = MisplacedData(type, sector, dataOut, dataIn) ? BlkStatus.IoErr : type switch
            {
                BlkRequestType.In => Read(chain, memory, sector, dataIn, ref written),
                BlkRequestType.Out => Write(chain, memory, sector, dataOut),
                BlkRequestType.Flush => Flush(),
                BlkRequestType.GetId => GetId(chain, memory, dataIn, ref written),
                BlkRequestType.GetLifetime => GetLifetime(chain, memory, dataIn, ref written),
                BlkRequestType.Discard => Ranges(chain, memory, dataOut, discard: true),
                BlkRequestType.WriteZeroes => Ranges(chain, memory, dataOut, discard: false),
                _ => BlkStatus.Unsupp,
            };
        }
        if (status == BlkStatus.IoErr) IoErrors++;
        else if (status == BlkStatus.Unsupp) Unsupported++;
        if (!chain.TryWrite(memory, statusOffset, [status])) { MemoryFaults++; return written; }
        return written + 1;
    }

    private byte[] Scratch => _scratchBuffer ??= new byte[ScratchSize];

    private uint Malformed()
    {
        MalformedRequests++;
        return RejectRequest;
    }

    // The data of a request goes one way: device-readable after the header (OUT), device-writable before the status (IN,
    // GET_ID), none for FLUSH, whose sector MUST be 0 (spec 5.2.6.1). Types that depend on a feature answer for themselves.
    private bool MisplacedData(uint type, ulong sector, ulong dataOut, ulong dataIn)
    {
        bool misplaced = type switch
        {
            BlkRequestType.In or BlkRequestType.GetId => dataOut != 0,
            BlkRequestType.Flush => dataOut != 0 || dataIn != 0 || sector != 0,
            BlkRequestType.Out => dataIn != 0,
            _ => false,
        };
        if (misplaced) MalformedRequests++;
        return misplaced;
    }

    private bool InRange(ulong sector, ulong count) => sector <= _store.SectorCount && count <= _store.SectorCount - sector;

    private byte Read(DescriptorChain chain, DeviceMemory memory, ulong sector, ulong length, ref uint written)
    {
        if (length % SectorSize != 0) { MalformedRequests++; return BlkStatus.IoErr; }
        if (!InRange(sector, length / SectorSize)) return BlkStatus.IoErr;
        ulong done = 0;
        while (done < length)
        {
            int run = (int)Math.Min((ulong)ScratchSize, length - done);
            var buffer = Scratch.AsSpan(0, run);
            if (!_store.TryRead(sector + done / SectorSize, buffer)) return BlkStatus.IoErr;
            if (!chain.TryWrite(memory, done, buffer)) { MemoryFaults++; return BlkStatus.IoErr; }
            done += (ulong)run;
            written = (uint)done;
        }
        return BlkStatus.Ok;
    }

    private byte Write(DescriptorChain chain, DeviceMemory memory, ulong sector, ulong length)
    {
        if (OfferedFeatures.Has(BlkFeatureBit.Ro)) return BlkStatus.IoErr;
        if (length % SectorSize != 0) { MalformedRequests++; return BlkStatus.IoErr; }
        if (!InRange(sector, length / SectorSize)) return BlkStatus.IoErr;
        ulong done = 0;
        while (done < length)
        {
            int run = (int)Math.Min((ulong)ScratchSize, length - done);
            var buffer = Scratch.AsSpan(0, run);
            if (!chain.TryRead(memory, HeaderSize + done, buffer)) { MemoryFaults++; return BlkStatus.IoErr; }
            if (!_store.TryWrite(sector + done / SectorSize, buffer)) return BlkStatus.IoErr;
            done += (ulong)run;
        }
        return BlkStatus.Ok;
    }

    private byte Flush()
    {
        if (!OfferedFeatures.Has(BlkFeatureBit.Flush)) return BlkStatus.Unsupp;
        return _store.TryFlush() ? BlkStatus.Ok : BlkStatus.IoErr;
    }

    private byte GetId(DescriptorChain chain, DeviceMemory memory, ulong length, ref uint written)
    {
        Span<byte> id = stackalloc byte[IdLength];
        id.Clear();
        Encoding.ASCII.GetBytes(_options.Id.AsSpan(0, Math.Min(_options.Id.Length, IdLength)), id);
        int take = (int)Math.Min(length, IdLength);
        if (!chain.TryWrite(memory, 0, id[..take])) { MemoryFaults++; return BlkStatus.IoErr; }
        written = (uint)take;
        return BlkStatus.Ok;
    }

    private byte GetLifetime(DescriptorChain chain, DeviceMemory memory, ulong length, ref uint written)
    {
        if (!Negotiated.Has(BlkFeatureBit.Lifetime)) return BlkStatus.Unsupp;
        if (length < 6) { MalformedRequests++; return BlkStatus.IoErr; }
        Span<byte> data = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16LittleEndian(data, _options.Lifetime.PreEolInfo);
        BinaryPrimitives.WriteUInt16LittleEndian(data[2..], _options.Lifetime.LifetimeEstimateA);
        BinaryPrimitives.WriteUInt16LittleEndian(data[4..], _options.Lifetime.LifetimeEstimateB);
        if (!chain.TryWrite(memory, 0, data)) { MemoryFaults++; return BlkStatus.IoErr; }
        written = 6;
        return BlkStatus.Ok;
    }

    // DISCARD and WRITE_ZEROES: every segment is checked before any is applied.
    private byte Ranges(DescriptorChain chain, DeviceMemory memory, ulong length, bool discard)
    {
        int feature = discard ? BlkFeatureBit.Discard : BlkFeatureBit.WriteZeroes;
        if (!Negotiated.Has(feature)) return BlkStatus.Unsupp;
        if (OfferedFeatures.Has(BlkFeatureBit.Ro)) return BlkStatus.IoErr;
        if (length == 0 || length % SegmentSize != 0) { MalformedRequests++; return BlkStatus.IoErr; }
        ulong segments = length / SegmentSize;
        uint maxSegments = discard ? _options.MaxDiscardSeg : _options.MaxWriteZeroesSeg;
        uint maxSectors = discard ? _options.MaxDiscardSectors : _options.MaxWriteZeroesSectors;
        if (segments > maxSegments || length > (ulong)ScratchSize) return BlkStatus.IoErr;
        var data = Scratch.AsSpan(0, (int)length);
        if (!chain.TryRead(memory, HeaderSize, data)) { MemoryFaults++; return BlkStatus.IoErr; }
        byte result = BlkStatus.Ok;
        for (int i = 0; i < (int)segments; i++)
        {
            var seg = data.Slice(i * SegmentSize, SegmentSize);
            ulong sector = BinaryPrimitives.ReadUInt64LittleEndian(seg);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(seg[8..]);
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(seg[12..]);
            if ((flags & ~UnmapFlag) != 0 || (discard && (flags & UnmapFlag) != 0)) return BlkStatus.Unsupp;
            if (count > maxSectors || !InRange(sector, count)) result = BlkStatus.IoErr;
        }
        if (result != BlkStatus.Ok) return result;
        for (int i = 0; i < (int)segments; i++)
        {
            var seg = data.Slice(i * SegmentSize, SegmentSize);
            ulong sector = BinaryPrimitives.ReadUInt64LittleEndian(seg);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(seg[8..]);
            bool unmap = (BinaryPrimitives.ReadUInt32LittleEndian(seg[12..]) & UnmapFlag) != 0;
            bool ok = discard ? _store.TryDiscard(sector, count) : _store.TryWriteZeroes(sector, count, unmap);
            if (!ok) return BlkStatus.IoErr;
        }
        return BlkStatus.Ok;
    }
}
