using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices.Net;

public sealed partial class NetDevice
{
    private readonly List<DescriptorChain> _rxChains = new();
    private readonly List<uint> _rxUsed = new();

    /// <summary>
    /// Picks the receive pair for <paramref name="frame"/> among the active pairs (automatic steering): the flow hash
    /// over every supported type modulo <see cref="ActivePairs"/>; pair 0 for frames without a flow.
    /// </summary>
    public int SelectReceivePair(ReadOnlySpan<byte> frame)
    {
        if (ActivePairs <= 1) return 0;
        uint hash = NetFlowHash.Compute(frame, _hashKey, NetHashType.Supported, out _);
        return (int)(hash % (uint)ActivePairs);
    }

    /// <summary>
    /// Offers <paramref name="frame"/> to receive queue <paramref name="queueIndex"/>, refusing queues the driver has not
    /// enabled (pairs beyond <see cref="ActivePairs"/>); otherwise as <see cref="ReceiveFrame(ReadOnlySpan{byte}, IDeviceQueue)"/>.
    /// </summary>
    public NetReceiveResult ReceiveFrame(ReadOnlySpan<byte> frame, int queueIndex, IDeviceQueue rxQueue)
    {
        if (!NetQueueLayout.IsReceive(queueIndex, LayoutPairs) || NetQueueLayout.PairOf(queueIndex) >= ActivePairs)
            return new NetReceiveResult(NetReceiveStatus.QueueInactive, 0, false, QueueError.None);
        return ReceiveFrame(frame, rxQueue);
    }

    /// <summary>
    /// Delivers <paramref name="frame"/> (an Ethernet frame without virtio header) into <paramref name="rxQueue"/>:
    /// header + frame in one buffer, or with MRG_RXBUF spread over as many buffers as needed with num_buffers set.
    /// Frames that cannot be delivered are dropped and counted; buffers already taken for them are returned with
    /// length 0. Publishes once and reports whether to interrupt. Before DRIVER_OK (<see cref="RequestDeviceBase.Activate"/>)
    /// no buffer is touched (<see cref="NetReceiveStatus.QueueInactive"/>); while the link is down frames are dropped.
    /// </summary>
    public NetReceiveResult ReceiveFrame(ReadOnlySpan<byte> frame, IDeviceQueue rxQueue)
    {
        ArgumentNullException.ThrowIfNull(rxQueue);
        if (!IsActive) return new NetReceiveResult(NetReceiveStatus.QueueInactive, 0, false, QueueError.None);
        if (Negotiated.Has(NetFeatureBit.Status) && !IsLinkUp)
        {
            Statistics.RxDroppedLinkDown++;
            return new NetReceiveResult(NetReceiveStatus.LinkDown, 0, false, QueueError.None);
        }
        if (!Filter.Accepts(frame, _mac))
        {
            Statistics.RxDroppedFiltered++;
            return new NetReceiveResult(NetReceiveStatus.Filtered, 0, false, QueueError.None);
        }
        int headerSize = HeaderSize;
        var header = new NetHeader { NumBuffers = 1 };
        if (Negotiated.Has(NetFeatureBit.HashReport))
        {
            header.HashValue = NetFlowHash.Compute(frame, _hashKey, EnabledHashTypes, out ushort report);
            header.HashReport = report;
        }
        var status = Negotiated.Has(NetFeatureBit.MrgRxbuf)
            ? FillMerged(frame, header, headerSize, rxQueue, out var error)
            : FillSingle(frame, header, headerSize, rxQueue, out error);
        int used = _rxChains.Count;
        _rxChains.Clear();
        _rxUsed.Clear();
        if (status == NetReceiveStatus.QueueBroken) return new NetReceiveResult(status, 0, used > 0 && rxQueue.PublishUsed(), error);
        if (used == 0) return new NetReceiveResult(status, 0, false, QueueError.None);
        bool interrupt = rxQueue.PublishUsed();
        if (status == NetReceiveStatus.Delivered)
        {
            Statistics.RxFrames++;
            Statistics.RxBytes += frame.Length;
        }
        return new NetReceiveResult(status, used, interrupt, error);
    }

