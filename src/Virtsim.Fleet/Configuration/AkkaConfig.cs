using Virtsim.Hocon;

namespace Virtsim.Fleet.Configuration;

/// <summary>
/// Hands Akka.NET a configuration Virtsim's own HOCON reader has already read and resolved (includes, substitutions,
/// environment variables, file:line:col errors), as JSON, which Akka.NET's parser reads without surprises.
/// </summary>
public static class AkkaConfig
{
    /// <summary>The Akka.NET form of <paramref name="config"/>, placed under <paramref name="path"/> (empty: at the root).</summary>
    public static Akka.Configuration.Config From(HoconConfig config, string path = "")
    {
        ArgumentNullException.ThrowIfNull(config);
        var json = config.ToJson();
        if (path.Length > 0)
            foreach (var key in path.Split('.').Reverse()) json = $"{{\"{key}\": {json}}}";
        return Akka.Configuration.ConfigurationFactory.ParseString(json);
    }
}
