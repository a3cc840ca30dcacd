using Virtsim.Hocon;

namespace Virtsim.Fleet.Configuration;

/// <summary>
/// The fleet's reference configuration (<c>reference.conf</c> embedded in this assembly): every scenario setting
/// with its default and the built-in vendor profiles. Parsed once; the loaders take their defaults from it.
/// </summary>
public static class FleetReference
{
    /// <summary>Name of the embedded resource (and the source name in error positions).</summary>
    public const string ResourceName = "Virtsim.Fleet.reference.conf";

    private static readonly Lazy<HoconConfig> Loaded = new(() => HoconConfig.ParseEmbedded(typeof(FleetReference).Assembly, ResourceName));

    /// <summary>The whole resolved reference configuration (its settings live under <c>virtsim.fleet</c>).</summary>
    public static HoconConfig Config => Loaded.Value;

    /// <summary>The <c>virtsim.fleet</c> section: the tree a scenario file is merged over.</summary>
    public static HoconConfig Fleet => Config.GetConfig("virtsim.fleet");

    private static readonly Lazy<Akka.Configuration.Config> LoadedAkka = new(() => AkkaConfig.From(Config.GetConfig("akka"), "akka"));

    /// <summary>The Akka.NET settings every actor system running a world needs (the message serializers).</summary>
    public static Akka.Configuration.Config Akka => LoadedAkka.Value;
}
