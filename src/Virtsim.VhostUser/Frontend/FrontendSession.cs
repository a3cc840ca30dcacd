using System.Buffers.Binary;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// The control plane of a vhost-user front-end: ownership, virtio and protocol feature negotiation (using what
/// the device offers of MQ, REPLY_ACK, CONFIG and STATUS), config reads, the memory table, starting and
/// stopping rings, and waiting for calls. Drivers (<see cref="NetDriver"/>, <see cref="BlkDriver"/>) build on it.
/// </summary>
public sealed class FrontendSession : IDisposable
{
    /// <summary>Protocol features this front-end uses when the device offers them.</summary>
    public const ulong WantedProtocolFeatures =
        (1UL << (int)VhostUserProtocolFeature.Mq) | (1UL << (int)VhostUserProtocolFeature.ReplyAck) |
        (1UL << (int)VhostUserProtocolFeature.Config) | (1UL << (int)VhostUserProtocolFeature.Status);

    private DeviceStatus _status;
    private long _earlierRequests;

    /// <summary>A session over an open channel (owned from now on).</summary>
    public FrontendSession(FrontendChannel channel) => Channel = channel ?? throw new ArgumentNullException(nameof(channel));

    /// <summary>The request/reply channel (a new one after each <see cref="Reconnect"/>).</summary>
    public FrontendChannel Channel { get; private set; }

    /// <summary>The socket this session connected to (null for a session over a given channel: it cannot reconnect).</summary>
    public string? SocketPath { get; private set; }

    /// <summary>Requests sent over every connection of this session.</summary>
    public long Requests => _earlierRequests + Channel.Requests;

    /// <summary>Features the device offered (vhost-user bits included).</summary>
    public ulong OfferedFeatures { get; private set; }

    /// <summary>Features set with SET_FEATURES (vhost-user bits included).</summary>
    public ulong Features { get; private set; }

    /// <summary>Protocol features set with SET_PROTOCOL_FEATURES (0 when the device has none).</summary>
    public ulong ProtocolFeatures { get; private set; }

    /// <summary>Queues the device reports with GET_QUEUE_NUM (0 without the MQ protocol feature).</summary>
    public ulong DeviceQueues { get; private set; }

    /// <summary>True when protocol feature <paramref name="feature"/> was negotiated.</summary>
    public bool Has(VhostUserProtocolFeature feature) => (ProtocolFeatures & (1UL << (int)feature)) != 0;

    /// <summary>
    /// Connects to the device listening at <paramref name="socketPath"/>, waiting up to <paramref name="timeout"/>
    /// for the socket to appear and accept (a device started just before may not have created it yet).
    /// </summary>
    /// <exception cref="IOException">No connection within the timeout.</exception>
    public static FrontendSession Connect(string socketPath, TimeSpan timeout, TimeProvider time, CancellationToken ct = default) =>
        new(new FrontendChannel(Open(socketPath, timeout, timeout, time, ct), timeout)) { SocketPath = socketPath };

