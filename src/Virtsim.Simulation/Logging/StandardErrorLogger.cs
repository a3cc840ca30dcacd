using Akka.Event;

namespace Virtsim.Simulation.Logging;

/// <summary>
/// A logger that is not an actor: it writes each log event to standard error on the thread that logs it. Under
/// simulation that keeps logging on the simulation thread (no logger actor to start and wait for), and it keeps
/// standard output free for a command's results.
/// </summary>
public sealed class StandardErrorLogger : MinimalLogger
{
    /// <inheritdoc />
    protected override void Log(object message)
    {
        if (message is LogEvent e)
            Console.Error.WriteLine($"[{e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToUpperInvariant()}] {e.LogSource}: {e.Message}{(e.Cause is { } cause ? " (" + cause.Message + ")" : "")}");
    }
}
