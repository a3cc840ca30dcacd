using System.Diagnostics;
using Virtsim.VhostUser.Tests.Restart;

namespace Virtsim.VhostUser.Tests.Harness;

internal static class Wait
{
    /// <summary>Spins (sleeping 1 ms) until <paramref name="condition"/> holds; false after <paramref name="timeoutMs"/>.</summary>
    public static bool Until(Func<bool> condition, int timeoutMs = 5000)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.ElapsedMilliseconds > timeoutMs) return false;
            Thread.Sleep(1);
        }
        return true;
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> until <paramref name="serve"/> has created <paramref name="socket"/>;
    /// fails the test with its output when it exits first or never does.
    /// </summary>
    public static void ForSocket(string socket, ServeProcess serve, int timeoutMs = 30_000)
    {
        Until(() => File.Exists(socket) || serve.HasExited, timeoutMs);
        Assert.True(File.Exists(socket), "serve never created its socket:\n" + serve.Output);
    }
}
