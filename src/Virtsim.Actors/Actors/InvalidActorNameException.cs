namespace Virtsim.Actors.Actors;

/// <summary>An actor name is malformed, reserved, or already used by a sibling.</summary>
public sealed class InvalidActorNameException(string message) : Exception(message);
