namespace Virtsim.Actors.Supervision;

/// <summary>The failure caused by a <see cref="Messages.Kill"/> message. The default strategy stops the actor.</summary>
public sealed class ActorKilledException(string message) : Exception(message);
