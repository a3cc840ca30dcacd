using System.CommandLine;
using Virtsim.Hocon;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim config show FILE</c>: prints the fully resolved HOCON configuration (includes followed, substitutions
/// resolved, environment variables as fallback) as JSON on stdout, or the positioned error on stderr.
/// </summary>
internal static class ConfigCommand
{
    /// <summary>Builds the <c>config</c> command and its subcommands.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "A HOCON file (e.g. scenarios/quickstart.conf)." };
        var show = new Command("show", "Print the fully resolved configuration as JSON (exit 0), or the error with file:line:column (exit 2).")
        {
            file,
        };
        show.SetAction(r => Show(r.GetValue(file)!, stdout, stderr));
        return new Command("config", "Read configuration files.") { show };
    }

    private static int Show(string path, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(path))
        {
            stderr.WriteLine($"virtsim: {path}: no such file");
            return ExitCodes.BadScenario;
        }
        try
        {
            stdout.WriteLine(HoconConfig.ParseFile(path).ToJson(indented: true));
            return ExitCodes.Ok;
        }
        catch (HoconException e)
        {
            stderr.WriteLine($"virtsim: {e.Message}");
            return ExitCodes.BadScenario;
        }
    }
}