    /// <summary>Connects, retrying for up to <paramref name="timeout"/> while nobody listens; a message, once started, must arrive within <paramref name="messageTimeout"/>.</summary>
    private static VhostUserConnection Open(string socketPath, TimeSpan timeout, TimeSpan messageTimeout, TimeProvider time, CancellationToken ct)
    {
        long start = time.GetTimestamp();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return VhostUserConnection.Connect(socketPath, messageTimeout);
            }
            catch (IOException) when (time.GetElapsedTime(start) < timeout)
            {
                Thread.Sleep(20); // the socket is not there or not listening yet: try again shortly
            }
        }
    }

    /// <summary>
    /// Closes the connection and connects again to <see cref="SocketPath"/>, waiting up to
    /// <paramref name="timeout"/> for a (restarted) device to listen there; replies are then awaited with
    /// <paramref name="replyTimeout"/>. Negotiation starts over: call <see cref="Negotiate"/> next.
    /// </summary>
    /// <exception cref="IOException">No connection within the timeout.</exception>
    /// <exception cref="InvalidOperationException">The session was made over a given channel and has no socket path.</exception>
    public void Reconnect(TimeSpan timeout, TimeSpan replyTimeout, TimeProvider time, CancellationToken ct = default)
    {
        string path = SocketPath ?? throw new InvalidOperationException("this session has no socket path to reconnect to");
        Channel.Dispose(); // idempotent: a failed attempt leaves the old, closed channel in place
        var connection = Open(path, timeout, replyTimeout, time, ct);
        _earlierRequests += Channel.Requests;
        Channel = new FrontendChannel(connection, replyTimeout);
        OfferedFeatures = 0;
        Features = 0;
        ProtocolFeatures = 0;
        DeviceQueues = 0;
        _status = 0;
    }

    /// <summary>
    /// SET_OWNER, GET_FEATURES, protocol features (GET/SET_PROTOCOL_FEATURES, GET_QUEUE_NUM), SET_FEATURES with
    /// the offered part of <paramref name="wanted"/>, and with STATUS the ACKNOWLEDGE, DRIVER and FEATURES_OK
    /// steps. Returns the negotiated virtio features (vhost-user bits removed).
    /// </summary>
    /// <param name="wanted">Virtio features asked for (those offered are set).</param>
    /// <param name="required">Virtio features the device must offer.</param>
    /// <param name="extraProtocolFeatures">Protocol features used on top of <see cref="WantedProtocolFeatures"/> when offered (INFLIGHT_SHMFD for blk).</param>
    /// <exception cref="VhostUserProtocolException">A <paramref name="required"/> feature is missing, the device refused the features, or it broke the protocol.</exception>
    public ulong Negotiate(ulong wanted, ulong required, ulong extraProtocolFeatures = 0)
    {
        Channel.Send(VhostUserRequest.SetOwner, []);
        OfferedFeatures = Channel.AskU64(VhostUserRequest.GetFeatures);
        ulong missing = required & ~OfferedFeatures;
        if (missing != 0) throw new VhostUserProtocolException(VhostUserRequest.GetFeatures, $"the device does not offer required features 0x{missing:x} (offered 0x{OfferedFeatures:x})");
        ulong protocolBit = 1UL << VhostUserFeatures.ProtocolFeatures;
        if ((OfferedFeatures & protocolBit) != 0)
        {
            ulong offered = Channel.AskU64(VhostUserRequest.GetProtocolFeatures);
            ProtocolFeatures = offered & (WantedProtocolFeatures | extraProtocolFeatures);
            Channel.SendU64(VhostUserRequest.SetProtocolFeatures, ProtocolFeatures);
            // Acks apply from the next request on.
            Channel.ReplyAck = Has(VhostUserProtocolFeature.ReplyAck);
            if (Has(VhostUserProtocolFeature.Mq)) DeviceQueues = Channel.AskU64(VhostUserRequest.GetQueueNum);
        }
        Features = (OfferedFeatures & wanted & ~VhostUserFeatures.TransportMask) | (OfferedFeatures & protocolBit);
        Channel.SendU64(VhostUserRequest.SetFeatures, Features);
        if (Has(VhostUserProtocolFeature.Status))
        {
            SetStatus(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk);
            var status = (DeviceStatus)(byte)Channel.AskU64(VhostUserRequest.GetStatus);
            if ((status & DeviceStatus.FeaturesOk) == 0)
                throw new VhostUserProtocolException(VhostUserRequest.GetStatus, $"the device refused features 0x{Features:x} (status 0x{(byte)status:x})");
        }
        return Features & ~VhostUserFeatures.TransportMask;
    }

    /// <summary>Reads <paramref name="size"/> bytes of the device config space at <paramref name="offset"/> (GET_CONFIG).</summary>
    /// <exception cref="VhostUserProtocolException">CONFIG was not negotiated, or the reply is malformed or empty.</exception>
    public byte[] ReadConfig(uint offset, uint size)
    {
        const VhostUserRequest r = VhostUserRequest.GetConfig;
        if (!Has(VhostUserProtocolFeature.Config)) throw new VhostUserProtocolException(r, "the device does not offer the CONFIG protocol feature");
        var reply = Channel.Ask(r, new ConfigAccess(offset, 0, new byte[size]).ToBytes(), -1);
        var access = ConfigAccess.Parse(r, reply);
        if (access.Offset != offset || access.Data.Length != size)
            throw new VhostUserProtocolException(r, $"asked {size} bytes at {offset}, got {access.Data.Length} bytes at {access.Offset}");
        return access.Data;
    }

    /// <summary>Sends the memory table with the memfd of <paramref name="memory"/> (SET_MEM_TABLE).</summary>
    public void ShareMemory(FrontendMemory memory) =>
        Channel.Send(VhostUserRequest.SetMemTable, memory.Table.ToBytes(), memory.Fd);

    /// <summary>
    /// Programs and enables every ring, then (with STATUS) sets DRIVER_OK. With an <paramref name="inflight"/>
    /// region (INFLIGHT_SHMFD) it is handed over first, and a ring's base is where its last back-end left it
    /// according to the region (split: the recorded used index; packed: available and used positions with their
    /// wrap counters; a fresh ring's base for a fresh region), so a restarted back-end resubmits what was in flight.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The device refused a request or broke the protocol.</exception>
    public void StartRings(IReadOnlyList<FrontendRing> rings, FrontendMemory memory, FrontendInflight? inflight = null)
    {
        inflight?.Share(Channel);
        foreach (var ring in rings)
            ring.Program(Channel, memory, inflight == null ? null : RingBase(ring, memory, inflight));
        // With PROTOCOL_FEATURES rings start disabled; without it they run as soon as they are kicked.
        if ((Features & (1UL << VhostUserFeatures.ProtocolFeatures)) != 0)
            foreach (var ring in rings) Channel.Send(VhostUserRequest.SetVringEnable, new VringState((uint)ring.Index, 1).ToBytes());
        if (Has(VhostUserProtocolFeature.Status)) SetStatus(_status | DeviceStatus.DriverOk);
    }

    // Split: the used index the last back-end recorded. Packed: both positions, recovered from a copy of the area
    // with the ring's flags read from guest memory (a half-published completion shows in its slot's flags).
    private static uint RingBase(FrontendRing ring, FrontendMemory memory, FrontendInflight inflight)
    {
        var config = ring.Queue.Config;
        if (config.Format == QueueFormat.Split) return inflight.SplitUsedIdx(ring.Index);
        return inflight.PackedBase(ring.Index, PackedInflightTracker.RingSlotFlags(memory.Memory, config.DescriptorArea));
    }

    /// <summary>Stops every ring with GET_VRING_BASE; returns the bases the device reported.</summary>
    /// <exception cref="VhostUserProtocolException">A reply is malformed or names another ring.</exception>
    public uint[] StopRings(IReadOnlyList<FrontendRing> rings)
    {
        var bases = new uint[rings.Count];
        for (int i = 0; i < rings.Count; i++)
        {
            var reply = Channel.Ask(VhostUserRequest.GetVringBase, new VringState((uint)rings[i].Index, 0).ToBytes(), VringState.EncodedSize);
            var state = VringState.Parse(reply);
            if (state.Index != rings[i].Index)
                throw new VhostUserProtocolException(VhostUserRequest.GetVringBase, $"asked for ring {rings[i].Index}, the reply is for ring {state.Index}");
            bases[i] = state.Num;
        }
        return bases;
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for a call on any of <paramref name="rings"/> and consumes the
    /// calls; true when there was one. A device that sends anything or hangs up meanwhile ends the run.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The device closed the connection or sent an unexpected message.</exception>
    public unsafe bool WaitForCalls(IReadOnlyList<FrontendRing> rings, int timeoutMs)
    {
        int count = rings.Count + 1;
        PollFd* fds = stackalloc PollFd[count];
        for (int i = 0; i < rings.Count; i++) fds[i] = new PollFd { Fd = rings[i].Call.Fd, Events = LibC.POLLIN };
        fds[rings.Count] = new PollFd { Fd = Channel.Fd, Events = LibC.POLLIN };
        LibC.poll(fds, (nuint)count, timeoutMs);
        if (fds[rings.Count].Revents != 0) Channel.CheckQuiet();
        bool called = false;
        foreach (var ring in rings) called |= ring.ConsumeCall();
        return called;
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => Channel.Dispose();

    private void SetStatus(DeviceStatus status)
    {
        Channel.SendU64(VhostUserRequest.SetStatus, (byte)status);
        _status = status;
    }

    /// <summary>Reads a little-endian u64 at <paramref name="offset"/> of a config block.</summary>
    internal static ulong ReadU64(byte[] config, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(config.AsSpan(offset));
}
