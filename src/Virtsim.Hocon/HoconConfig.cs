using System.Globalization;
using System.Reflection;

namespace Virtsim.Hocon;

/// <summary>
/// A parsed and fully resolved HOCON configuration with typed getters. Paths given to getters are HOCON path
/// expressions (<c>cluster.nodes."node.1".port</c>).
/// </summary>
public sealed class HoconConfig
{
    private readonly HoconObject _unresolved;
    private readonly HoconParseOptions _options;

    private HoconConfig(HoconObject unresolved, HoconParseOptions options)
    {
        _unresolved = unresolved;
        _options = options;
        var tree = options.Fallback is { } fallback ? ValueMerger.MergeOverFallback(fallback.Root, unresolved) : unresolved;
        Root = Resolve(tree, options);
    }

    private HoconConfig(HoconObject resolvedRoot, HoconObject unresolved, HoconParseOptions options)
    {
        Root = resolvedRoot;
        _unresolved = unresolved;
        _options = options;
    }

    /// <summary>
    /// The largest file, stream or embedded resource read as one source, in bytes (16 MiB). Longer sources, and
    /// sources without end such as <c>/dev/zero</c>, are a <see cref="HoconException"/>.
    /// </summary>
    public const int MaxSourceBytes = 16 << 20;

    /// <summary>An empty configuration.</summary>
    public static HoconConfig Empty { get; } = new(new HoconObject(new HoconPosition("<empty>", 1, 1)), HoconParseOptions.Default);

    /// <summary>This configuration's own tree before substitutions are resolved (without a fallback given at parse time).</summary>
    internal HoconObject Unresolved => _unresolved;

    /// <summary>The resolved root object.</summary>
    public HoconObject Root { get; }

    /// <summary>Parses and resolves HOCON (or JSON) text.</summary>
    /// <param name="text">The document.</param>
    /// <param name="options">Environment lookup, source name, base directory for includes, fallback.</param>
    /// <exception cref="HoconException">The text is invalid or a substitution cannot be resolved.</exception>
    public static HoconConfig Parse(string text, HoconParseOptions? options = null)
    {
        Guard.NotNull(text);
        options ??= HoconParseOptions.Default;
        var root = new Includer(options).ParseText(text, options.SourceName ?? "<string>");
        return new HoconConfig(root, options);
    }

    /// <summary>Parses and resolves a HOCON document read from <paramref name="stream"/> as UTF-8.</summary>
    /// <param name="stream">The document.</param>
    /// <param name="options">Environment lookup, source name, base directory for includes, fallback.</param>
    /// <exception cref="HoconException">The text is invalid or a substitution cannot be resolved.</exception>
    public static HoconConfig Parse(Stream stream, HoconParseOptions? options = null)
    {
        Guard.NotNull(stream);
        options ??= HoconParseOptions.Default;
        var source = options.SourceName ?? "<stream>";
        return Parse(SourceReader.ReadStream(stream, source), new HoconParseOptions
        {
            Environment = options.Environment,
            SourceName = source,
            BaseDirectory = options.BaseDirectory,
            Fallback = options.Fallback,
        });
    }

    /// <summary>
    /// Parses and resolves the HOCON resource <paramref name="resourceName"/> embedded in <paramref name="assembly"/>
    /// (a module's reference.conf). The resource name is the source name in positions, and <c>${?VAR}</c>
    /// substitutions never read the environment: a reference must not depend on the machine that runs it.
    /// </summary>
    /// <param name="assembly">The assembly that embeds the resource.</param>
    /// <param name="resourceName">The resource's logical name, for example <c>Virtsim.Fleet.reference.conf</c>.</param>
    /// <exception cref="HoconException">The resource is not embedded, or it is invalid.</exception>
    public static HoconConfig ParseEmbedded(Assembly assembly, string resourceName)
    {
        using var stream = OpenEmbedded(assembly, resourceName);
        return Parse(stream, new HoconParseOptions { SourceName = resourceName, Environment = _ => null });
    }

    /// <summary>The text of the resource <paramref name="resourceName"/> embedded in <paramref name="assembly"/> (UTF-8).</summary>
    /// <param name="assembly">The assembly that embeds the resource.</param>
    /// <param name="resourceName">The resource's logical name.</param>
    /// <exception cref="HoconException">The resource is not embedded, or it is not valid UTF-8.</exception>
    public static string ReadEmbedded(Assembly assembly, string resourceName)
    {
        using var stream = OpenEmbedded(assembly, resourceName);
        return SourceReader.ReadStream(stream, resourceName);
    }

    private static Stream OpenEmbedded(Assembly assembly, string resourceName)
    {
        Guard.NotNull(assembly);
        Guard.NotNull(resourceName);
        return assembly.GetManifestResourceStream(resourceName)
            ?? throw new HoconException(null, $"{resourceName} is not embedded in {assembly.GetName().Name}");
    }

