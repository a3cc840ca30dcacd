using Virtsim.TestSupport;

namespace Virtsim.VhostUser.Tests.Restart;

/// <summary>
/// A <c>virtsim</c> command (<c>vhost-user serve</c> or <c>drive</c>) as a real child process (the CLI built next
/// to the tests), its stdout and stderr collected, killed with SIGKILL on request and in <see cref="Dispose"/> if
/// still running.
/// </summary>
internal sealed class ServeProcess : IDisposable
{
    private static readonly string Virtsim = Path.Combine(AppContext.BaseDirectory, "virtsim.dll");
    private readonly PeerProcess _process;

    private ServeProcess(PeerProcess process) => _process = process;

    public static ServeProcess Start(params string[] args) => new(PeerProcess.Start("dotnet", args.Prepend(Virtsim)));

    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits until the output contains <paramref name="text"/>; false on timeout or when the process exits first.</summary>
    public bool WaitForOutput(string text, int timeoutMs) => _process.WaitFor(text, timeoutMs);

    /// <summary>Sends <paramref name="signal"/> (15 SIGTERM, ...) to the process; false when it is gone.</summary>
    public bool Signal(int signal) => _process.Signal(signal);

    /// <summary>Waits for the process to end on its own (and its output to be read to the end).</summary>
    public bool WaitForExit(int milliseconds) => _process.WaitForExit(milliseconds);

    /// <summary>SIGKILL: no GET_VRING_BASE, no flush, no cleanup; waits until the process is gone.</summary>
    public void KillHard()
    {
        Assert.True(_process.Signal(9), "serve could not be sent SIGKILL");
        Assert.True(_process.WaitForExit(20_000), "serve did not die on SIGKILL");
    }

    /// <summary>SIGTERM, then the exit (the serve loop ends and prints its summary).</summary>
    public bool Stop()
    {
        if (_process.HasExited) return true;
        _process.Signal(15);
        return _process.WaitForExit(20_000);
    }

    public void Dispose() => _process.Dispose();

    /// <summary>
    /// The last line of <paramref name="output"/> that is a JSON object: stdout (the summary) and stderr (progress) are
    /// collected into one text, so a progress line may come after the summary.
    /// </summary>
    public static string LastJsonLine(string output) =>
        output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'))
        ?? throw new InvalidOperationException("no JSON line in the output:\n" + output);
}
