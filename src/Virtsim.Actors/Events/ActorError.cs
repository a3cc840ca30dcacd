using Virtsim.Actors.Addressing;

namespace Virtsim.Actors.Events;

/// <summary>Published when an actor fails (its supervisor then decides) or a lifecycle hook throws.</summary>
/// <param name="Source">The failing actor.</param>
/// <param name="Cause">The exception.</param>
/// <param name="Description">Where it happened, e.g. "message handler", "PostStop".</param>
public sealed record ActorError(ActorPath Source, Exception Cause, string Description);
