using System.Reflection;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Cli;

/// <summary>Finds a scenario: a file path, or the name of a built-in scenario ("quickstart").</summary>
public static class ScenarioSource
{
    /// <summary>
    /// Parses <paramref name="nameOrPath"/> (a file, else a built-in scenario) with the fleet reference below it
    /// (<see cref="ScenarioLoader.ParseConfigFile"/>, <see cref="ScenarioLoader.ParseConfig"/>), without building the world.
    /// </summary>
    /// <exception cref="Virtsim.Hocon.HoconException">The scenario is malformed.</exception>
    /// <exception cref="FileNotFoundException">Neither a file nor a built-in scenario.</exception>
    public static HoconConfig LoadConfig(string nameOrPath)
    {
        if (File.Exists(nameOrPath)) return ScenarioLoader.ParseConfigFile(nameOrPath);
        var text = BuiltIn(nameOrPath);
        if (text is null) throw new FileNotFoundException($"scenario '{nameOrPath}' is neither a file nor a built-in scenario (quickstart)", nameOrPath);
        return ScenarioLoader.ParseConfig(text, nameOrPath + ".conf");
    }

    /// <summary>The scenario's text as written (the file, else the built-in scenario), at most <paramref name="maxChars"/> characters.</summary>
    /// <exception cref="FileNotFoundException">Neither a file nor a built-in scenario.</exception>
    public static string Text(string nameOrPath, int maxChars)
    {
        string text;
        if (File.Exists(nameOrPath))
        {
            using var reader = new StreamReader(nameOrPath);
            var buffer = new char[maxChars + 1];
            int n = reader.ReadBlock(buffer, 0, buffer.Length);
            text = new string(buffer, 0, n);
        }
        else text = BuiltIn(nameOrPath) ?? throw new FileNotFoundException($"scenario '{nameOrPath}' is neither a file nor a built-in scenario (quickstart)", nameOrPath);
        return text.Length <= maxChars ? text : text[..maxChars] + $"\n... (cut at {maxChars:N0} characters)";
    }

    /// <summary>The text of the built-in scenario <paramref name="name"/>, or null.</summary>
    public static string? BuiltIn(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Virtsim.Cli.Scenarios.{name}.conf");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
