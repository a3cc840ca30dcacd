using Akka.Actor;

namespace Virtsim.Simulation.Tracing;

/// <summary>
/// How the trace names a receiver: its path without address or UID. Akka.NET numbers a few system actors with a
/// process-wide counter (<c>/system/EventStreamUnsubscriber-11</c>), so the second run in a process would name
/// them differently; under <c>/system</c> a trailing <c>-digits</c> is dropped.
/// </summary>
public static class TracePath
{
    /// <summary>The trace's name for <paramref name="path"/>.</summary>
    public static string Of(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = path.ToStringWithoutAddress();
        if (!text.StartsWith("/system/", StringComparison.Ordinal)) return text;
        var end = text.Length;
        while (end > 0 && char.IsAsciiDigit(text[end - 1])) end--;
        return end < text.Length && end > 0 && text[end - 1] == '-' ? text[..(end - 1)] : text;
    }
}