    /// <summary>Parses and resolves a HOCON file; includes are resolved relative to its directory.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Environment lookup and fallback (source name and base directory are ignored).</param>
    /// <exception cref="HoconException">The file is missing or invalid, or a substitution cannot be resolved.</exception>
    public static HoconConfig ParseFile(string path, HoconParseOptions? options = null)
    {
        Guard.NotNull(path);
        options ??= HoconParseOptions.Default;
        var root = new Includer(options).ParseRootFile(path);
        return new HoconConfig(root, options);
    }

    /// <summary>
    /// Returns this configuration with <paramref name="fallback"/> underneath: keys missing here come from the
    /// fallback, objects present in both are merged, and this configuration's substitutions are resolved again
    /// against the combined tree (so they may refer to the fallback's values). Typical use: application config
    /// with <c>reference.conf</c> defaults.
    /// </summary>
    /// <param name="fallback">The lower-priority configuration.</param>
    public HoconConfig WithFallback(HoconConfig fallback)
    {
        Guard.NotNull(fallback);
        var merged = ValueMerger.MergeOverFallback(fallback.Root, _unresolved);
        return new HoconConfig(Resolve(merged, _options), merged, _options);
    }

    /// <summary>Whether a non-null value exists at <paramref name="path"/>.</summary>
    /// <exception cref="HoconException">The path expression is invalid.</exception>
    public bool HasPath(string path) => TryGetValue(path, out var v) && v is not HoconNull;

    /// <summary>Looks up the value at <paramref name="path"/>.</summary>
    /// <exception cref="HoconException">The path expression is invalid.</exception>
    public bool TryGetValue(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HoconValue? value)
    {
        value = Root;
        foreach (var element in HoconPath.Parse(path))
        {
            if (value is not HoconObject o || !o.TryGetValue(element, out value))
            {
                value = null;
                return false;
            }
        }

        return true;
    }

    /// <summary>The value at <paramref name="path"/>.</summary>
    /// <exception cref="HoconException">The path is missing or invalid.</exception>
    public HoconValue GetValue(string path) =>
        TryGetValue(path, out var v) ? v : throw new HoconException(null, $"no configuration setting found for path '{path}'");

    /// <summary>The string at <paramref name="path"/>; numbers and booleans are converted to their text.</summary>
    /// <exception cref="HoconException">Missing, null, object or array.</exception>
    public string GetString(string path)
    {
        var v = NonNull(path);
        return v switch
        {
            HoconString s => s.Value,
            HoconNumber or HoconBoolean => v.ConcatenationText!,
            _ => throw WrongType(v, path, "a string"),
        };
    }

    /// <summary>The 32-bit integer at <paramref name="path"/> (a number, or a string holding one).</summary>
    /// <exception cref="HoconException">Missing, not an integer, or out of range.</exception>
    public int GetInt(string path)
    {
        var v = NonNull(path);
        var n = Integer(v, path);
        return n is >= int.MinValue and <= int.MaxValue
            ? (int)n
            : throw new HoconException(v.Position, $"value at '{path}' is out of range for a 32-bit integer ({n})");
    }

    /// <summary>The 64-bit integer at <paramref name="path"/> (a number, or a string holding one).</summary>
    /// <exception cref="HoconException">Missing, not an integer, or out of range.</exception>
    public long GetLong(string path)
    {
        var v = NonNull(path);
        var n = Integer(v, path);
        return n is >= long.MinValue and <= long.MaxValue
            ? (long)n
            : throw new HoconException(v.Position, $"value at '{path}' is out of range for a 64-bit integer ({n})");
    }

