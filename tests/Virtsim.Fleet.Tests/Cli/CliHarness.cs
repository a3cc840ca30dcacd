using Virtsim.Cli;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>Runs the real <c>virtsim</c> command in-process, under a hang guard.</summary>
internal static class CliHarness
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="args"/>; fails the test instead of hanging when the command does not return.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var task = Task.Factory.StartNew(() => CliApp.Run(args, stdout, stderr, stdoutIsTerminal: false), TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(HangGuard), $"virtsim {string.Join(' ', args)} did not return");
        return (task.Result, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The repository root (where Actors.sln is).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Creates a FIFO (named pipe) at <paramref name="path"/> with mkfifo(1).</summary>
    public static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        Assert.True(mkfifo.WaitForExit(HangGuard));
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
