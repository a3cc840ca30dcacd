namespace Virtsim.Hocon;

/// <summary>
/// The only exception type thrown by the HOCON reader: a syntax error, an include problem, an unresolvable or
/// cyclic substitution, or a value that cannot be read as the requested type.
/// </summary>
/// <remarks>
/// <see cref="Exception.Message"/> has the form <c>file:line:column: reason</c> whenever a position is known.
/// </remarks>
public sealed class HoconException : Exception
{
    /// <summary>Creates an error located at <paramref name="position"/>.</summary>
    /// <param name="position">Where the problem is, or <see langword="null"/> when no source position applies.</param>
    /// <param name="reason">What went wrong and, for syntax errors, what was expected.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public HoconException(HoconPosition? position, string reason, Exception? inner = null)
        : base(Format(position, reason), inner)
    {
        Position = position;
        Reason = reason;
    }

    /// <summary>Where the problem is, when known.</summary>
    public HoconPosition? Position { get; }

    /// <summary>The message without the position prefix.</summary>
    public string Reason { get; }

    private static string Format(HoconPosition? position, string reason) =>
        position is { } p ? $"{p}: {reason}" : reason;
}