    private NetReceiveStatus FillSingle(ReadOnlySpan<byte> frame, NetHeader header, int headerSize, IDeviceQueue queue, out QueueError error)
    {
        error = QueueError.None;
        var pop = queue.TryPop(out var chain);
        if (pop == PopResult.Empty) { Statistics.RxDroppedNoBuffer++; return NetReceiveStatus.NoBuffer; }
        if (pop == PopResult.Broken) { error = queue.Error; return NetReceiveStatus.QueueBroken; }
        ulong total = (ulong)headerSize + (ulong)frame.Length;
        var status = NetReceiveStatus.Delivered;
        uint written = 0;
        if (chain.WritableLength < total) { Statistics.RxDroppedTooLarge++; status = NetReceiveStatus.TooLarge; }
        else
        {
            Span<byte> bytes = stackalloc byte[NetHeader.HashReportSize];
            header.Write(bytes, headerSize);
            if (chain.TryWrite(queue.Memory, (ulong)headerSize, frame) && chain.TryWrite(queue.Memory, 0, bytes[..headerSize]))
                written = (uint)total;
            else { Statistics.MemoryFaults++; status = NetReceiveStatus.MemoryFault; }
        }
        if (!queue.TryComplete(chain, written)) { error = queue.Error; return NetReceiveStatus.QueueBroken; }
        _rxChains.Add(chain);
        return status;
    }

    private NetReceiveStatus FillMerged(ReadOnlySpan<byte> frame, NetHeader header, int headerSize, IDeviceQueue queue, out QueueError error)
    {
        error = QueueError.None;
        ulong needed = (ulong)headerSize + (ulong)frame.Length;
        ulong room = 0;
        var status = NetReceiveStatus.Delivered;
        while (room < needed)
        {
            var pop = queue.TryPop(out var chain);
            if (pop == PopResult.Broken) { error = queue.Error; return ReturnEmpty(queue, NetReceiveStatus.QueueBroken, ref error); }
            if (pop == PopResult.Empty)
            {
                Statistics.RxDroppedNoBuffer++;
                return ReturnEmpty(queue, NetReceiveStatus.NoBuffer, ref error);
            }
            _rxChains.Add(chain);
            if (_rxChains.Count == 1 && chain.WritableLength < (ulong)headerSize)
            {
                Statistics.RxDroppedTooLarge++;
                return ReturnEmpty(queue, NetReceiveStatus.TooLarge, ref error);
            }
            room += chain.WritableLength;
            if (_rxChains.Count > ushort.MaxValue) { Statistics.RxDroppedTooLarge++; return ReturnEmpty(queue, NetReceiveStatus.TooLarge, ref error); }
        }
        header.NumBuffers = (ushort)_rxChains.Count;
        int offset = 0;
        for (int i = 0; i < _rxChains.Count; i++)
        {
            var chain = _rxChains[i];
            int start = i == 0 ? headerSize : 0;
            int take = (int)Math.Min(chain.WritableLength - (ulong)start, (ulong)(frame.Length - offset));
            if (!chain.TryWrite(queue.Memory, (ulong)start, frame.Slice(offset, take)))
            {
                Statistics.MemoryFaults++;
                return ReturnEmpty(queue, NetReceiveStatus.MemoryFault, ref error);
            }
            offset += take;
            _rxUsed.Add((uint)(start + take));
        }
        Span<byte> bytes = stackalloc byte[NetHeader.HashReportSize];
        header.Write(bytes, headerSize);
        if (!_rxChains[0].TryWrite(queue.Memory, 0, bytes[..headerSize]))
        {
            Statistics.MemoryFaults++;
            return ReturnEmpty(queue, NetReceiveStatus.MemoryFault, ref error);
        }
        for (int i = 0; i < _rxChains.Count; i++)
        {
            if (!queue.TryComplete(_rxChains[i], _rxUsed[i]))
            {
                error = queue.Error;
                _rxChains.RemoveRange(i, _rxChains.Count - i);
                return NetReceiveStatus.QueueBroken;
            }
        }
        return status;
    }

    // Gives every chain taken for an undeliverable frame back to the driver, unused.
    private NetReceiveStatus ReturnEmpty(IDeviceQueue queue, NetReceiveStatus status, ref QueueError error)
    {
        for (int i = 0; i < _rxChains.Count; i++)
        {
            if (!queue.TryComplete(_rxChains[i], 0))
            {
                if (!error.IsError) error = queue.Error;
                _rxChains.RemoveRange(i, _rxChains.Count - i);
                return NetReceiveStatus.QueueBroken;
            }
        }
        return status;
    }
}
