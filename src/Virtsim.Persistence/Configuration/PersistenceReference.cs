using Virtsim.Hocon;

namespace Virtsim.Persistence.Configuration;

/// <summary>The reference configuration embedded in this assembly (<c>Virtsim.Persistence.reference.conf</c>).</summary>
public static class PersistenceReference
{
    /// <summary>Name of the embedded resource (and the source name in error positions).</summary>
    public const string ResourceName = "Virtsim.Persistence.reference.conf";

    private static readonly Lazy<HoconConfig> Loaded = new(() => HoconConfig.ParseEmbedded(typeof(PersistenceReference).Assembly, ResourceName));

    /// <summary>The resolved reference configuration (settings under <c>virtsim.persistence</c>).</summary>
    public static HoconConfig Config => Loaded.Value;
}
