using System.Buffers.Binary;
using System.Diagnostics;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using Virtsim.Virtio.Queues.Split;
using Virtsim.Virtio.Status;

namespace Virtsim.Experiments.Conformance;

/// <summary>One segment of a chain a hostile driver writes by hand: where, how long, and whether the device may write it.</summary>
internal readonly record struct RawSegment(ulong Address, uint Length, bool Writable);

/// <summary>
/// Virtsim's driver turned hostile: a vhost-user front-end (<see cref="FrontendSession"/>, the core's driver queues over a
/// memfd) that sets a device up properly, proves it works with a sane request, and then lets a case write ring bytes by
/// hand: descriptors, available entries, indexes and flags that break the spec. Every ring a case writes into is fresh
/// (<see cref="Arm"/>), so positions are known: split descriptors from index 0 and available index 0, packed slot 0
/// with wrap counter 1.
/// </summary>
internal sealed class HostileDriver : IDisposable
{
    /// <summary>Descriptors per ring.</summary>
    public const ushort QueueSize = 64;

    /// <summary>Ethernet bytes of a frame (without the virtio-net header).</summary>
    public const int FrameLength = 64;

    /// <summary>The virtio-net header with VERSION_1 (num_buffers included).</summary>
    public const int NetHeaderSize = 12;

    /// <summary>Bytes of a blk request header: type, reserved, sector.</summary>
    public const int BlkHeaderSize = 16;

    private const ulong MemorySize = 32UL << 20;
    private const ulong PatternSeed = 0xC0F0;
    private const int RxBuffer = 2048;
    private const int BlkBlock = 4096;
    private FrontendRing[] _rings = [];
    private ulong _sequence;
    private ulong _sector = 8;
    private int _arms;
    private ulong _descriptorShift, _driverShift, _deviceShift;

    private HostileDriver(FrontendSession session, VhostUserDeviceKind device, QueueFormat format, ulong features, FrontendMemory memory)
    {
        Session = session;
        Device = device;
        Format = format;
        Features = features;
        Memory = memory;
    }

    /// <summary>The control plane.</summary>
    public FrontendSession Session { get; }

    /// <summary>The device kind driven.</summary>
    public VhostUserDeviceKind Device { get; }

    /// <summary>The ring format negotiated.</summary>
    public QueueFormat Format { get; }

    /// <summary>The negotiated virtio features.</summary>
    public ulong Features { get; }

    /// <summary>The shared guest memory.</summary>
    public FrontendMemory Memory { get; }

    /// <summary>The guest memory as the core sees it.</summary>
    public GuestMemory Guest => Memory.Memory;

    /// <summary>The ring cases write into: the transmit ring of a net device, the request ring of a blk device.</summary>
    public FrontendRing Target => Device == VhostUserDeviceKind.Net ? _rings[1] : _rings[0];

    /// <summary>The target ring's configuration (guest-physical addresses).</summary>
    public QueueConfig Config => Target.Queue.Config;

    /// <summary>Where the device reads the target ring's descriptors (moved by <see cref="ArmWith"/>).</summary>
    public ulong DescriptorArea => Config.DescriptorArea + _descriptorShift;

    /// <summary>Where the device reads the target ring's driver area (available ring / driver event suppression).</summary>
    public ulong DriverArea => Config.DriverArea + _driverShift;

    /// <summary>Where the device writes the target ring's device area (used ring / device event suppression).</summary>
    public ulong DeviceArea => Config.DeviceArea + _deviceShift;

    /// <summary>The device's capacity in sectors (blk; from GET_CONFIG when offered, else unknown = 0).</summary>
    public ulong CapacitySectors { get; private set; }

    /// <summary>The address of the status byte of the last blk request built by <see cref="Request"/>, or 0.</summary>
    public ulong StatusAddress { get; private set; }

