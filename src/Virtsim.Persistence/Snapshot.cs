namespace Virtsim.Persistence;

/// <summary>A saved state of a persistence id.</summary>
/// <param name="Metadata">Whose state, as of which sequence number, taken when.</param>
/// <param name="Manifest">The caller's type tag for the payload.</param>
/// <param name="Payload">The serialized state.</param>
public sealed record Snapshot(SnapshotMetadata Metadata, string Manifest, ReadOnlyMemory<byte> Payload);
