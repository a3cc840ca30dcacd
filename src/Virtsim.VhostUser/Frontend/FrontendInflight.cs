using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// The in-flight tracking region (INFLIGHT_SHMFD) as the front-end holds it: the fd and description the first
/// back-end handed out with GET_INFLIGHT_FD, kept for the whole run and handed to every back-end that follows
/// with SET_INFLIGHT_FD, so a restarted back-end finds what its predecessor had taken but not returned. Mapped
/// here only to read where each ring's back-end stopped (split rings: the area's used_idx).
/// </summary>
public sealed class FrontendInflight : IDisposable
{
    private int _fd;
    private readonly InflightRegion _region;

    private FrontendInflight(int fd, InflightRegion region)
    {
        _fd = fd;
        _region = region;
    }

    /// <summary>True when the region has the packed layout (the rings are packed).</summary>
    public bool Packed => _region.Packed;

    /// <summary>Size, offset, ring count and ring size of the region.</summary>
    public InflightDescription Description => _region.Description;

    /// <summary>The region's descriptor (sent with SET_INFLIGHT_FD; the receiver gets its own copy).</summary>
    public int Fd => _fd;

    /// <summary>
    /// Asks the device for a region tracking <paramref name="numQueues"/> rings of <paramref name="queueSize"/>
    /// (GET_INFLIGHT_FD) and maps it; <paramref name="packed"/> rings need the larger packed layout.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The reply is malformed, describes other rings, or its region cannot be mapped.</exception>
    public static FrontendInflight Get(FrontendChannel channel, ushort numQueues, ushort queueSize, bool packed = false)
    {
        ArgumentNullException.ThrowIfNull(channel);
        const VhostUserRequest r = VhostUserRequest.GetInflightFd;
        var payload = channel.AskWithFd(r, new InflightDescription(0, 0, numQueues, queueSize).ToBytes(), -1, out int fd);
        try
        {
            // Parsed as SET_INFLIGHT_FD would be: the reply must describe a whole, non-empty region.
            var d = InflightDescription.Parse(VhostUserRequest.SetInflightFd, payload);
            if (d.NumQueues != numQueues || d.QueueSize != queueSize)
                throw new VhostUserProtocolException(r, $"asked for {numQueues} rings of {queueSize}, the region is for {d.NumQueues} of {d.QueueSize}");
            return new FrontendInflight(fd, InflightRegion.Map(fd, d, packed, r));
        }
        catch
        {
            LibC.close(fd);
            throw;
        }
    }

    /// <summary>Hands the region to the device (SET_INFLIGHT_FD); done on every connection, before the rings start.</summary>
    /// <exception cref="VhostUserProtocolException">The device refused it or broke the protocol.</exception>
    public void Share(FrontendChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        channel.Send(VhostUserRequest.SetInflightFd, Description.ToBytes(), _fd);
    }

    /// <summary>
    /// The used index at which the back-end of split ring <paramref name="queue"/> last finished a batch (the
    /// area's used_idx; 0 for an area never used): the base a ring is restarted with after a reconnection.
    /// </summary>
    /// <exception cref="InvalidOperationException">The region has the packed layout.</exception>
    public ushort SplitUsedIdx(int queue) => _region.Tracker(queue).UsedIdx;

    /// <summary>
    /// The SET_VRING_BASE value of packed ring <paramref name="queue"/> after a reconnection, as its area says the
    /// last back-end left it: next available index in bits 0-14 and its wrap counter in bit 15, next used index in
    /// bits 16-30 and its wrap counter in bit 31. The area is recovered on a private copy (the shared one is the
    /// back-end's to repair): a half-published completion is committed when <paramref name="slotFlags"/> (the
    /// flags of a ring slot, read from guest memory) show its used descriptor written, else rolled back, and the
    /// available position lies past every chain still in flight. A never-used area gives the fresh base (both
    /// wrap counters 1, indices 0: <see cref="PackedVringBase.Fresh"/>).
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The area is corrupt or laid out for another ring size.</exception>
    public uint PackedBase(int queue, Func<ushort, ushort> slotFlags)
    {
        if (!Packed) throw new InvalidOperationException("the region has the split layout");
        return PackedBase(_region.Area(queue), Description.QueueSize, slotFlags);
    }

    /// <summary>
    /// The SET_VRING_BASE value a packed ring of <paramref name="queueSize"/> restarts with, from its in-flight
    /// <paramref name="area"/> (see <see cref="PackedBase(int, Func{ushort, ushort})"/>); the area is not modified.
    /// </summary>
    /// <exception cref="ArgumentException">The area is smaller than the ring needs.</exception>
    /// <exception cref="VhostUserProtocolException">The area is corrupt or laid out for another ring size.</exception>
    public static unsafe uint PackedBase(ReadOnlySpan<byte> area, ushort queueSize, Func<ushort, ushort> slotFlags)
    {
        int size = (int)PackedInflightLayout.QueueAreaSize(queueSize);
        if (area.Length < size) throw new ArgumentException($"a packed area for {queueSize} descriptors needs {size} bytes", nameof(area));
        var copy = area[..size].ToArray();
        fixed (byte* at = copy)
        {
            var recovery = new PackedInflightTracker((nint)at, queueSize).Recover(RingPosition.Start, slotFlags);
            return PackedVringBase.Encode(recovery.NextAvail, recovery.NextUsed);
        }
    }

    /// <summary>Unmaps and closes the descriptor.</summary>
    public void Dispose()
    {
        _region.Dispose();
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) LibC.close(fd);
    }
}
