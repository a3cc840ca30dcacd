namespace Virtsim.Persistence;

/// <summary>
/// A contiguous run of events for one persistence id, written atomically by a writer that holds
/// <paramref name="Epoch"/>.
/// </summary>
/// <param name="PersistenceId">The stream the events belong to (an actor's persistence id).</param>
/// <param name="Epoch">
/// The writer's ownership epoch (non-negative). The journal refuses it when a higher epoch has already
/// written or claimed the persistence id, and records it as the new epoch when it is higher.
/// </param>
/// <param name="Events">At least one event, sequence numbers ascending by one with no gap.</param>
public sealed record AppendRequest(string PersistenceId, long Epoch, IReadOnlyList<EventToAppend> Events)
{
    /// <summary>The sequence number of the first event.</summary>
    public long FirstSequenceNr => Events[0].SequenceNr;

    /// <summary>The sequence number of the last event.</summary>
    public long LastSequenceNr => Events[^1].SequenceNr;
}
