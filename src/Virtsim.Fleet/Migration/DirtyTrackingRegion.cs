using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Migration;

/// <summary>
/// The guest's own view of a memory region: every span handed out marks the pages it covers in the VM's dirty log, as
/// KVM's dirty logging catches the guest CPU's writes. (A span may be read only; marking it anyway errs on the side of
/// sending a page again, never of missing a write. The guest's drivers read mostly rings and buffers the device wrote,
/// which are dirty anyway.) Devices reach the memory through their own views, where their DMA writes mark the log
/// unless their dirty tracking is off.
/// </summary>
public sealed class DirtyTrackingRegion : IGuestMemoryRegion
{
    private readonly IGuestMemoryRegion _inner;

    /// <summary>Wraps <paramref name="inner"/>, marking <paramref name="log"/>.</summary>
    public DirtyTrackingRegion(IGuestMemoryRegion inner, DirtyLog log)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Log = log ?? throw new ArgumentNullException(nameof(log));
    }

    /// <summary>The region the bytes live in.</summary>
    public IGuestMemoryRegion Inner => _inner;

    /// <summary>The log the guest's accesses mark.</summary>
    public DirtyLog Log { get; }

    /// <inheritdoc />
    public ulong GuestAddress => _inner.GuestAddress;

    /// <inheritdoc />
    public ulong Size => _inner.Size;

    /// <inheritdoc />
    public Span<byte> GetSpan(ulong offset, int maxLength)
    {
        var span = _inner.GetSpan(offset, maxLength);
        if (span.Length > 0) Log.Mark(_inner.GuestAddress + offset, (ulong)span.Length);
        return span;
    }

    /// <inheritdoc />
    /// <remarks>Zeroing is a write: it marks the whole range, as filling it through spans did, and lets the inner region allocate nothing.</remarks>
    public void Zero(ulong offset, ulong length)
    {
        _inner.Zero(offset, length);
        if (length > 0) Log.Mark(_inner.GuestAddress + offset, length);
    }

    /// <inheritdoc />
    /// <remarks>A read dirties nothing: only writes (and spans handed out for writing) mark the log.</remarks>
    public ReadOnlySpan<byte> GetReadSpan(ulong offset, int maxLength) => _inner.GetReadSpan(offset, maxLength);
}
