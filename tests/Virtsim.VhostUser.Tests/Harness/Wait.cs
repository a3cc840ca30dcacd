using System.Diagnostics;

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
}
