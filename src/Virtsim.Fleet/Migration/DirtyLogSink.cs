using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Migration;

/// <summary>An <see cref="IPageSink"/> marking each written page in a <see cref="DirtyLog"/>, as a guest write does.</summary>
/// <param name="log">The log to mark.</param>
public readonly struct DirtyLogSink(DirtyLog log) : IPageSink
{
    /// <inheritdoc />
    public void Write(ulong page) => log.Mark(page * DirtyLog.PageSize, DirtyLog.PageSize);
}
