namespace Virtsim.Virtio.Queues.Packed;

// Re-serving chains from copies of their descriptors (vhost-user in-flight tracking). Kept apart from the pop and
// complete path: only one check at the top of TryPop leads here.
public sealed partial class PackedDeviceQueue
{
    private readonly Queue<PackedDescriptor[]> _resubmits = new();
    private int _resubmitCount;

    /// <summary>Chains queued by <see cref="Resubmit"/> and not popped yet, oldest first (copies).</summary>
    public PackedDescriptor[][] PendingResubmits => [.. _resubmits.Select(d => (PackedDescriptor[])d.Clone())];

    /// <summary>
    /// Queues a chain to be popped again from copies of its ring descriptors, before any new available descriptor
    /// and without moving <see cref="NextAvail"/>: a restarted device redoes the requests an earlier instance had
    /// taken but not returned (vhost-user in-flight tracking). A packed device writes used descriptors over the
    /// ring slots it read, so the chain cannot be read from the ring again; the copies must be the driver's
    /// descriptors in chain order (NEXT on all but the last, the buffer id in the last). They are validated when
    /// popped, like a chain read from the ring (a bad copy puts the queue into an error state).
    /// </summary>
    /// <remarks>
    /// The ring positions themselves come from the restored <see cref="QueueState"/>: next available past every
    /// chain still in flight, next used where the last published used descriptor ended.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="descriptors"/> is empty or longer than the queue.</exception>
    /// <exception cref="InvalidOperationException">A whole queue's worth of chains is already waiting.</exception>
    public void Resubmit(ReadOnlySpan<PackedDescriptor> descriptors)
    {
        if (descriptors.IsEmpty || descriptors.Length > Config.Size)
            throw new ArgumentException($"a chain has 1 to {Config.Size} descriptors, not {descriptors.Length}", nameof(descriptors));
        if (_resubmitCount == Config.Size) throw new InvalidOperationException("more resubmitted chains than the queue size");
        _resubmits.Enqueue(descriptors.ToArray());
        _resubmitCount++;
    }

    private void ClearResubmits()
    {
        _resubmits.Clear();
        _resubmitCount = 0;
    }

    // Pops the oldest resubmitted chain: the same checks as a chain read from the ring, but the descriptors come
    // from the copies and the available position does not move (it is already past them).
    private PopResult PopResubmitted(out DescriptorChain chain)
    {
        chain = null!;
        var descriptors = _resubmits.Dequeue();
        _resubmitCount--;
        var raw = Raw();
        ushort slot = _avail.Slot; // errors name the position the device stands at: the copies have no slot
        var c = _chains.Rent();
        var error = QueueError.None;
        for (int i = 0; i < descriptors.Length && !error.IsError; i++)
        {
            var d = descriptors[i];
            bool last = i == descriptors.Length - 1;
            if (d.HasNext == last) error = new QueueError(QueueErrorKind.DescriptorNotAvailable, slot, d.Address);
            else error = AddDescriptor(raw, c, d.Address, d.Length, d.Flags, i == 0, slot);
        }
        var result = Accept(error, c, descriptors[^1].Id, descriptors.Length, 0, 0);
        if (result != PopResult.Popped) return result;
        chain = c;
        return PopResult.Popped;
    }
}
