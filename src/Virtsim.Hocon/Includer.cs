using System.Text.RegularExpressions;

namespace Virtsim.Hocon;

/// <summary>
/// Loads included files relative to the including file, detects include loops and refuses URL and classpath
/// includes with a clear error. A missing file is ignored unless the include is <c>required(...)</c>.
/// </summary>
internal sealed partial class Includer
{
    private const int MaxIncludeDepth = 32;

    private readonly HoconParseOptions _options;
    private readonly List<string> _active = [];

    public Includer(HoconParseOptions options) => _options = options;

    /// <summary>
    /// The building session of this parse (the root source and everything it includes): the parsers' objects belong
    /// to it, so repeated keys merge in place.
    /// </summary>
    public MergeScope Scope { get; } = new();

    /// <summary>Parses a whole file as the root document (it takes part in loop detection).</summary>
    public HoconObject ParseRootFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new HoconException(null, $"configuration file '{path}' not found");
        }

        return ParseFile(full, [], null, included: false);
    }

    /// <summary>Parses text that does not come from a file.</summary>
    public HoconObject ParseText(string text, string source) =>
        new Parser(text, source, null, this, []).ParseDocument();

    /// <summary>Loads what an include statement names, or <see langword="null"/> when it is missing and optional.</summary>
    public HoconObject? Include(IncludeRequest request, string? includingFile, IReadOnlyList<string> prefix)
    {
        switch (request.Kind)
        {
            case IncludeKind.Classpath:
                throw new HoconException(request.Position, $"classpath includes are not supported (classpath(\"{request.Name}\")); include a file instead");
            case IncludeKind.Url:
                throw new HoconException(request.Position, $"url includes are not supported (url(\"{request.Name}\")); include a file instead");
            case IncludeKind.Heuristic when UrlLike().IsMatch(request.Name):
                throw new HoconException(request.Position, $"url includes are not supported (\"{request.Name}\"); include a file instead");
        }

        if (request.Name.Length == 0)
        {
            throw new HoconException(request.Position, "include needs a file name but found an empty string");
        }

        string path;
        if (Path.IsPathRooted(request.Name))
        {
            path = request.Name;
        }
        else
        {
            var baseDirectory = includingFile is not null ? Path.GetDirectoryName(includingFile) : _options.BaseDirectory;
            if (baseDirectory is null)
            {
                throw new HoconException(request.Position,
                    $"cannot locate relative include \"{request.Name}\": the text was not read from a file (set HoconParseOptions.BaseDirectory)");
            }

            path = Path.Combine(baseDirectory, request.Name);
        }

        List<string> candidates;
        try
        {
            path = Path.GetFullPath(path);
            candidates = File.Exists(path)
                ? [path]
                : Path.GetExtension(request.Name).Length == 0
                    ? new[] { path + ".json", path + ".conf" }.Where(File.Exists).ToList()
                    : [];
        }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException or System.Security.SecurityException)
        {
            throw new HoconException(request.Position, $"invalid include file name \"{request.Name}\": {e.Message}");
        }

        if (candidates.Count == 0)
        {
            if (request.Required)
            {
                throw new HoconException(request.Position, $"required include \"{request.Name}\" not found (looked for {path})");
            }

            return null;
        }

        HoconObject? result = null;
        foreach (var candidate in candidates)
        {
            var parsed = ParseFile(candidate, prefix, request.Position, included: true);
            result = result is null ? parsed : ValueMerger.MergeObjects(result, parsed, Scope);
        }

        return result;
    }

    private HoconObject ParseFile(string fullPath, IReadOnlyList<string> prefix, HoconPosition? at, bool included)
    {
        var comparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        if (_active.Contains(fullPath, comparer))
        {
            var chain = string.Join(" -> ", _active.Append(fullPath).Select(HoconPosition.DisplayName));
            throw new HoconException(at, $"include loop: {chain}");
        }

        if (_active.Count >= MaxIncludeDepth)
        {
            throw new HoconException(at, $"includes nested more than {MaxIncludeDepth} levels deep");
        }

        var text = SourceReader.ReadFile(fullPath, at);
        _active.Add(fullPath);
        try
        {
            return new Parser(text, fullPath, fullPath, this, prefix).ParseDocument(included);
        }
        finally
        {
            _active.RemoveAt(_active.Count - 1);
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:(//|[^\\\\/])")]
    private static partial Regex UrlLike();
}
