using Microsoft.Extensions.Configuration;

namespace Virtsim.Hocon.Configuration;

/// <summary>Adds HOCON sources to an <see cref="IConfigurationBuilder"/>.</summary>
public static class HoconConfigurationExtensions
{
    /// <summary>Adds a HOCON file; includes are resolved relative to it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The file (relative paths are taken from the current directory).</param>
    /// <param name="optional">Whether a missing file is allowed.</param>
    /// <param name="options">Parse options (environment lookup, fallback).</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false, HoconParseOptions? options = null)
    {
        Guard.NotNull(builder);
        Guard.NotNull(path);
        return builder.Add(new HoconConfigurationSource { Path = path, Optional = optional, Options = options });
    }

    /// <summary>Adds HOCON text.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="text">The HOCON document.</param>
    /// <param name="options">Parse options (environment lookup, source name, base directory for includes).</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHoconString(this IConfigurationBuilder builder, string text, HoconParseOptions? options = null)
    {
        Guard.NotNull(builder);
        Guard.NotNull(text);
        return builder.Add(new HoconConfigurationSource { Text = text, Options = options });
    }

    /// <summary>Adds HOCON read from a UTF-8 stream (read once, on the first load).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="options">Parse options (environment lookup, source name, base directory for includes).</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHoconStream(this IConfigurationBuilder builder, Stream stream, HoconParseOptions? options = null)
    {
        Guard.NotNull(builder);
        Guard.NotNull(stream);
        return builder.Add(new HoconConfigurationSource { Stream = stream, Options = options });
    }
}
