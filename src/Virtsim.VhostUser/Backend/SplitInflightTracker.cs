using Virtsim.VhostUser.Protocol;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// In-flight tracking of one split ring in its shared area (<see cref="InflightLayout"/>), in the order the
/// vhost-user spec gives so that a back-end killed at any instant leaves an area its successor can recover:
/// a head is marked (counter, then inflight = 1) when popped; a used head is linked into the batch list
/// (next = last_batch_head, last_batch_head = head) before the used index is published; after publishing, the
/// batch's entries are cleared and used_idx is set to the published used index. Single-threaded (the serve loop).
/// </summary>
public sealed unsafe class SplitInflightTracker
{
    private readonly byte* _area;
    private ulong _counter;
    private int _batch;

    /// <summary>Tracks the area at <paramref name="area"/> for a ring of <paramref name="queueSize"/> descriptors.</summary>
    public SplitInflightTracker(nint area, ushort queueSize)
    {
        if (area == 0) throw new ArgumentNullException(nameof(area));
        _area = (byte*)area;
        QueueSize = queueSize;
    }

    /// <summary>Descriptors per ring.</summary>
    public ushort QueueSize { get; }

    /// <summary>The counter the next popped head gets.</summary>
    public ulong NextCounter => _counter;

    /// <summary>Used heads linked since the last publication.</summary>
    public int PendingBatch => _batch;

    /// <summary>Called after every store that matters for recovery (tests kill the back-end there).</summary>
    internal Action? AfterStep { get; set; }

    /// <summary>The area's used_idx.</summary>
    public ushort UsedIdx => Volatile.Read(ref *(ushort*)(_area + InflightLayout.UsedIdxOffset));

    /// <summary>True when <paramref name="head"/> is marked in flight.</summary>
    public bool IsInFlight(ushort head) => Volatile.Read(ref *Entry(head)) != 0;

    /// <summary>
    /// Recovers the area when a ring starts over the ring's published used index <paramref name="ringUsedIdx"/>:
    /// a never-used area is initialised; otherwise a last batch published but not cleared is cleared (walking
    /// last_batch_head through next for used index − used_idx entries) and the heads still in flight are
    /// returned in counter order, to be served again before new available entries. The device's next available
    /// index is then <paramref name="ringUsedIdx"/> plus their count.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The area was laid out for another ring size, or its batch is longer than the ring.</exception>
    public ushort[] Recover(ushort ringUsedIdx)
    {
        const VhostUserRequest r = VhostUserRequest.SetInflightFd;
        _batch = 0;
        ref ushort version = ref *(ushort*)(_area + InflightLayout.VersionOffset);
        ref ushort descNum = ref *(ushort*)(_area + InflightLayout.DescNumOffset);
        ref ushort usedIdx = ref *(ushort*)(_area + InflightLayout.UsedIdxOffset);
        if (version == 0)
        {
            new Span<byte>(_area, (int)InflightLayout.QueueAreaSize(QueueSize)).Clear();
            descNum = QueueSize;
            usedIdx = ringUsedIdx;
            Volatile.Write(ref version, InflightLayout.Version);
            _counter = 1;
            return [];
        }
        if (descNum != QueueSize) throw new VhostUserProtocolException(r, $"inflight area was laid out for {descNum} descriptors, the ring has {QueueSize}");
        int lastBatch = (ushort)(ringUsedIdx - usedIdx);
        if (lastBatch > QueueSize) throw new VhostUserProtocolException(r, $"inflight used_idx {usedIdx} is {lastBatch} behind the ring's {ringUsedIdx}");
        ushort head = *(ushort*)(_area + InflightLayout.LastBatchHeadOffset);
        for (int i = 0; i < lastBatch; i++)
        {
            if (head >= QueueSize) throw new VhostUserProtocolException(r, $"inflight batch list reaches head {head} outside the ring");
            *Entry(head) = 0;
            head = *(ushort*)((byte*)Entry(head) + InflightLayout.EntryNextOffset);
        }
        Volatile.Write(ref usedIdx, ringUsedIdx);
        var heads = new List<(ulong Counter, ushort Head)>();
        ulong max = 0;
        for (int i = 0; i < QueueSize; i++)
        {
            ulong counter = *(ulong*)((byte*)Entry((ushort)i) + InflightLayout.EntryCounterOffset);
            max = Math.Max(max, counter);
            if (*Entry((ushort)i) != 0) heads.Add((counter, (ushort)i));
        }
        _counter = max + 1;
        heads.Sort();
        return [.. heads.Select(h => h.Head)];
    }

    /// <summary>Marks <paramref name="head"/> in flight with the next counter value (a chain was popped).</summary>
    public void Popped(ushort head)
    {
        byte* entry = (byte*)Entry(head);
        Volatile.Write(ref *(ulong*)(entry + InflightLayout.EntryCounterOffset), _counter++);
        Volatile.Write(ref *entry, (byte)1);
        AfterStep?.Invoke();
    }

    /// <summary>Links <paramref name="head"/> into the batch being returned (its used entry was written, not yet published).</summary>
    public void Used(ushort head)
    {
        ref ushort last = ref *(ushort*)(_area + InflightLayout.LastBatchHeadOffset);
        Volatile.Write(ref *(ushort*)((byte*)Entry(head) + InflightLayout.EntryNextOffset), last);
        Volatile.Write(ref last, head);
        _batch++;
        AfterStep?.Invoke();
    }

    /// <summary>After the used index was published: clears the batch's entries, then moves used_idx past it.</summary>
    public void Published()
    {
        if (_batch == 0) return;
        AfterStep?.Invoke();
        ushort head = *(ushort*)(_area + InflightLayout.LastBatchHeadOffset);
        for (int i = 0; i < _batch; i++)
        {
            Volatile.Write(ref *Entry(head), (byte)0);
            head = *(ushort*)((byte*)Entry(head) + InflightLayout.EntryNextOffset);
            AfterStep?.Invoke();
        }
        ref ushort usedIdx = ref *(ushort*)(_area + InflightLayout.UsedIdxOffset);
        Volatile.Write(ref usedIdx, (ushort)(usedIdx + _batch));
        _batch = 0;
        AfterStep?.Invoke();
    }

    private byte* Entry(ushort head)
    {
        if (head >= QueueSize) throw new ArgumentOutOfRangeException(nameof(head), $"head {head} is outside the ring of {QueueSize}");
        return _area + InflightLayout.EntryOffset(head) + InflightLayout.EntryInflightOffset;
    }
}
