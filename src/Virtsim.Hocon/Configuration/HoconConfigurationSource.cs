using Microsoft.Extensions.Configuration;

namespace Virtsim.Hocon.Configuration;

/// <summary>
/// A Microsoft.Extensions.Configuration source reading HOCON from a file, a string or a stream.
/// Exactly one of <see cref="Path"/>, <see cref="Text"/> or <see cref="Stream"/> is set.
/// </summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>The file to read (made absolute against the current directory when relative).</summary>
    public string? Path { get; init; }

    /// <summary>Whether a missing <see cref="Path"/> is allowed (the source then provides nothing).</summary>
    public bool Optional { get; init; }

    /// <summary>HOCON text to read.</summary>
    public string? Text { get; init; }

    /// <summary>A stream of UTF-8 HOCON, read once on the first load.</summary>
    public Stream? Stream { get; init; }

    /// <summary>Options for parsing (environment lookup, source name, base directory for includes).</summary>
    public HoconParseOptions? Options { get; init; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}
