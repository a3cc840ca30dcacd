using System.Diagnostics;
using Virtsim.Experiments.Swarm;
using Virtsim.Hosting.Cluster.Local;

namespace Virtsim.Cli.Swarm;

/// <summary>
/// Runs one swarm run as a child <c>virtsim run FILE --seed N --json</c> process, so that a run that crashes or hangs
/// takes only itself down, and reads its verdict from the exit code and the JSON summary.
/// </summary>
internal static class SwarmRunProcess
{
    /// <summary>A run that takes longer than this (wall time) is killed and counted as crashed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs <paramref name="scenarioFile"/> with <paramref name="seed"/> and gives its verdict.</summary>
    public static RunVerdict Run(VirtsimCommand virtsim, string scenarioFile, int seed)
    {
        var start = new ProcessStartInfo(virtsim.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in virtsim.Prefix) start.ArgumentList.Add(a);
        foreach (var a in new[] { "run", scenarioFile, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json" })
            start.ArgumentList.Add(a);
        using var process = new Process { StartInfo = start };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new RunVerdict(RunVerdictKind.Crashed, [], $"could not start {virtsim.FileName}: {e.Message}");
        }
        process.StandardInput.Close();
        // Both streams read at once: a child blocked on a full stderr pipe would never finish its stdout.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new RunVerdict(RunVerdictKind.Crashed, [], $"killed after {Timeout.TotalMinutes:0} minutes of wall time");
        }
        process.WaitForExit(); // the streams' ends
        string tail = stderr.Result.TrimEnd().Split('\n')[^1].Trim();
        return RunVerdict.FromProcess(process.ExitCode, stdout.Result, tail);
    }
}
