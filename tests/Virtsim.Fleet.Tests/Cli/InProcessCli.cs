using Virtsim.Cli;

namespace Virtsim.Fleet.Tests.Cli;

/// <summary>Runs <c>virtsim</c> in this process (<see cref="CliApp.Run"/>), bounded in time.</summary>
internal static class InProcessCli
{
    /// <summary>
    /// Runs the command and returns its exit code and stderr. A serve that wrongly accepted its arguments would serve
    /// until SIGINT: it is left running on its background thread and the test fails after the timeout instead of hanging.
    /// </summary>
    public static (int Code, string Stderr) Run(params string[] args)
    {
        var stderr = new StringWriter();
        var run = Task.Run(() => CliApp.Run(args, TextWriter.Null, TextWriter.Synchronized(stderr), false));
        Assert.True(run.Wait(30_000), $"virtsim {string.Join(' ', args)} did not return (it took the arguments and serves)");
        return (run.Result, stderr.ToString());
    }
}
