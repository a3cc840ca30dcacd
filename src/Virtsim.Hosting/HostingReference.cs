using Virtsim.Hocon;

namespace Virtsim.Hosting;

/// <summary>The reference configuration embedded in this assembly (<c>Virtsim.Hosting.reference.conf</c>).</summary>
public static class HostingReference
{
    /// <summary>Name of the embedded resource (and the source name in error positions).</summary>
    public const string ResourceName = "Virtsim.Hosting.reference.conf";

    private static readonly Lazy<HoconConfig> Loaded = new(() => HoconConfig.ParseEmbedded(typeof(HostingReference).Assembly, ResourceName));

    /// <summary>The resolved reference configuration (settings under <c>virtsim.persistence</c>).</summary>
    public static HoconConfig Config => Loaded.Value;
}
