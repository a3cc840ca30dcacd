using System.CommandLine;
using Virtsim.Cli.Configuration;
using Virtsim.Hocon;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim config show FILE [--with-defaults]</c>: prints the fully resolved HOCON configuration (includes followed, substitutions
/// resolved, environment variables as fallback) as JSON on stdout, or the positioned error on stderr.
/// </summary>
internal static class ConfigCommand
{
    /// <summary>Builds the <c>config</c> command and its subcommands.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "A HOCON file (e.g. scenarios/quickstart.conf)." };
        var withDefaults = new Option<bool>("--with-defaults")
        {
            Description = "Merge the file over every module's reference.conf (as a cluster file is read), so every setting shows with its effective value.",
        };
        var show = new Command("show", "Print the fully resolved configuration as JSON (exit 0), or the error with file:line:column (exit 2).")
        {
            file, withDefaults,
        };
        show.SetAction(r => Show(r.GetValue(file)!, r.GetValue(withDefaults), stdout, stderr));
        return new Command("config", "Read configuration files.") { show };
    }

    private static int Show(string path, bool withDefaults, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(path))
        {
            stderr.WriteLine($"virtsim: {path}: no such file");
            return ExitCodes.BadScenario;
        }
        try
        {
            var config = withDefaults
                ? HoconConfig.ParseFile(path, new HoconParseOptions { Fallback = ModuleReferences.All })
                : HoconConfig.ParseFile(path);
            stdout.WriteLine(config.ToJson(indented: true));
            return ExitCodes.Ok;
        }
        catch (HoconException e)
        {
            stderr.WriteLine($"virtsim: {e.Message}");
            return ExitCodes.BadScenario;
        }
    }
}
