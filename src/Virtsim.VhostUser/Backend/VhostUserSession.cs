using System.Diagnostics;
using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// The back-end side of one vhost-user connection: the protocol state machine (features, protocol features,
/// memory table, vrings, status, dirty log, REPLY_ACK) in <see cref="Handle"/>, and the serve loop in
/// <see cref="Run"/> that waits on the socket and the kick eventfds and drives the device. Single-threaded:
/// ring work and control messages never run at the same time, so a remap can never pull memory from under a
/// ring being served.
/// </summary>
public sealed class VhostUserSession : IRingAccess, IDisposable
{
    /// <summary>The protocol features this back-end supports.</summary>
    public const ulong SupportedProtocolFeatures =
        1UL << (int)VhostUserProtocolFeature.Mq | 1UL << (int)VhostUserProtocolFeature.LogShmfd |
        1UL << (int)VhostUserProtocolFeature.ReplyAck | 1UL << (int)VhostUserProtocolFeature.Config |
        1UL << (int)VhostUserProtocolFeature.ResetDevice | 1UL << (int)VhostUserProtocolFeature.Status;

    /// <summary>INFLIGHT_SHMFD, offered on top of <see cref="SupportedProtocolFeatures"/> for devices whose requests must survive a back-end restart (blk).</summary>
    public const ulong InflightProtocolFeature = 1UL << (int)VhostUserProtocolFeature.InflightShmfd;

    private readonly VhostUserDevice _device;
    private InflightRegion? _inflight;
    private readonly TextWriter? _log;
    private readonly Vring[] _rings;
    private GuestMemoryMap? _map;
    private SharedDirtyLog? _dirtyLog;
    private EventFd? _logFd;
    private bool _featuresSet;
    private long _lastFlush;
    private const int FlushIntervalMs = 5;
    private const int PollingSyscallInterval = 16; // a power of two

