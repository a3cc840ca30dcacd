using Virtsim.VhostUser.Native;
using Virtsim.Virtio.Memory;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// The dirty log shared with the front-end (SET_LOG_BASE). Devices mark a private <see cref="DirtyLog"/> through
/// <see cref="DeviceMemory"/>; <see cref="Flush"/> moves its bits into the shared bitmap with atomic ORs. The
/// session flushes every few milliseconds while logging and always before it answers GET_VRING_BASE, so no page
/// dirtied before a ring stops is missing from the front-end's log when it reads it.
/// </summary>
public sealed unsafe class SharedDirtyLog : IDisposable
{
    private readonly MappedMemory _mapping;

    /// <summary>Wraps a mapped log of <paramref name="mapping"/>.Length bytes.</summary>
    public SharedDirtyLog(MappedMemory mapping)
    {
        _mapping = mapping ?? throw new ArgumentNullException(nameof(mapping));
        Local = new DirtyLog(mapping.Length * 8 * DirtyLog.PageSize);
    }

    /// <summary>The private log devices mark.</summary>
    public DirtyLog Local { get; }

    /// <summary>Pages moved to the shared log so far.</summary>
    public long PagesFlushed { get; private set; }

    /// <summary>Moves every locally dirty page into the shared bitmap.</summary>
    public void Flush()
    {
        if (Local.DirtyCount() == 0) return;
        byte* bitmap = (byte*)_mapping.Address;
        foreach (ulong page in Local.CollectAndClear())
        {
            ulong index = page >> 3;
            if (index >= _mapping.Length) continue;
            // Atomic OR on the aligned 32-bit word holding the byte (mappings start on a page, so the word is mapped).
            nuint address = (nuint)(bitmap + index);
            nuint word = address & ~(nuint)3;
            int shift = (int)((address - word) * 8 + (nuint)(page & 7));
            Interlocked.Or(ref *(int*)word, 1 << shift);
            PagesFlushed++;
        }
    }

    /// <summary>Unmaps the shared log.</summary>
    public void Dispose() => _mapping.Dispose();
}
