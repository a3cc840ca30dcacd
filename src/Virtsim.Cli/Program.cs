namespace Virtsim.Cli;

/// <summary>The <c>virtsim</c> command.</summary>
public static class Program
{
    /// <summary>Entry point: parses the arguments and runs the command; returns the exit code.</summary>
    public static int Main(string[] args) => CliApp.Run(args, Console.Out, Console.Error, !Console.IsOutputRedirected);
}