    /// <summary>Creates a session for <paramref name="device"/> (reset to power-on).</summary>
    /// <param name="device">The device to serve.</param>
    /// <param name="log">Where protocol events are written (one line each), or null.</param>
    public VhostUserSession(VhostUserDevice device, TextWriter? log = null)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _log = log;
        _device.Reset();
        _rings = new Vring[device.RingCount];
        for (int i = 0; i < _rings.Length; i++) _rings[i] = new Vring(i) { BatchesInOrderCompletions = device.BatchesInOrderCompletions(i) };
    }

    /// <summary>Feature bits offered in GET_FEATURES: the device's virtio bits plus PROTOCOL_FEATURES and LOG_ALL.</summary>
    public ulong OfferedFeatures => _device.OfferedFeatures.Low | VhostUserFeatures.TransportMask;

    /// <summary>The protocol features offered in GET_PROTOCOL_FEATURES: <see cref="SupportedProtocolFeatures"/>, plus INFLIGHT_SHMFD when the device tracks in-flight requests.</summary>
    public ulong OfferedProtocolFeatures => SupportedProtocolFeatures | (_device.TracksInflight ? InflightProtocolFeature : 0);

    /// <summary>The shared in-flight tracking region (GET/SET_INFLIGHT_FD), or null.</summary>
    public InflightRegion? Inflight => _inflight;

    /// <summary>
    /// How long a ring that had work keeps being polled (its doorbells suppressed) after it was last found non-empty;
    /// zero turns busy-polling off (every batch then waits for a doorbell). Default 200 µs: a steady stream is served
    /// without a doorbell or a wake-up per batch, an idle ring costs one short spin.
    /// </summary>
    public TimeSpan PollingBudget { get; init; } = TimeSpan.FromMicroseconds(200);

    /// <summary>Test hook: given to every in-flight tracker, called after each store recovery depends on.</summary>
    internal Action? InflightStep { get; set; }

    /// <summary>The features from SET_FEATURES (0 until then).</summary>
    public ulong Features { get; private set; }

    /// <summary>The virtio part of <see cref="Features"/>.</summary>
    public FeatureSet VirtioFeatures => new(Features & ~VhostUserFeatures.TransportMask, 0);

    /// <summary>The protocol features from SET_PROTOCOL_FEATURES.</summary>
    public ulong ProtocolFeatures { get; private set; }

    /// <summary>The device status from SET_STATUS.</summary>
    public byte Status { get; private set; }

    /// <summary>True once SET_OWNER arrived.</summary>
    public bool HasOwner { get; private set; }

    /// <summary>Requests handled.</summary>
    public long Requests { get; private set; }

    /// <summary>How many SET_MEM_TABLE requests were applied.</summary>
    public int MemoryTables { get; private set; }

    /// <summary>The current memory map, or null.</summary>
    public GuestMemoryMap? MemoryMap => _map;

    /// <summary>The rings.</summary>
    public IReadOnlyList<Vring> Rings => _rings;

    /// <summary>The shared dirty log, or null.</summary>
    public SharedDirtyLog? DirtyLog => _dirtyLog;

    /// <summary>Where every request is traced (one line each), or null.</summary>
    public TextWriter? Trace { get; set; }

    private bool Has(VhostUserProtocolFeature f) => (ProtocolFeatures & (1UL << (int)f)) != 0;
    private bool Logging => (Features & (1UL << VhostUserFeatures.LogAll)) != 0 && _dirtyLog != null;

    /// <summary>
    /// Serves <paramref name="connection"/> until the front-end closes it, it breaks the protocol, or
    /// <paramref name="cancellationToken"/> fires. Never throws for anything the peer does.
    /// </summary>
    public unsafe SessionEnd Run(VhostUserConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var polls = new PollFd[1 + _rings.Length];
        var pollRing = new Vring?[1 + _rings.Length];
        int round = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            int count = 0;
            polls[count++] = new PollFd { Fd = connection.Fd, Events = LibC.POLLIN };
            bool busy = false, polling = false;
            foreach (var ring in _rings)
            {
                ring.KickReady = false;
                if (!ring.Started || ring.Broken) continue;
                polling |= ring.Polling;
                busy |= ring.ServePending && !BeforeDriverOk;
                if (ring.Kick != null)
                {
                    pollRing[count] = ring;
                    polls[count++] = new PollFd { Fd = ring.Kick.Fd, Events = LibC.POLLIN };
                }
                else busy = true; // NOFD: poll the ring itself
            }
            if (_device.HasPendingWork && _rings.Any(r => r.Started && r.Enabled)) busy = true;
            int ready = 0;
            // While a ring is busy-polled the socket and the doorbells are looked at only every few rounds: a
            // syscall per round would cost more than the ring work it interrupts.
            if (!polling || (++round & (PollingSyscallInterval - 1)) == 0)
            {
                fixed (PollFd* p = polls) ready = LibC.poll(p, (nuint)count, polling ? 0 : busy ? 1 : 20);
                for (int i = 1; i < count && ready > 0; i++)
                    if ((polls[i].Revents & LibC.POLLIN) != 0) pollRing[i]!.KickReady = true;
            }
            else polls[0].Revents = 0;
            ServiceRings(kicksPolled: true);
            if (ready <= 0 || polls[0].Revents == 0) continue;
            VhostUserMessage? message;
            try
            {
                message = connection.Receive();
                if (message == null) return new SessionEnd(SessionEndKind.Closed, "");
            }
            catch (VhostUserProtocolException e) { return Fail(e); }
            catch (IOException e) { return new SessionEnd(SessionEndKind.IoError, e.Message); }
            try
            {
                var reply = Handle(message);
                if (reply != null) connection.Send(reply);
            }
            catch (VhostUserProtocolException e)
            {
                if (message.Header.NeedsReply && Has(VhostUserProtocolFeature.ReplyAck))
                    TrySend(connection, VhostUserMessage.ReplyU64(message.Request, 1));
                return Fail(e);
            }
            catch (IOException e) { return new SessionEnd(SessionEndKind.IoError, e.Message); }
            finally { message.CloseFds(); }
        }
        return new SessionEnd(SessionEndKind.Cancelled, "");
    }

    /// <summary>
    /// Applies one front-end request and returns the reply to send (the request's own reply, a REPLY_ACK, or null).
    /// Descriptors the request keeps are taken out of <paramref name="message"/>; the caller closes the rest.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The request is not acceptable; the connection must be closed.</exception>
    public VhostUserMessage? Handle(VhostUserMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Requests++;
        var request = message.Request;
        Trace?.WriteLine($"vhost-user: {request} flags=0x{(uint)message.Header.Flags:x} size={message.Payload.Length} fds={message.FdCount} payload={Convert.ToHexString(message.Payload.AsSpan(0, Math.Min(message.Payload.Length, 48)))}");
        VhostUserMessage? reply = request switch
        {
            VhostUserRequest.GetFeatures => VhostUserMessage.ReplyU64(request, OfferedFeatures),
            VhostUserRequest.SetFeatures => SetFeatures(message.ReadU64()),
            VhostUserRequest.SetOwner => Do(() => HasOwner = true),
            VhostUserRequest.ResetOwner => Do(() => StopAll(forget: false)),
            VhostUserRequest.GetProtocolFeatures => VhostUserMessage.ReplyU64(request, OfferedProtocolFeatures),
            VhostUserRequest.SetProtocolFeatures => SetProtocolFeatures(message.ReadU64()),
            VhostUserRequest.SetMemTable => SetMemTable(message),
            VhostUserRequest.SetLogBase => SetLogBase(message),
            VhostUserRequest.SetLogFd => SetLogFd(message),
            VhostUserRequest.SetVringNum => SetVringNum(VringState.Parse(message.Payload)),
            VhostUserRequest.SetVringAddr => SetVringAddr(VringAddress.Parse(message.Payload)),
            VhostUserRequest.SetVringBase => SetVringBase(VringState.Parse(message.Payload)),
            VhostUserRequest.GetVringBase => GetVringBase(VringState.Parse(message.Payload)),
            VhostUserRequest.SetVringKick or VhostUserRequest.SetVringCall or VhostUserRequest.SetVringErr => SetVringFile(message),
            VhostUserRequest.GetQueueNum => Require(VhostUserProtocolFeature.Mq, request) ?? VhostUserMessage.ReplyU64(request, _device.QueueNum),
            VhostUserRequest.SetVringEnable => SetVringEnable(VringState.Parse(message.Payload)),
            VhostUserRequest.GetConfig => GetConfig(message),
            VhostUserRequest.SetConfig => SetConfig(message),
            VhostUserRequest.ResetDevice => Require(VhostUserProtocolFeature.ResetDevice, request) ?? Do(ResetDevice),
            VhostUserRequest.SetStatus => SetStatus(message.ReadU64()),
            VhostUserRequest.GetStatus => Require(VhostUserProtocolFeature.Status, request) ?? VhostUserMessage.ReplyU64(request, CurrentStatus()),
            VhostUserRequest.GetInflightFd => GetInflightFd(message),
            VhostUserRequest.SetInflightFd => SetInflightFd(message),
            _ => throw new VhostUserProtocolException(request, "not supported by this back-end (its protocol feature was not offered)"),
        };
        if (reply != null) return reply;
        return message.Header.NeedsReply && Has(VhostUserProtocolFeature.ReplyAck) ? VhostUserMessage.ReplyU64(request, 0) : null;
    }

    /// <summary>
    /// One round of ring work: serves every kicked (or polled) started ring, lets the device inject pending work,
    /// and flushes the dirty log.
    /// </summary>
    public void ServiceRings() => ServiceRings(kicksPolled: false);

    // kicksPolled: the serve loop's poll just said which kick eventfds are readable (read only those, once each);
    // otherwise every kick eventfd is checked.
    private void ServiceRings(bool kicksPolled)
    {
        foreach (var ring in _rings)
        {
            if (!ring.Started || ring.Broken) { Consume(ring, kicksPolled); continue; }
            ulong kicks = ring.Kick == null ? 1 : Consume(ring, kicksPolled);
            if (BeforeDriverOk)
            {
                NotifiedBeforeDriverOk(ring, kicks);
                continue;
            }
            bool pending = ring.ServePending;
            ring.ServePending = false;
            if (kicks == 0 && !pending && !(ring.Polling && ring.Enabled)) continue;
            if (Trace != null && kicks > 0) Trace.WriteLine($"vhost-user: ring {ring.Index} kicked {kicks} enabled={ring.Enabled}");
            if (ring.Enabled) ServeRing(ring);
            else
            {
                // Started but disabled: processed without side effects (net transmit buffers go back unsent).
                var result = _device.OnDisabledKick(ring.Index, ring.Queue!);
                if (result.Interrupt) ring.Interrupt();
                if (result.Error.IsError) Broken(ring.Index, result.Error);
            }
        }
        _device.Service(this);
        // The flush scans the whole private bitmap, so while logging it runs every few milliseconds, not every round;
        // GET_VRING_BASE, a new log and RESET flush at once, so a stopped ring's pages are never missing.
        long now = Environment.TickCount64;
        if (Logging && now - _lastFlush >= FlushIntervalMs)
        {
            _dirtyLog!.Flush();
            _lastFlush = now;
        }
    }

    /// <inheritdoc />
    public bool TryGetActive(int index, out IDeviceQueue queue)
    {
        queue = null!;
        if ((uint)index >= (uint)_rings.Length) return false;
        var ring = _rings[index];
        if (ring.Queue == null || !ring.Enabled || ring.Broken) return false;
        queue = ring.Queue;
        return true;
    }

    /// <inheritdoc />
    public void Interrupt(int index)
    {
        if ((uint)index < (uint)_rings.Length) _rings[index].Interrupt();
    }

    /// <inheritdoc />
    public void Broken(int index, QueueError error)
    {
        if ((uint)index >= (uint)_rings.Length) return;
        _rings[index].MarkBroken();
        _log?.WriteLine($"vhost-user: ring {index} is broken: {error.Reason}");
    }

    /// <summary>Stops every ring and unmaps memory.</summary>
    public void Dispose()
    {
        foreach (var ring in _rings) ring.Dispose();
        _map?.Dispose();
        _map = null;
        _dirtyLog?.Flush();
        _dirtyLog?.Dispose();
        _dirtyLog = null;
        _logFd?.Dispose();
        _logFd = null;
        _inflight?.Dispose();
        _inflight = null;
    }

    private SessionEnd Fail(VhostUserProtocolException e)
    {
        _log?.WriteLine($"vhost-user: protocol error, closing the connection: {e.Message}");
        return new SessionEnd(SessionEndKind.ProtocolError, e.Message);
    }

    private static void TrySend(VhostUserConnection connection, VhostUserMessage message)
    {
        try { connection.Send(message); } catch (IOException) { }
    }

    private static VhostUserMessage? Do(Action action)
    {
        action();
        return null;
    }

    private VhostUserMessage? Require(VhostUserProtocolFeature feature, VhostUserRequest request)
    {
        if (!Has(feature)) throw new VhostUserProtocolException(request, $"protocol feature {feature} was not negotiated");
        return null;
    }

    /// <summary>
    /// True while the front-end, having negotiated STATUS, has started the status handshake but not set DRIVER_OK: the
    /// device MUST NOT consume buffers then (spec 2.1), and the driver MUST NOT notify (spec 3.1.1).
    /// </summary>
    private bool BeforeDriverOk => Has(VhostUserProtocolFeature.Status) && Status != 0 && (Status & (byte)DeviceStatus.DriverOk) == 0;

    // Before DRIVER_OK nothing is served. A doorbell found in the eventfd right after the ring started may predate its
    // hand-over (a front-end's earlier kick): it is kept for DRIVER_OK. One that comes after the eventfd was seen empty is
    // the driver notifying too early: the ring breaks (DEVICE_NEEDS_RESET).
    private void NotifiedBeforeDriverOk(Vring ring, ulong kicks)
    {
        if (ring.Kick == null) return;
        if (kicks == 0)
        {
            ring.SeenQuiet = true;
            return;
        }
        if (!ring.SeenQuiet)
        {
            ring.ServePending = true;
            return;
        }
        Broken(ring.Index, new QueueError(QueueErrorKind.NotifiedBeforeDriverOk));
    }

    private void ServeRing(Vring ring)
    {
        if (BeforeDriverOk) return;
        var result = _device.OnKick(ring.Index, ring.Queue!);
        if (Trace != null && result.Completed > 0)
        {
            var q = ring.Queue!;
            q.Memory.Memory.TryReadU16(q.Config.DeviceArea + 2, out ushort usedIdx);
            q.Memory.Memory.TryReadU16(q.Config.DriverArea + 2, out ushort availIdx);
            q.Memory.Memory.TryReadU16(q.Config.DriverArea, out ushort availFlags);
            Trace.WriteLine($"vhost-user: ring {ring.Index} served {result.Completed} interrupt={result.Interrupt} used.idx={usedIdx} avail.idx={availIdx} avail.flags={availFlags} error={result.Error}");
        }
        if (result.Interrupt) ring.Interrupt();
        if (result.Error.IsError) { Broken(ring.Index, result.Error); return; }
        if (PollingBudget <= TimeSpan.Zero) return;
        // Busy-poll a ring while it has work (doorbells off), and go back to doorbells once it stayed empty for the budget.
        if (result.Completed > 0) ring.StartPolling(Stopwatch.GetTimestamp());
        else if (ring.Polling)
        {
            long now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(ring.LastWork, now) > PollingBudget) ring.StopPolling(now);
        }
    }

    private static ulong Consume(Vring ring, bool kicksPolled)
    {
        if (ring.Kick == null) return 0;
        if (!kicksPolled) return ring.Kick.TryConsume();
        return ring.KickReady ? ring.Kick.ConsumeReady() : 0;
    }

    private Vring RingAt(VhostUserRequest request, uint index)
    {
        if (index >= (uint)_rings.Length) throw new VhostUserProtocolException(request, $"ring {index} does not exist (the device has {_rings.Length})");
        return _rings[index];
    }

    private VhostUserMessage? SetFeatures(ulong features)
    {
        ulong unknown = features & ~OfferedFeatures;
        if (unknown != 0) throw new VhostUserProtocolException(VhostUserRequest.SetFeatures, $"features 0x{unknown:x} were not offered");
        ulong changed = (Features ^ features) & ~(1UL << VhostUserFeatures.LogAll);
        if (_featuresSet && changed != 0 && _rings.Any(r => r.Started))
            throw new VhostUserProtocolException(VhostUserRequest.SetFeatures, "features other than LOG_ALL changed while rings run");
        Features = features;
        _featuresSet = true;
        _device.Activate(VirtioFeatures);
        UpdateLogging();
        foreach (var ring in _rings) TryStart(ring);
        return null;
    }

    private VhostUserMessage? SetProtocolFeatures(ulong features)
    {
        ulong unknown = features & ~OfferedProtocolFeatures;
        if (unknown != 0) throw new VhostUserProtocolException(VhostUserRequest.SetProtocolFeatures, $"protocol features 0x{unknown:x} were not offered");
        ProtocolFeatures = features;
        return null;
    }

    private VhostUserMessage? SetMemTable(VhostUserMessage message)
    {
        var table = MemoryTable.Parse(message.Payload, message.FdCount);
        var map = GuestMemoryMap.Map(table, message.Fds);
        // A new table while running: stop the rings, swap the mappings, resume the rings where they stopped.
        var resume = new Dictionary<int, QueueState>();
        foreach (var ring in _rings)
        {
            if (!ring.Started) continue;
            if (ring.Enabled && !ring.Broken) ServeRing(ring);
            resume[ring.Index] = ring.Stop()!;
        }
        _map?.Dispose();
        _map = map;
        MemoryTables++;
        foreach (var ring in _rings)
        {
            if (resume.TryGetValue(ring.Index, out var state)) ring.Start(_map, VirtioFeatures, LocalLog(), state);
            else TryStart(ring);
        }
        return null;
    }

    private VhostUserMessage GetInflightFd(VhostUserMessage message)
    {
        Require(VhostUserProtocolFeature.InflightShmfd, message.Request);
        var asked = CheckInflightQueues(message.Request, InflightDescription.Parse(message.Request, message.Payload));
        var region = InflightRegion.Create(asked.NumQueues, asked.QueueSize, RingsPacked);
        // This back-end tracks in the region it hands out at once; the front-end sends it back with SET_INFLIGHT_FD.
        AdoptInflight(message.Request, region);
        var payload = region.Description.ToBytes();
        return VhostUserMessage.Reply(message.Request, payload, [region.Fd]);
    }

    private VhostUserMessage? SetInflightFd(VhostUserMessage message)
    {
        Require(VhostUserProtocolFeature.InflightShmfd, message.Request);
        var description = CheckInflightQueues(message.Request, InflightDescription.Parse(message.Request, message.Payload));
        if (message.FdCount != 1) throw new VhostUserProtocolException(message.Request, "the inflight fd is missing");
        AdoptInflight(message.Request, InflightRegion.Map(message.Fds[0], description, RingsPacked));
        return null;
    }

    // A region tracks the device's rings, no more: a front-end asking for 65,535 queues of a device with a few would
    // otherwise get (and make this process map) a multi-gigabyte region.
    private InflightDescription CheckInflightQueues(VhostUserRequest request, InflightDescription description)
    {
        if (description.NumQueues > _rings.Length)
            throw new VhostUserProtocolException(request, $"inflight region for {description.NumQueues} queues, but the device has {_rings.Length}");
        return description;
    }

    // The region's layout follows the ring format negotiated before GET/SET_INFLIGHT_FD (as QEMU and DPDK do).
    private bool RingsPacked => VirtioFeatures.Has(FeatureBit.RingPacked);

    private void AdoptInflight(VhostUserRequest request, InflightRegion region)
    {
        if (_rings.Any(r => r.Started))
        {
            region.Dispose();
            throw new VhostUserProtocolException(request, "the inflight region changed while rings run");
        }
        _inflight?.Dispose();
        _inflight = region;
        for (int i = 0; i < _rings.Length; i++)
        {
            bool tracked = i < region.Description.NumQueues;
            var tracker = tracked && !region.Packed ? region.Tracker(i) : null;
            var packedTracker = tracked && region.Packed ? region.PackedTracker(i) : null;
            if (tracker != null) tracker.AfterStep = InflightStep;
            if (packedTracker != null) packedTracker.AfterStep = InflightStep;
            _rings[i].Inflight = tracker;
            _rings[i].PackedInflight = packedTracker;
        }
    }

    private VhostUserMessage? SetLogBase(VhostUserMessage message)
    {
        Require(VhostUserProtocolFeature.LogShmfd, message.Request);
        var description = LogDescription.Parse(message.Payload);
        if (message.FdCount != 1) throw new VhostUserProtocolException(message.Request, "the log fd is missing");
        MappedMemory mapping;
        try { mapping = MappedMemory.Map(message.Fds[0], description.Offset, description.Size); }
        catch (IOException e) { throw new VhostUserProtocolException(message.Request, e.Message); }
        _dirtyLog?.Flush();
        _dirtyLog?.Dispose();
        _dirtyLog = new SharedDirtyLog(mapping);
        UpdateLogging();
        return VhostUserMessage.ReplyU64(message.Request, 0);
    }

    private VhostUserMessage? SetLogFd(VhostUserMessage message)
    {
        int fd = message.TakeFd(0);
        if (fd < 0) throw new VhostUserProtocolException(message.Request, "the log eventfd is missing");
        _logFd?.Dispose();
        _logFd = new EventFd(fd);
        return null;
    }

    private VhostUserMessage? SetVringNum(VringState state)
    {
        var ring = RingAt(VhostUserRequest.SetVringNum, state.Index);
        if (state.Num == 0 || state.Num > QueueConfig.MaxSize)
            throw new VhostUserProtocolException(VhostUserRequest.SetVringNum, $"ring {state.Index} size {state.Num} is outside 1..{QueueConfig.MaxSize}");
        if (ring.Started) throw new VhostUserProtocolException(VhostUserRequest.SetVringNum, $"ring {state.Index} is running");
        ring.Size = (ushort)state.Num;
        return null;
    }

    private VhostUserMessage? SetVringAddr(VringAddress address)
    {
        var ring = RingAt(VhostUserRequest.SetVringAddr, address.Index);
        if (_map != null)
        {
            ulong size = Math.Max(ring.Size, (ushort)1);
            CheckUser(address.Index, address.Descriptor, 16 * size, "descriptor area");
            CheckUser(address.Index, address.Available, 4, "driver area");
            CheckUser(address.Index, address.Used, 4, "device area");
        }
        if (ring.Started)
        {
            // A running ring gets new flags (migration turns VHOST_VRING_F_LOG on and off this way) or new
            // addresses: it continues from where it is, over the new areas.
            if (ring.Enabled && !ring.Broken) ServeRing(ring);
            var state = ring.Stop()!;
            ring.Address = address;
            ring.Start(_map!, VirtioFeatures, LocalLog(), state);
            return null;
        }
        ring.Address = address;
        TryStart(ring);
        return null;
    }

    private void CheckUser(uint index, ulong user, ulong length, string what)
    {
        if (!_map!.TryTranslateUser(user, length, out _))
            throw new VhostUserProtocolException(VhostUserRequest.SetVringAddr, $"ring {index} {what} at user address 0x{user:x} is outside the memory table");
    }

    private VhostUserMessage? SetVringBase(VringState state)
    {
        var ring = RingAt(VhostUserRequest.SetVringBase, state.Index);
        if (ring.Started) throw new VhostUserProtocolException(VhostUserRequest.SetVringBase, $"ring {state.Index} is running");
        ring.Base = state.Num;
        return null;
    }

    private VhostUserMessage GetVringBase(VringState state)
    {
        var ring = RingAt(VhostUserRequest.GetVringBase, state.Index);
        if (ring.Started && !ring.Broken && ring.Enabled) ServeRing(ring); // buffers kicked before the stop are served
        ring.Stop();
        _dirtyLog?.Flush();
        uint value = ring.BaseValue();
        ring.Base = value;
        ring.Reset(keepConfig: true);
        return VhostUserMessage.Reply(VhostUserRequest.GetVringBase, new VringState(state.Index, value).ToBytes());
    }

    private VhostUserMessage? SetVringFile(VhostUserMessage message)
    {
        var file = VringFile.Parse(message.Request, message.Payload, message.FdCount);
        var ring = RingAt(message.Request, (uint)file.Index);
        EventFd? fd = file.NoFd ? null : new EventFd(message.TakeFd(0));
        switch (message.Request)
        {
            case VhostUserRequest.SetVringKick:
                ring.SetKick(fd);
                TryStart(ring);
                break;
            case VhostUserRequest.SetVringCall: ring.SetCall(fd); break;
            default: ring.SetErr(fd); break;
        }
        return null;
    }

    private VhostUserMessage? SetVringEnable(VringState state)
    {
        var ring = RingAt(VhostUserRequest.SetVringEnable, state.Index);
        if (state.Num > 1) throw new VhostUserProtocolException(VhostUserRequest.SetVringEnable, $"enable value {state.Num} is neither 0 nor 1");
        if (state.Num == 0 && ring.Started && ring.Enabled && !ring.Broken) ServeRing(ring); // kicked buffers still count
        bool wasEnabled = ring.Enabled;
        ring.Enabled = state.Num == 1;
        // Only ServeRing ends polling, and a disabled ring is not served: left polling, it would keep the loop
        // spinning and the driver's doorbells off until it is enabled again.
        if (!ring.Enabled) ring.EndPolling();
        // Buffers made available (or resubmitted from the in-flight area) while the ring was disabled are served now.
        if (!wasEnabled && ring.Enabled && ring.Started) ring.ServePending = true;
        return null;
    }

    private VhostUserMessage GetConfig(VhostUserMessage message)
    {
        Require(VhostUserProtocolFeature.Config, message.Request);
        var access = ConfigAccess.Parse(message.Request, message.Payload);
        if (access.Offset + (ulong)access.Data.Length > (ulong)_device.Handler.ConfigSize)
            return VhostUserMessage.Reply(message.Request, []); // an empty payload tells the front-end the access failed
        _device.Handler.ReadConfig((int)access.Offset, access.Data);
        return VhostUserMessage.Reply(message.Request, access.ToBytes());
    }

    private VhostUserMessage? SetConfig(VhostUserMessage message)
    {
        Require(VhostUserProtocolFeature.Config, message.Request);
        var access = ConfigAccess.Parse(message.Request, message.Payload);
        if (access.Offset + (ulong)access.Data.Length > (ulong)_device.Handler.ConfigSize)
            throw new VhostUserProtocolException(message.Request, $"config write at {access.Offset} of {access.Data.Length} bytes is past the {_device.Handler.ConfigSize}-byte config space");
        _device.Handler.WriteConfig((int)access.Offset, access.Data);
        return null;
    }

    private VhostUserMessage? SetStatus(ulong status)
    {
        Require(VhostUserProtocolFeature.Status, VhostUserRequest.SetStatus);
        if (status > 0xFF) throw new VhostUserProtocolException(VhostUserRequest.SetStatus, $"status 0x{status:x} does not fit a byte");
        Status = (byte)status;
        if ((Status & (byte)DeviceStatus.FeaturesOk) != 0 && (ModernOnly(VirtioFeatures) ?? _device.ValidateFeatures(VirtioFeatures)) is { } reason)
        {
            _log?.WriteLine($"vhost-user: FEATURES_OK refused: {reason}");
            Status &= unchecked((byte)~DeviceStatus.FeaturesOk);
        }
        return null;
    }

    // A driver MUST accept VERSION_1 when offered (spec 6); the back-ends here have no legacy interface to fall back on.
    private string? ModernOnly(FeatureSet accepted) =>
        _device.OfferedFeatures.Has(FeatureBit.Version1) && !accepted.Has(FeatureBit.Version1)
            ? "VERSION_1 was not accepted; this back-end has no legacy interface"
            : null;

    private ulong CurrentStatus() =>
        (ulong)(Status | (_rings.Any(r => r.Broken) ? (byte)DeviceStatus.DeviceNeedsReset : (byte)0));

    private void ResetDevice()
    {
        StopAll(forget: true);
        Features = 0;
        _featuresSet = false;
        Status = 0;
        _device.Reset();
    }

    private void StopAll(bool forget)
    {
        foreach (var ring in _rings)
        {
            if (ring.Started && ring.Enabled && !ring.Broken) ServeRing(ring);
            ring.Stop();
            ring.Reset(keepConfig: !forget);
            if (!forget) ring.Enabled = false;
        }
        _dirtyLog?.Flush();
    }

    private Virtio.Memory.DirtyLog? LocalLog() => Logging ? _dirtyLog!.Local : null;

    private void UpdateLogging()
    {
        var log = LocalLog();
        foreach (var ring in _rings)
            if (ring.Queue != null) ring.Queue.Memory.DirtyLog = log;
    }

    private void TryStart(Vring ring)
    {
        if (ring.Started || !_featuresSet || _map == null || !ring.IsConfigured) return;
        ring.Start(_map, VirtioFeatures, LocalLog());
        if (ring.Resubmitted > 0) _log?.WriteLine($"vhost-user: ring {ring.Index}: {ring.Resubmitted} requests taken by the previous back-end resubmitted from the inflight region");
        if ((Features & (1UL << VhostUserFeatures.ProtocolFeatures)) == 0) ring.Enabled = true;
        if (ring.Broken) Broken(ring.Index, ring.Queue!.Error);
    }
}