    /// <summary>Connects to the device at <paramref name="socket"/>, negotiates, shares memory and starts fresh rings.</summary>
    /// <exception cref="VhostUserProtocolException">The device refused the setup.</exception>
    /// <exception cref="IOException">No connection.</exception>
    /// <exception cref="NotApplicableException">The device lacks a feature the case needs.</exception>
    public static HostileDriver Connect(string socket, VhostUserDeviceKind device, QueueFormat format, DriverSetup setup, TimeSpan timeout)
    {
        var session = FrontendSession.Connect(socket, timeout, TimeProvider.System);
        try
        {
            ulong wanted = (1UL << FeatureBit.Version1) | (setup.Indirect ? 1UL << FeatureBit.IndirectDesc : 0) |
                           (format == QueueFormat.Packed ? 1UL << FeatureBit.RingPacked : 0);
            var offered = OfferedBy(session);
            if (format == QueueFormat.Packed && (offered & (1UL << FeatureBit.RingPacked)) == 0)
                throw new NotApplicableException("the device does not offer VIRTIO_F_RING_PACKED");
            if (setup.RequiresIndirect && (offered & (1UL << FeatureBit.IndirectDesc)) == 0)
                throw new NotApplicableException("the device does not offer VIRTIO_F_INDIRECT_DESC");
            ulong features = session.Negotiate(wanted, 1UL << FeatureBit.Version1);
            var memory = new FrontendMemory(MemorySize);
            var driver = new HostileDriver(session, device, format, features, memory);
            session.ShareMemory(memory);
            if (device == VhostUserDeviceKind.Blk && session.Has(VhostUserProtocolFeature.Config))
                driver.CapacitySectors = BinaryPrimitives.ReadUInt64LittleEndian(session.ReadConfig(0, 8));
            driver.Arm();
            return driver;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    // GET_FEATURES is asked again by Negotiate; asking first tells what the case can use.
    private static ulong OfferedBy(FrontendSession session) => session.Channel.AskU64(VhostUserRequest.GetFeatures);

    /// <summary>
    /// Stops the rings (GET_VRING_BASE) when any run, lays out fresh ones in new memory, programs and enables them (and
    /// sets DRIVER_OK with STATUS). Net rings get receive buffers.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The device refused or hung up.</exception>
    public void Arm()
    {
        if (_rings.Length > 0)
        {
            Session.StopRings(_rings);
            foreach (var ring in _rings) ring.Dispose();
        }
        var features = new FeatureSet(Features, 0);
        int count = Device == VhostUserDeviceKind.Net ? 2 : 1;
        _rings = new FrontendRing[count];
        for (int i = 0; i < count; i++) _rings[i] = FrontendRing.Create(i, Format, QueueSize, features, Memory);
        Session.StartRings(_rings, Memory);
        _descriptorShift = _driverShift = _deviceShift = 0;
        _arms++;
    }

    /// <summary>
    /// Stops the rings and programs fresh ones by hand: the target ring's areas moved by the given byte offsets (a
    /// misaligned ring), its size sent as <paramref name="size"/> when given; enabled, without a new DRIVER_OK.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The device refused a request or hung up.</exception>
    public void ArmWith(ulong descriptorShift = 0, ulong driverShift = 0, ulong deviceShift = 0, uint? size = null, ushort layoutSize = QueueSize)
    {
        Session.StopRings(_rings);
        var features = new FeatureSet(Features, 0);
        for (int i = 0; i < _rings.Length; i++)
        {
            _rings[i].Dispose();
            // Room for the shifts: the target ring is laid out for a larger size than it declares.
            _rings[i] = FrontendRing.Create(i, Format, i == Target.Index ? layoutSize : QueueSize, features, Memory);
        }
        _descriptorShift = descriptorShift;
        _driverShift = driverShift;
        _deviceShift = deviceShift;
        var channel = Session.Channel;
        foreach (var ring in _rings)
        {
            var config = ring.Queue.Config;
            bool target = ring == Target;
            uint index = (uint)ring.Index;
            channel.Send(VhostUserRequest.SetVringNum, new VringState(index, target && size is uint s ? s : config.Size).ToBytes());
            channel.Send(VhostUserRequest.SetVringBase, new VringState(index, config.Format == QueueFormat.Packed ? PackedVringBase.Fresh : 0).ToBytes());
            ulong d = target ? descriptorShift : 0, a = target ? driverShift : 0, u = target ? deviceShift : 0;
            channel.Send(VhostUserRequest.SetVringAddr, new VringAddress(index, 0, Memory.UserAddress(config.DescriptorArea) + d,
                Memory.UserAddress(config.DeviceArea) + u, Memory.UserAddress(config.DriverArea) + a, config.DeviceArea + u).ToBytes());
            channel.SendU64(VhostUserRequest.SetVringKick, index, ring.Kick.Fd);
            channel.SendU64(VhostUserRequest.SetVringCall, index, ring.Call.Fd);
        }
        if ((Session.Features & (1UL << VhostUserFeatures.ProtocolFeatures)) != 0)
            foreach (var ring in _rings) channel.Send(VhostUserRequest.SetVringEnable, new VringState((uint)ring.Index, 1).ToBytes());
    }

    /// <summary>
    /// Resets the device and negotiates <paramref name="features"/> (virtio bits) instead of what was accepted: rings
    /// stopped, with STATUS a reset (status 0), ACKNOWLEDGE | DRIVER, SET_FEATURES, FEATURES_OK and GET_STATUS; then fresh
    /// rings, without DRIVER_OK when <paramref name="driverOk"/> is false.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The device refused, hung up, or cleared FEATURES_OK (it refused the features).</exception>
    public void Renegotiate(ulong features, bool driverOk = true)
    {
        Session.StopRings(_rings);
        var channel = Session.Channel;
        bool status = Session.Has(VhostUserProtocolFeature.Status);
        if (status)
        {
            channel.SendU64(VhostUserRequest.SetStatus, 0);
            channel.SendU64(VhostUserRequest.SetStatus, (byte)(DeviceStatus.Acknowledge | DeviceStatus.Driver));
        }
        channel.SendU64(VhostUserRequest.SetFeatures, features | (Session.Features & VhostUserFeatures.TransportMask));
        if (status)
        {
            channel.SendU64(VhostUserRequest.SetStatus, (byte)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk));
            var now = (DeviceStatus)(byte)channel.AskU64(VhostUserRequest.GetStatus);
            if ((now & DeviceStatus.FeaturesOk) == 0)
                throw new VhostUserProtocolException(VhostUserRequest.GetStatus, $"the device cleared FEATURES_OK for features 0x{features:x} (status 0x{(byte)now:x2})");
        }
        var ringFeatures = new FeatureSet(Features, 0);
        for (int i = 0; i < _rings.Length; i++)
        {
            _rings[i].Dispose();
            _rings[i] = FrontendRing.Create(i, Format, QueueSize, ringFeatures, Memory);
        }
        foreach (var ring in _rings) ring.Program(channel, Memory);
        if ((Session.Features & (1UL << VhostUserFeatures.ProtocolFeatures)) != 0)
            foreach (var ring in _rings) channel.Send(VhostUserRequest.SetVringEnable, new VringState((uint)ring.Index, 1).ToBytes());
        if (status && driverOk)
            channel.SendU64(VhostUserRequest.SetStatus, (byte)(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk));
        _descriptorShift = _driverShift = _deviceShift = 0;
    }

    /// <summary>Features the device offered (virtio bits).</summary>
    public ulong Offered => Session.OfferedFeatures & ~VhostUserFeatures.TransportMask;

    /// <summary>Reserves <paramref name="length"/> bytes of guest memory (16-byte aligned) filled with <paramref name="fill"/>.</summary>
    public ulong Allocate(ulong length, byte fill = 0)
    {
        ulong at = Memory.Allocate(Math.Max(length, 1), 16);
        if (fill != 0) Guest.TryWrite(at, Enumerable.Repeat(fill, (int)Math.Min(length, 1 << 20)).ToArray());
        return at;
    }

    /// <summary>A guest-physical address just past the end of the shared memory.</summary>
    public ulong OutsideMemory => FrontendMemory.GuestBase + Memory.Size + 0x10_0000;

    /// <summary>
    /// A sane request for the device as segments: net, one readable buffer with a zero header and a pattern frame; blk, a
    /// write of one 512-byte sector (header, data, status) within the disk.
    /// </summary>
    public RawSegment[] Request()
    {
        if (Device == VhostUserDeviceKind.Net)
        {
            var frame = new byte[NetHeaderSize + FrameLength];
            FramePattern.Write(frame.AsSpan(NetHeaderSize), PatternSeed, ++_sequence);
            ulong at = Allocate((ulong)frame.Length);
            Guest.TryWrite(at, frame);
            return [new RawSegment(at, (uint)frame.Length, false)];
        }
        ulong header = BlkHeader(BlkRequestType.Out, NextSector());
        ulong data = Allocate(512, 0x5A);
        ulong status = Allocate(1, 0xEE);
        StatusAddress = status;
        return [new RawSegment(header, BlkHeaderSize, false), new RawSegment(data, 512, false), new RawSegment(status, 1, true)];
    }

    /// <summary>Writes a blk request header (type, reserved 0, sector) and returns its address.</summary>
    public ulong BlkHeader(uint type, ulong sector)
    {
        var bytes = new byte[BlkHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, type);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), sector);
        ulong at = Allocate(BlkHeaderSize);
        Guest.TryWrite(at, bytes);
        return at;
    }

    /// <summary>A fresh status byte (0xEE, which no device writes) for a hand-made blk request; remembered as <see cref="StatusAddress"/>.</summary>
    public ulong StatusByte()
    {
        StatusAddress = Allocate(1, 0xEE);
        return StatusAddress;
    }

    private ulong NextSector() => _sector += 8;

    // ----- split rings -----

    /// <summary>Writes split descriptor <paramref name="index"/> of the target ring (no bounds check: cases write out of range on purpose).</summary>
    public void SplitDescriptor(int index, ulong address, uint length, ushort flags, ushort next) =>
        WriteDescriptor(DescriptorArea + (ulong)index * SplitLayout.DescriptorSize, address, length, flags, next);

    /// <summary>Writes <paramref name="segments"/> as descriptors <paramref name="first"/>, <paramref name="first"/> + 1, ... linked by NEXT; returns the head.</summary>
    public ushort SplitChain(IReadOnlyList<RawSegment> segments, int first = 0)
    {
        for (int i = 0; i < segments.Count; i++)
        {
            bool last = i == segments.Count - 1;
            ushort flags = (ushort)((last ? 0 : 1) | (segments[i].Writable ? 2 : 0));
            SplitDescriptor(first + i, segments[i].Address, segments[i].Length, flags, (ushort)(last ? 0 : first + i + 1));
        }
        return (ushort)first;
    }

    /// <summary>Makes the heads available (ring entries, then one index store) and kicks.</summary>
    public void SplitPublish(params ushort[] heads)
    {
        ulong avail = DriverArea;
        Guest.TryReadU16(avail + SplitLayout.AvailIndexOffset, out ushort idx);
        for (int i = 0; i < heads.Length; i++)
            Guest.TryWriteU16(avail + SplitLayout.AvailEntryOffset((idx + i) % QueueSize), heads[i]);
        Guest.TryWriteU16Release(avail + SplitLayout.AvailIndexOffset, (ushort)(idx + heads.Length));
        Kick();
    }

    /// <summary>Stores <paramref name="index"/> as the available index and kicks.</summary>
    public void SetAvailIndex(ushort index)
    {
        Guest.TryWriteU16Release(DriverArea + SplitLayout.AvailIndexOffset, index);
        Kick();
    }

    // ----- packed rings -----

    /// <summary>
    /// Writes packed slot <paramref name="slot"/> of the target ring: address, length, id, then the flags (with the AVAIL/USED
    /// bits of an available descriptor for wrap counter <paramref name="wrap"/> unless <paramref name="rawFlags"/>).
    /// </summary>
    public void PackedDescriptor(int slot, ulong address, uint length, ushort id, ushort flags, bool wrap = true, bool rawFlags = false)
    {
        ulong at = PackedLayout.SlotAddress(DescriptorArea, slot % QueueSize);
        Guest.TryWriteU64(at + PackedLayout.AddressOffset, address);
        Guest.TryWriteU32(at + PackedLayout.LengthOffset, length);
        Guest.TryWriteU16(at + PackedLayout.IdOffset, id);
        Guest.TryWriteU16Release(at + PackedLayout.FlagsOffset, rawFlags ? flags : (ushort)(flags | PackedLayout.AvailableBits(wrap)));
    }

    /// <summary>Writes <paramref name="segments"/> as one packed chain from slot <paramref name="first"/> (the head's flags last) with buffer id <paramref name="id"/>, and kicks.</summary>
    public void PackedChain(IReadOnlyList<RawSegment> segments, int first = 0, ushort id = 0, bool kick = true)
    {
        for (int i = segments.Count - 1; i >= 0; i--)
        {
            bool last = i == segments.Count - 1;
            ushort flags = (ushort)((last ? 0 : PackedLayout.FlagNext) | (segments[i].Writable ? PackedLayout.FlagWrite : 0));
            PackedDescriptor(first + i, segments[i].Address, segments[i].Length, id, flags);
        }
        if (kick) Kick();
    }

    // ----- both -----

    /// <summary>
    /// Writes an indirect table of <paramref name="entries"/> (address, length, flags, next) in the ring's format (split:
    /// addr, len, flags, next; packed: addr, len, id 0, flags without NEXT) and returns its address.
    /// </summary>
    public ulong IndirectTable(params (ulong Address, uint Length, ushort Flags, ushort Next)[] entries)
    {
        ulong at = Allocate((ulong)Math.Max(entries.Length, 1) * 16);
        for (int i = 0; i < entries.Length; i++)
        {
            ulong entry = at + (ulong)i * 16;
            if (Format == QueueFormat.Split)
            {
                WriteDescriptor(entry, entries[i].Address, entries[i].Length, entries[i].Flags, entries[i].Next);
                continue;
            }
            // A packed table holds packed descriptors (addr, len, id, flags), read in order: NEXT has no use there.
            Guest.TryWriteU64(entry, entries[i].Address);
            Guest.TryWriteU32(entry + 8, entries[i].Length);
            Guest.TryWriteU16(entry + 12, 0);
            Guest.TryWriteU16(entry + 14, (ushort)(entries[i].Flags & ~PackedLayout.FlagNext));
        }
        return at;
    }

    /// <summary><paramref name="segments"/> as indirect table entries linked by NEXT (<see cref="IndirectTable"/> drops the links for packed tables).</summary>
    public static (ulong, uint, ushort, ushort)[] Entries(IReadOnlyList<RawSegment> segments) =>
        segments.Select((s, i) => (s.Address, s.Length,
            (ushort)((i == segments.Count - 1 ? 0 : 1) | (s.Writable ? 2 : 0)), (ushort)(i == segments.Count - 1 ? 0 : i + 1))).ToArray();

    /// <summary>Makes a chain of <paramref name="segments"/> available on the target ring in its format (split head 0, packed slot 0) and kicks.</summary>
    public void Submit(IReadOnlyList<RawSegment> segments)
    {
        if (Format == QueueFormat.Split) SplitPublish(SplitChain(segments));
        else PackedChain(segments);
    }

    /// <summary>Makes one descriptor available on the target ring (split index 0 / packed slot 0) with the given flags, and kicks.</summary>
    public void SubmitOne(ulong address, uint length, ushort flags, ushort next = 0)
    {
        if (Format == QueueFormat.Split)
        {
            SplitDescriptor(0, address, length, flags, next);
            SplitPublish(0);
        }
        else
        {
            PackedDescriptor(0, address, length, 0, flags);
            Kick();
        }
    }

    /// <summary>Signals the target ring's kick eventfd.</summary>
    public void Kick() => Target.ForceKick();

    /// <summary>
    /// True when the device marked the first chain of the fresh target ring used; <paramref name="length"/> is the length
    /// it reported.
    /// </summary>
    public bool FirstChainUsed(out uint length)
    {
        length = 0;
        if (Format == QueueFormat.Split)
        {
            Guest.TryReadU16(DeviceArea + SplitLayout.UsedIndexOffset, out ushort idx);
            if (idx == 0) return false;
            Guest.TryReadU32(DeviceArea + SplitLayout.UsedElementOffset(0) + 4, out length);
            return true;
        }
        ulong slot = PackedLayout.SlotAddress(DescriptorArea, 0);
        Guest.TryReadU16(slot + PackedLayout.FlagsOffset, out ushort flags);
        if (!PackedLayout.IsUsed(flags, true)) return false;
        Guest.TryReadU32(slot + PackedLayout.LengthOffset, out length);
        return true;
    }

    /// <summary>The byte at <see cref="StatusAddress"/> (0xEE: not written).</summary>
    public byte Status()
    {
        Guest.TryReadU8(StatusAddress, out byte status);
        return status;
    }

    /// <summary>GET_STATUS when STATUS was negotiated: null otherwise.</summary>
    /// <exception cref="VhostUserProtocolException">The device hung up or answered wrongly.</exception>
    public DeviceStatus? DeviceStatusNow() =>
        Session.Has(VhostUserProtocolFeature.Status) ? (DeviceStatus)(byte)Session.Channel.AskU64(VhostUserRequest.GetStatus) : null;

    /// <summary>Throws when the device hung up or sent something unasked.</summary>
    public void CheckConnection() => Session.Channel.CheckQuiet();

    /// <summary>
    /// The sane request: net, one pattern frame transmitted that must come back intact on the receive ring (the device
    /// loops it back); blk, a 4 KiB pattern write read back and compared. Null on success, else why it failed.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The device hung up or broke the protocol.</exception>
    public string? Exchange(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        return Device == VhostUserDeviceKind.Net ? NetExchange(deadline, timeout) : BlkExchange(deadline, timeout);
    }

    private string? NetExchange(Stopwatch clock, TimeSpan timeout)
    {
        var rx = _rings[0];
        var tx = _rings[1];
        var buffers = new Dictionary<ushort, ulong>();
        for (int i = 0; i < 4 && rx.Queue.FreeDescriptors > 0; i++)
        {
            ulong at = Allocate(RxBuffer);
            if (!rx.Queue.TryAdd([new BufferSegment(at, RxBuffer, true)], false, out ushort id)) break;
            buffers[id] = at;
        }
        rx.Publish();
        rx.ForceKick();
        var frame = new byte[NetHeaderSize + FrameLength];
        ulong sequence = ++_sequence;
        FramePattern.Write(frame.AsSpan(NetHeaderSize), PatternSeed, sequence);
        ulong txAt = Allocate((ulong)frame.Length);
        Guest.TryWrite(txAt, frame);
        if (!tx.Queue.TryAdd([new BufferSegment(txAt, (uint)frame.Length, false)], false, out _)) return "the transmit ring is full";
        tx.Publish();
        tx.ForceKick();
        while (clock.Elapsed < timeout)
        {
            var taken = rx.Queue.TryTakeUsed(out var used);
            if (taken == TakeResult.Taken)
            {
                if (!buffers.TryGetValue(used.Id, out ulong at)) return $"the device returned receive buffer {used.Id}, which was not posted now";
                var back = new byte[Math.Min(used.WrittenLength, RxBuffer)];
                Guest.TryRead(at, back);
                // A frame the device took from the violating chain and looped back may arrive first: not the one awaited.
                ulong? seen = back.Length > NetHeaderSize ? FramePattern.Verify(back.AsSpan(NetHeaderSize), PatternSeed, back.Length - NetHeaderSize) : null;
                if (seen == sequence && used.WrittenLength == frame.Length) return null;
                if (seen is { } earlier && earlier < sequence) continue;
                return $"the frame came back as {used.WrittenLength} other bytes";
            }
            if (taken != TakeResult.Empty) return $"the receive ring returned a bad used entry ({rx.Queue.Error.Reason})";
            while (tx.Queue.TryTakeUsed(out _) == TakeResult.Taken) { }
            Session.WaitForCalls(_rings, 5);
        }
        return $"the frame did not come back within {timeout.TotalMilliseconds:0} ms";
    }

    private string? BlkExchange(Stopwatch clock, TimeSpan timeout)
    {
        ulong sector = NextSector();
        var data = new byte[BlkBlock];
        DiskPattern.Fill(data, PatternSeed, sector * 512);
        ulong dataAt = Allocate(BlkBlock);
        Guest.TryWrite(dataAt, data);
        if (BlkRequest(BlkRequestType.Out, sector, dataAt, false, clock, timeout) is { } writeError) return "write: " + writeError;
        ulong readAt = Allocate(BlkBlock, 0x11);
        if (BlkRequest(BlkRequestType.In, sector, readAt, true, clock, timeout) is { } readError) return "read: " + readError;
        var back = new byte[BlkBlock];
        Guest.TryRead(readAt, back);
        int mismatch = DiskPattern.FirstMismatch(back, PatternSeed, sector * 512);
        return mismatch < 0 ? null : $"the data read back differs at byte {mismatch}";
    }

    private string? BlkRequest(uint type, ulong sector, ulong data, bool deviceWrites, Stopwatch clock, TimeSpan timeout)
    {
        var ring = _rings[0];
        ulong header = BlkHeader(type, sector);
        ulong status = Allocate(1, 0xEE);
        BufferSegment[] chain =
        [
            new(header, BlkHeaderSize, false), new(data, BlkBlock, deviceWrites), new(status, 1, true),
        ];
        if (!ring.Queue.TryAdd(chain, false, out _)) return "the ring is full";
        ring.Publish();
        ring.ForceKick();
        while (clock.Elapsed < timeout)
        {
            var taken = ring.Queue.TryTakeUsed(out _);
            if (taken == TakeResult.Taken)
            {
                Guest.TryReadU8(status, out byte s);
                return s == 0 ? null : $"status {s}";
            }
            if (taken != TakeResult.Empty) return $"bad used entry ({ring.Queue.Error.Reason})";
            Session.WaitForCalls(_rings, 5);
        }
        return $"no completion within {timeout.TotalMilliseconds:0} ms";
    }

    private void WriteDescriptor(ulong at, ulong address, uint length, ushort flags, ushort next)
    {
        Guest.TryWriteU64(at, address);
        Guest.TryWriteU32(at + 8, length);
        Guest.TryWriteU16(at + 12, flags);
        Guest.TryWriteU16(at + 14, next);
    }

    /// <summary>Closes the connection and frees the memory.</summary>
    public void Dispose()
    {
        foreach (var ring in _rings) ring.Dispose();
        Session.Dispose();
        Memory.Dispose();
    }
}

/// <summary>virtio-blk request types used by the cases (spec 5.2.6).</summary>
internal static class BlkRequestType
{
    public const uint In = 0, Out = 1, Flush = 4;
}

/// <summary>The peer cannot run a case (it lacks a feature the case needs).</summary>
internal sealed class NotApplicableException(string message) : Exception(message);
