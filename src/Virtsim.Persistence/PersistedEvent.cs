namespace Virtsim.Persistence;

/// <summary>One event as the journal gives it back.</summary>
/// <param name="PersistenceId">The stream the event belongs to.</param>
/// <param name="SequenceNr">The event's sequence number.</param>
/// <param name="Epoch">The epoch of the writer that stored it.</param>
/// <param name="Manifest">The caller's type tag stored with the payload.</param>
/// <param name="Payload">The stored bytes, verified against their checksum.</param>
public sealed record PersistedEvent(string PersistenceId, long SequenceNr, long Epoch, string Manifest, ReadOnlyMemory<byte> Payload);
