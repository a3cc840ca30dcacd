using Virtsim.Hocon;

namespace Virtsim.Persistence.Configuration;

/// <summary>The reference configuration embedded in this assembly (<c>Virtsim.Persistence.reference.conf</c>).</summary>
public static class PersistenceReference
{
    /// <summary>Name of the embedded resource (and the source name in error positions).</summary>
    public const string ResourceName = "Virtsim.Persistence.reference.conf";

    private static readonly Lazy<HoconConfig> Loaded = new(() =>
    {
        using var stream = Open();
        // The reference must not depend on the environment of the machine that runs it.
        return HoconConfig.Parse(stream, new HoconParseOptions { SourceName = ResourceName, Environment = _ => null });
    });

    /// <summary>The resolved reference configuration (settings under <c>virtsim.persistence</c>).</summary>
    public static HoconConfig Config => Loaded.Value;

    /// <summary>The reference text, as embedded.</summary>
    public static string Text()
    {
        using var reader = new StreamReader(Open());
        return reader.ReadToEnd();
    }

    private static Stream Open() =>
        typeof(PersistenceReference).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException($"{ResourceName} is not embedded in Virtsim.Persistence");
}
