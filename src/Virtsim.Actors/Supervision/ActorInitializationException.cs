using Virtsim.Actors.Addressing;

namespace Virtsim.Actors.Supervision;

/// <summary>An actor's constructor, PreStart or PostRestart threw. The default strategy stops such an actor.</summary>
public sealed class ActorInitializationException(ActorPath actor, Exception inner)
    : Exception($"Actor {actor} failed to start: {inner.Message}", inner)
{
    /// <summary>The actor that failed to start.</summary>
    public ActorPath Actor { get; } = actor;
}
