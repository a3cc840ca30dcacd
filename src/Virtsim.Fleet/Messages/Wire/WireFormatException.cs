namespace Virtsim.Fleet.Messages.Wire;

/// <summary>
/// Thrown when bytes do not form a valid wire message (truncated, unknown type id, bad length, trailing bytes).
/// A transport that sees it closes the offending connection; it never crashes the process.
/// </summary>
public sealed class WireFormatException(string message) : Exception(message);
