using Virtsim.Fleet.Migration;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Migrating;

/// <summary>
/// A guest's page writes into its own view of memory (which marks the dirty log): each write stores the next stamp in
/// the page's first 8 bytes, so a page sent before a write the log missed differs at the destination.
/// </summary>
/// <param name="memory">The guest's view.</param>
/// <param name="stamp">The last stamp written.</param>
internal struct GuestWriteSink(GuestMemory memory, ulong stamp) : IPageSink
{
    /// <summary>The last stamp written.</summary>
    public ulong Stamp = stamp;

    /// <inheritdoc />
    public void Write(ulong page) => memory.TryWriteU64(page * GuestPages.PageSize, ++Stamp);
}
