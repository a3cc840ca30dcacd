namespace Virtsim.Experiments.Conformance;

/// <summary>What a hostile device writes wrong in one completion.</summary>
internal enum FaultKind
{
    /// <summary>The used id is past the end of the ring.</summary>
    UsedIdOutOfRange,
    /// <summary>The used id is that of the buffer completed just before (already returned).</summary>
    UsedIdStale,
    /// <summary>The used length is larger than the buffer's device-writable part.</summary>
    UsedLengthTooLarge,
    /// <summary>A used length above zero for a buffer the device may only read.</summary>
    UsedLengthOnReadOnly,
    /// <summary>Split: the used index jumps by more than the queue size.</summary>
    UsedIndexJump,
    /// <summary>Split: the used index goes back by one.</summary>
    UsedIndexBackwards,
    /// <summary>Net receive with MRG_RXBUF: num_buffers is 0.</summary>
    NumBuffersZero,
    /// <summary>Net receive with MRG_RXBUF: num_buffers is larger than the buffers the frame used.</summary>
    NumBuffersTooMany,
    /// <summary>Blk: a status byte that is none of OK, IOERR, UNSUPP.</summary>
    BlkStatusInvalid,
    /// <summary>Blk: the used length does not cover the status byte (0).</summary>
    BlkUsedLengthZero,
}

/// <summary>A hostile device's fault: <see cref="Kind"/> on ring <see cref="Ring"/>, in the completion after the first <see cref="After"/> ones there.</summary>
/// <param name="Kind">What is written wrong.</param>
/// <param name="Ring">The vring index (net: 0 receive, 1 transmit; blk: 0).</param>
/// <param name="After">Sane completions on that ring before the faulty one.</param>
/// <param name="Mergeable">The driver must negotiate VIRTIO_NET_F_MRG_RXBUF for the fault to mean anything.</param>
internal sealed record DeviceFault(FaultKind Kind, int Ring, int After = 100, bool Mergeable = false);
