using Virtsim.Hocon;
using Virtsim.Hosting.Node;

namespace Virtsim.Cli;

/// <summary>Reads a node file for the <c>node</c> and <c>cluster</c> commands, a bad one reported as one line.</summary>
internal static class NodeFile
{
    /// <summary>Loads <paramref name="path"/>; false (the reason on <paramref name="stderr"/>) when it cannot be used.</summary>
    public static bool TryLoad(string path, TextWriter stderr, out NodeSettings settings)
    {
        try
        {
            settings = NodeSettingsLoader.Load(path);
            return true;
        }
        catch (HoconException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            settings = null!;
            return false;
        }
    }
}
