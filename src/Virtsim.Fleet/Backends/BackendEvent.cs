namespace Virtsim.Fleet.Backends;

/// <summary>
/// The state changes of a blk backend, one per served request or crash. They are what a journal would record to
/// rebuild the disk: a write or zeroing applied (to the cache or the media), a flush that made the cache durable, a
/// crash that lost the cache. Reads and identity requests change nothing.
/// </summary>
public enum BackendEvent : byte
{
    /// <summary>Nothing changed (read, GET_ID, a request that failed).</summary>
    None,
    /// <summary>Data was written, discarded or zeroed.</summary>
    WriteApplied,
    /// <summary>The volatile cache was made durable.</summary>
    Flushed,
    /// <summary>The backend crashed and the volatile cache was lost.</summary>
    CacheLost,
}
