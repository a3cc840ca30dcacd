using Akka.Actor;

namespace Virtsim.Fleet.Messages.Backend;

/// <summary>
/// A device's blk backend placed on another node was rebuilt on a survivor after its node was lost (cluster failover):
/// the device sends to <paramref name="Backend"/> from now on, first every request the lost one had not answered.
/// Told by an actor on the device's own node (never crosses nodes).
/// </summary>
/// <param name="Backend">The rebuilt backend (its <see cref="Backends.PlacedBackendActor"/>).</param>
public sealed record SwitchBackend(IActorRef Backend);
