namespace Virtsim.Virtio.Queues;

/// <summary>Outcome of asking a device-side queue for the next available chain.</summary>
public enum PopResult : byte
{
    /// <summary>Nothing available.</summary>
    Empty,
    /// <summary>A chain was returned.</summary>
    Popped,
    /// <summary>The ring is malformed; the queue's error says why and it stays broken until reset.</summary>
    Broken,
}

/// <summary>Outcome of asking a driver-side queue for the next used buffer.</summary>
public enum TakeResult : byte
{
    /// <summary>No used buffer pending.</summary>
    Empty,
    /// <summary>A used buffer was returned.</summary>
    Taken,
    /// <summary>The device wrote something invalid; the queue's error says why.</summary>
    Broken,
}
