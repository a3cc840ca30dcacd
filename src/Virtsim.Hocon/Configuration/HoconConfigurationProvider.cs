using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Virtsim.Hocon.Configuration;

/// <summary>
/// Loads a resolved HOCON tree into Microsoft.Extensions.Configuration keys: path elements joined with <c>:</c>,
/// array elements as <c>:0</c>, <c>:1</c>, ...; numbers as written, booleans as <c>true</c>/<c>false</c>, null and
/// empty objects or arrays as a null value.
/// </summary>
public sealed class HoconConfigurationProvider : ConfigurationProvider
{
    private readonly HoconConfigurationSource _source;
    private string? _streamText;

    /// <summary>Creates a provider for <paramref name="source"/>.</summary>
    /// <param name="source">Where to read the HOCON from.</param>
    public HoconConfigurationProvider(HoconConfigurationSource source) => _source = source;

    /// <summary>Parses the source and replaces the provider's data.</summary>
    /// <exception cref="HoconException">The HOCON is invalid, or the file is missing and not optional.</exception>
    public override void Load()
    {
        var config = Read();
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (config is not null)
        {
            Flatten(config.Root, null, data);
        }

        Data = data;
    }

    /// <summary>Maps a resolved tree to configuration keys (exposed for tests and tools).</summary>
    /// <param name="root">The resolved root object.</param>
    /// <returns>The flattened key/value pairs.</returns>
    public static IDictionary<string, string?> ToKeys(HoconObject root)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(root, null, data);
        return data;
    }

    private HoconConfig? Read()
    {
        var options = _source.Options ?? HoconParseOptions.Default;
        if (_source.Path is { } path)
        {
            var full = System.IO.Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                return _source.Optional ? null : throw new HoconException(null, $"configuration file '{full}' not found");
            }

            return HoconConfig.ParseFile(full, options);
        }

        if (_source.Text is { } text)
        {
            return HoconConfig.Parse(text, options);
        }

        if (_source.Stream is { } stream)
        {
            _streamText ??= SourceReader.ReadStream(stream, options.SourceName ?? "<stream>");
            return HoconConfig.Parse(_streamText, new HoconParseOptions
            {
                Environment = options.Environment,
                SourceName = options.SourceName ?? "<stream>",
                BaseDirectory = options.BaseDirectory,
                Fallback = options.Fallback,
            });
        }

        return null;
    }

    private static void Flatten(HoconValue value, string? key, IDictionary<string, string?> data)
    {
        switch (value)
        {
            case HoconObject o:
                if (o.Count == 0 && key is not null)
                {
                    data[key] = null;
                }

                foreach (var (name, child) in o.Fields)
                {
                    Flatten(child, key is null ? name : key + ConfigurationPath.KeyDelimiter + name, data);
                }

                break;
            case HoconArray a:
                if (a.Items.Count == 0 && key is not null)
                {
                    data[key] = null;
                }

                for (var i = 0; i < a.Items.Count; i++)
                {
                    var index = i.ToString(CultureInfo.InvariantCulture);
                    Flatten(a.Items[i], key is null ? index : key + ConfigurationPath.KeyDelimiter + index, data);
                }

                break;
            case HoconNull:
                data[key!] = null;
                break;
            default:
                data[key!] = value.ConcatenationText;
                break;
        }
    }
}
