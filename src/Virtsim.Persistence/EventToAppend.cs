namespace Virtsim.Persistence;

/// <summary>One event a writer asks the journal to store.</summary>
/// <param name="SequenceNr">The event's sequence number; 1 for the first event of a persistence id.</param>
/// <param name="Manifest">The caller's type tag for the payload (how to deserialize it); never null.</param>
/// <param name="Payload">The serialized event. The journal copies or writes it before the append completes.</param>
public sealed record EventToAppend(long SequenceNr, string Manifest, ReadOnlyMemory<byte> Payload);
