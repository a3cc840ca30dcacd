using Akka.Configuration;

namespace Virtsim.Simulation;

/// <summary>The module's reference.conf (embedded), parsed once.</summary>
public static class SimulationReference
{
    private static readonly Lazy<Config> Lazy = new(() =>
    {
        using var stream = typeof(SimulationReference).Assembly.GetManifestResourceStream("Virtsim.Simulation.reference.conf")
                           ?? throw new InvalidOperationException("Virtsim.Simulation.reference.conf is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>The reference configuration of Virtsim.Simulation.</summary>
    public static Config Config => Lazy.Value;
}