    /// <summary>The number at <paramref name="path"/> as a double (a number, or a string holding one).</summary>
    /// <exception cref="HoconException">Missing or not a number.</exception>
    public double GetDouble(string path)
    {
        var v = NonNull(path);
        var text = v switch
        {
            HoconNumber n => n.Text,
            HoconString s => s.Value.Trim(),
            _ => throw WrongType(v, path, "a number"),
        };
        return IsJsonNumber(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw WrongType(v, path, "a number");
    }

    /// <summary>
    /// The boolean at <paramref name="path"/>: <c>true</c>/<c>false</c>, or the strings <c>true</c>, <c>yes</c>,
    /// <c>on</c>, <c>false</c>, <c>no</c>, <c>off</c>.
    /// </summary>
    /// <exception cref="HoconException">Missing or not a boolean.</exception>
    public bool GetBool(string path)
    {
        var v = NonNull(path);
        return v switch
        {
            HoconBoolean b => b.Value,
            HoconString { Value: "true" or "yes" or "on" } => true,
            HoconString { Value: "false" or "no" or "off" } => false,
            _ => throw WrongType(v, path, "a boolean (true/false/yes/no/on/off)"),
        };
    }

    /// <summary>
    /// The duration at <paramref name="path"/>: a number of milliseconds, or a string such as <c>10s</c>,
    /// <c>250 ms</c>, <c>1.5 hours</c>.
    /// </summary>
    /// <exception cref="HoconException">Missing, malformed, unknown unit or out of range.</exception>
    public TimeSpan GetDuration(string path) => DurationParser.Parse(NonNull(path), path);

    /// <summary>
    /// The size in bytes at <paramref name="path"/>: a number of bytes, or a string such as <c>512K</c> (powers of
    /// two), <c>10 MB</c> (powers of ten), <c>4 GiB</c>.
    /// </summary>
    /// <exception cref="HoconException">Missing, malformed, unknown unit, fractional or out of range.</exception>
    public long GetBytes(string path) => SizeParser.Parse(NonNull(path), path);

    /// <summary>
    /// The rate in bytes per second at <paramref name="path"/>: a size per second such as <c>64MiB/s</c>,
    /// <c>1 GiB/s</c> or <c>100MB/second</c> (the size takes every unit of <see cref="GetBytes"/>), or a plain number
    /// of bytes per second.
    /// </summary>
    /// <exception cref="HoconException">Missing, malformed (no <c>/s</c>), unknown unit, fractional or out of range.</exception>
    public long GetBytesPerSecond(string path) => RateParser.Parse(NonNull(path), path);

    /// <summary>
    /// The array at <paramref name="path"/>. An object whose keys are integers (<c>{ "0" : a, "1" : b }</c>) is
    /// converted to an array ordered by key.
    /// </summary>
    /// <exception cref="HoconException">Missing or not an array.</exception>
    public IReadOnlyList<HoconValue> GetList(string path)
    {
        var v = NonNull(path);
        switch (v)
        {
            case HoconArray a:
                return a.Items;
            case HoconObject o when Concatenation.NumericallyIndexed(o) is { } indexed:
                return indexed.Items;
        }

        throw WrongType(v, path, "an array");
    }

    /// <summary>The array at <paramref name="path"/> with every element read as a duration (as <see cref="GetDuration"/>).</summary>
    /// <exception cref="HoconException">Missing, not an array, or an element is not a duration (at the element).</exception>
    public IReadOnlyList<TimeSpan> GetDurationList(string path) =>
        GetList(path).Select((item, i) => DurationParser.Parse(item, $"{path}[{i}]")).ToList();

    /// <summary>The array at <paramref name="path"/> with every element read as a string.</summary>
    /// <exception cref="HoconException">Missing, not an array, or an element is not a simple non-null value.</exception>
    public IReadOnlyList<string> GetStringList(string path) =>
        GetList(path).Select((item, i) => item switch
        {
            HoconString s => s.Value,
            HoconNumber or HoconBoolean => item.ConcatenationText!,
            _ => throw WrongType(item, $"{path}[{i}]", "a string"),
        }).ToList();

    /// <summary>The object at <paramref name="path"/> as a configuration of its own.</summary>
    /// <exception cref="HoconException">Missing or not an object.</exception>
    public HoconConfig GetConfig(string path)
    {
        var v = NonNull(path);
        return v is HoconObject o ? new HoconConfig(o, o, _options) : throw WrongType(v, path, "an object");
    }

    /// <summary>The array of objects at <paramref name="path"/>, each as a configuration of its own.</summary>
    /// <exception cref="HoconException">Missing, not an array, or an element is not an object.</exception>
    public IReadOnlyList<HoconConfig> GetConfigList(string path) =>
        GetList(path).Select((item, i) => item is HoconObject o
            ? new HoconConfig(o, o, _options)
            : throw WrongType(item, $"{path}[{i}]", "an object")).ToList();

    /// <summary>The whole resolved tree as JSON, with fields in insertion order.</summary>
    /// <param name="indented">Whether to indent with two spaces per level.</param>
    public string ToJson(bool indented = false) => JsonWriter.Write(Root, indented);

    /// <inheritdoc />
    public override string ToString() => ToJson();

    private static HoconObject Resolve(HoconObject tree, HoconParseOptions options)
    {
        try
        {
            return new Resolver(tree, options.Environment).Resolve();
        }
        catch (InsufficientExecutionStackException)
        {
            throw new HoconException(tree.Position, "the configuration is nested too deeply to resolve");
        }
    }

    private HoconValue NonNull(string path)
    {
        var v = GetValue(path);
        return v is HoconNull ? throw new HoconException(v.Position, $"setting '{path}' is null") : v;
    }

    private static HoconException WrongType(HoconValue v, string path, string expected) =>
        new(v.Position, $"expected {expected} at '{path}' but found {v.Describe()}");

    private static decimal Integer(HoconValue v, string path)
    {
        var text = v switch
        {
            HoconNumber n => n.Text,
            HoconString s => s.Value.Trim(),
            _ => throw WrongType(v, path, "an integer"),
        };
        if (!IsJsonNumber(text) ||
            !decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var d))
        {
            throw WrongType(v, path, "an integer");
        }

        return d == decimal.Truncate(d) ? d : throw WrongType(v, path, "an integer");
    }

    private static bool IsJsonNumber(string text) => HoconNumber.IsJsonNumber(text);

}
