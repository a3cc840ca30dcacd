namespace Virtsim.Hocon;

/// <summary>Settings for parsing and resolving a HOCON document.</summary>
public sealed class HoconParseOptions
{
    /// <summary>
    /// Looks up an environment variable for substitutions not found in the configuration; returns
    /// <see langword="null"/> when the variable is not set. Defaults to the process environment; tests inject a
    /// dictionary lookup to stay deterministic.
    /// </summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>
    /// The name used in positions when parsing text that does not come from a file (default <c>&lt;string&gt;</c>).
    /// </summary>
    public string? SourceName { get; init; }

    /// <summary>
    /// The directory that relative includes are resolved against when the text does not come from a file.
    /// Files always use their own directory. When neither applies a relative include is an error.
    /// </summary>
    public string? BaseDirectory { get; init; }

    /// <summary>
    /// A resolved configuration placed below the parsed one before substitutions are resolved (as with
    /// <see cref="HoconConfig.WithFallback"/>), so the parsed text may refer to its values.
    /// </summary>
    public HoconConfig? Fallback { get; init; }

    /// <summary>The default options: process environment, no base directory, no fallback.</summary>
    public static HoconParseOptions Default { get; } = new();
}
