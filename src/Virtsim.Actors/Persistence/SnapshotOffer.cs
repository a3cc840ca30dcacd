using Virtsim.Persistence;

namespace Virtsim.Actors.Persistence;

/// <summary>
/// Given to the actor's recovery handlers (<see cref="PersistentActor.Recover{T}"/>) first when recovery starts
/// from a snapshot; the events after it follow.
/// </summary>
/// <param name="Metadata">Which snapshot: persistence id, the sequence number it covers, when it was taken.</param>
/// <param name="State">The deserialized state.</param>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object State);
