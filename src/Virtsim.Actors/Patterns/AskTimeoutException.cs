namespace Virtsim.Actors.Patterns;

/// <summary>An ask got no reply within its timeout (measured on the dispatcher's clock).</summary>
public sealed class AskTimeoutException(string message) : TimeoutException(message);
